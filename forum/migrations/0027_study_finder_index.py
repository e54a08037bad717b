"""A GIN index over studies' title, journal and author family names, for finding a study by
what a member half-remembers (forum.search.study_finder). PostgreSQL only: SQLite searches the
same columns without an index."""

from django.db import migrations


def install(apps, schema_editor):
    from forum.search.study_finder import INSTALL_SQL

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL_SQL)


def uninstall(apps, schema_editor):
    from forum.search.study_finder import UNINSTALL_SQL

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0026_citation_study_recent_idx"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
