"""A one-line competing-interests statement on posts, their revisions and drafts (asked for when a
member cites a study they wrote)."""

from django.db import migrations, models


def _sqlite_search_triggers(drop: bool):
    # SQLite adds a NOT NULL column by rebuilding forum_post, and its search triggers (see
    # forum/search/schema.py) name the table: they are dropped for the rebuild and made again.
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        from forum.search import schema

        statements = [s for s in schema.SQLITE_TRIGGERS if s.startswith("DROP")] if drop else schema.SQLITE_TRIGGERS
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('forum', '0024_upload_thumbnails'),
    ]

    operations = [
        migrations.AddField(
            model_name='draft',
            name='competing_interests',
            field=models.TextField(blank=True, help_text='As typed'),
        ),
        migrations.RunPython(_sqlite_search_triggers(drop=True), _sqlite_search_triggers(drop=False)),
        migrations.AddField(
            model_name='post',
            name='competing_interests',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(_sqlite_search_triggers(drop=False), _sqlite_search_triggers(drop=True)),
        migrations.AddField(
            model_name='postrevision',
            name='competing_interests',
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
