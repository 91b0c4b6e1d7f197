"""SQLite: an FTS5 trigram index over search entries' title, summary and body, kept in step
by triggers (diz_portal/fts.py), so site search no longer scans every entry. PostgreSQL keeps
its tsvector and GIN index; this migration does nothing there."""

from django.db import migrations

from diz_portal import fts


def create(apps, schema_editor):
    fts.ensure(schema_editor.connection, fts.SEARCH)


def remove(apps, schema_editor):
    fts.drop(schema_editor.connection, fts.SEARCH)


class Migration(migrations.Migration):
    dependencies = [
        ("diz_portal", "0006_outbound_email"),
    ]

    operations = [
        migrations.RunPython(create, remove),
    ]
