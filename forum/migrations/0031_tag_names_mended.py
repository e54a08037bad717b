"""Tags stored with a name no page can link (markup, spaces, other scripts: imported before names
were checked) are renamed as the topic form would name them; one that becomes an existing tag is
merged into it, and one with nothing usable left is removed from its topics."""

from django.db import migrations

from forum.models.tag import TAG_NAME, tag_name_normalised


def mend(apps, schema_editor):
    Tag = apps.get_model("forum", "Tag")
    Through = Tag.topics.through
    for tag in Tag.objects.all().iterator():
        if TAG_NAME.match(tag.name):
            continue
        name = tag_name_normalised(tag.name)
        keep = Tag.objects.filter(name=name).exclude(pk=tag.pk).first() if name else None
        if name and keep is None:
            Tag.objects.filter(pk=tag.pk).update(name=name)
            continue
        if keep is not None:
            already = set(Through.objects.filter(tag=keep).values_list("topic_id", flat=True))
            Through.objects.bulk_create([Through(topic_id=topic_id, tag=keep) for topic_id in
                                         Through.objects.filter(tag=tag).values_list("topic_id", flat=True)
                                         if topic_id not in already])
        Through.objects.filter(tag=tag).delete()
        tag.delete()


class Migration(migrations.Migration):
    dependencies = [("forum", "0030_worker_heartbeat_and_sent_mail")]
    operations = [migrations.RunPython(mend, migrations.RunPython.noop)]
