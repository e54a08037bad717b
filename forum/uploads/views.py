"""Uploading a file from the composer (JSON for the script), and serving uploaded files."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from forum.access.limits import LimitExceeded
from forum.access.permissions import can_see_upload
from forum.models import Upload, UploadKind
from forum.uploads.storing import UploadRefused, upload_create, upload_markdown


def upload_or_error(request, file) -> tuple[Upload | None, str, int]:
    """(upload, "", 200) or (None, message, 4xx status): shared by the JSON endpoint and the
    composer's own file field."""
    if file is None:
        return None, "Choose a file to upload.", 400
    try:
        return upload_create(uploader=request.user, file=file), "", 200
    except UploadRefused as refused:
        return None, refused.message, refused.status
    except PermissionDenied as exc:
        return None, str(exc), 429 if isinstance(exc, LimitExceeded) else 403


@login_required
@require_POST
def create(request):
    upload, error, status = upload_or_error(request, request.FILES.get("file"))
    if upload is None:
        return JsonResponse({"error": error}, status=status)
    return JsonResponse({"name": upload.name, "kind": upload.kind, "url": upload.get_absolute_url(),
                         "preview_url": upload.get_thumbnail_url() or upload.get_absolute_url(),
                         "markdown": upload_markdown(upload)})


@require_GET
def serve(request, name: str):
    # The file itself or a thumbnail; one name can be both (identical bytes are stored once), and
    # it is served when any upload it belongs to may be seen.
    upload = next((candidate for candidate in Upload.objects.serving(name)
                   if can_see_upload(request.user, candidate)), None)
    if upload is None:
        raise Http404("No such file.")
    # A thumbnail is stored under its own name; the file itself under its bytes' hash, which
    # every member's upload of those bytes shares.
    stored_name = upload.stored_name if name == upload.name else name
    try:
        handle = default_storage.open(stored_name, "rb")
    except FileNotFoundError:
        raise Http404("No such file.") from None
    is_pdf = upload.kind == UploadKind.PDF
    # A PDF is never shown inline: it downloads, so nothing in it runs in this site's origin.
    response = FileResponse(handle, content_type=upload.content_type, as_attachment=is_pdf,
                            filename=(upload.original_name or upload.name) if is_pdf else None)
    response["X-Content-Type-Options"] = "nosniff"
    # The content behind a name never changes; who may see it can, so shared caches keep none.
    response["Cache-Control"] = "private, max-age=86400"
    return response


def attached_text(request):
    """The composer's file field, for writing without JavaScript: when "Attach" was pressed, the
    file is uploaded and its markdown appended to the text, which comes back for the writer to
    add alt text and post. Returns (form data, attaching, error or None, status); on a refusal
    the text comes back unchanged with the reason."""
    if "attach" not in request.POST:
        return request.POST, False, None, 200
    data = request.POST.copy()
    upload, error, status = upload_or_error(request, request.FILES.get("attachment"))
    if upload is not None:
        raw = data.get("raw", "").rstrip()
        data["raw"] = f"{raw}\n\n{upload_markdown(upload)}\n" if raw else f"{upload_markdown(upload)}\n"
        return data, True, None, 200
    return data, True, error, status
