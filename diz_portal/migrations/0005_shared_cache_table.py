"""The table behind the database cache ("diz_cache").

Without Redis, login and enquiry rate limits must still hold across every gunicorn worker, so
they count in this table, which all processes share. Created here rather than by a separate
`createcachetable` step, so a deploy that runs `migrate` cannot forget it.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "diz_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("diz_portal", "0004_search_entry"),
    ]

    operations = [migrations.RunPython(create, drop)]
