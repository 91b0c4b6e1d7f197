"""Indexes for the register at 500,000 assets (issue 14).

The `q` filter (every word inside reference, name, address or postcode) no longer scans:
PostgreSQL gets the pg_trgm extension and a trigram GIN index per column on the expression
Django's `icontains` compares, UPPER(column::text), which serves its LIKE '%word%'; SQLite an
FTS5 trigram table kept in step by triggers (diz_portal/fts.py).

Deep pages of the list (?page=5000) on PostgreSQL: partial indexes on reference for the public
list and the signed-in one. The (visibility, retired_at, reference) indexes cannot give
PostgreSQL the reference order after `retired_at IS NULL` (IS NULL is not an equality to its
planner), so it stepped over 250,000 rows of the table; these serve an index-only scan.
SQLite already reads that order from its covering indexes.

None of this exists in the model state: the ORM never names these indexes.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from diz_portal import fts

COLUMNS = ["reference", "name", "address", "postcode"]
# The SQLite index as this migration made it (assets.filters.TEXT_INDEX is the live one).
FTS_INDEX = fts.Index("assets_asset_fts", "assets_asset", tuple(COLUMNS))
ORDER_INDEXES = {
    "asset_public_order_idx": "visibility = 'public' AND retired_at IS NULL",
    "asset_active_order_idx": "retired_at IS NULL",
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS asset_q_{column}_trgm ON assets_asset "
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )
        for name, condition in ORDER_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON assets_asset (reference) WHERE {condition}"
            )
    else:
        fts.ensure(connection, FTS_INDEX)


def remove(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(f"DROP INDEX IF EXISTS asset_q_{column}_trgm")
        for name in ORDER_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        fts.drop(connection, FTS_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0003_single_line_fields"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, remove),
    ]
