"""Object storage as Django sees it, for tests: a Storage that is not a FileSystemStorage and has
no path on disk, holding its objects in this process's memory under flat keys, as a bucket does.
django-storages' S3Storage offers the same calls (open, save, exists, size, listdir, delete)."""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage


class FakeBucketStorage(Storage):
    objects: dict[str, bytes] = {}

    def _open(self, name, mode="rb"):
        try:
            return ContentFile(self.objects[name], name=name)
        except KeyError:
            raise FileNotFoundError(name) from None

    def _save(self, name, content):
        self.objects[name] = b"".join(content.chunks())
        return name

    def exists(self, name):
        return name in self.objects

    def delete(self, name):
        self.objects.pop(name, None)

    def size(self, name):
        return len(self.objects[name])

    def listdir(self, path):
        prefix = f"{path.rstrip('/')}/" if path else ""
        directories, files = set(), []
        for key in self.objects:
            if key.startswith(prefix):
                rest = key[len(prefix):]
                if "/" in rest:
                    directories.add(rest.split("/", 1)[0])
                else:
                    files.append(rest)
        return sorted(directories), sorted(files)
