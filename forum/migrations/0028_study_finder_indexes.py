"""Indexes for finding a study by what a member half-remembers (forum.evidence.study_finder): a GIN
index over studies' title, journal and author family names, and one by year, newest first.
PostgreSQL only: SQLite searches the same columns without them."""

from django.db import migrations


def install(apps, schema_editor):
    from forum.evidence.study_finder import INSTALL_SQL

    if schema_editor.connection.vendor == "postgresql":
        for statement in INSTALL_SQL:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    from forum.evidence.study_finder import UNINSTALL_SQL

    if schema_editor.connection.vendor == "postgresql":
        for statement in UNINSTALL_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0027_flag_study_and_reason_suggestion_notices"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
