"""Full-text search: the PostgreSQL search vector and GIN index, or the SQLite FTS5 table, with
the triggers that keep them in step (see forum/search/schema.py for how and why)."""

from django.db import migrations


def install(apps, schema_editor):
    from forum.search import schema

    schema.install(schema_editor.connection)


def remove(apps, schema_editor):
    from forum.search import schema

    schema.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0005_following_drafts_preferences"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
