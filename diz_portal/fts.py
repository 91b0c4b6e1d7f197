"""SQLite FTS5 indexes for site search and for apps' text filters (the asset register's).

Each index is an external-content FTS5 table with the trigram tokenizer: it stores no copy of
the text, and a quoted term matches wherever it appears inside a column, case-insensitively,
so "every word appears in one of the columns" gives the same rows as the `icontains` filters
it replaces, from an index instead of a scan. Triggers on the source table keep it in step
with every write, the ORM's bulk ones and raw SQL included.

SQLite only: on PostgreSQL the register uses trigram GIN indexes and site search a tsvector.
Django rebuilds a SQLite table to alter it (a new table, a copy, a drop, a rename), and the
drop takes the triggers with it, so `ensure` runs after every `migrate` and puts back what is
missing, rebuilding the index from the table when it does.
"""

import hashlib
from dataclasses import dataclass

from django.db.models import BooleanField, F, Func

from diz_portal.hooks import hooks

MIN_TERM = 3  # the trigram tokenizer finds nothing for a shorter term
# A match expression with at least this many rows is "common" (see Match).
COMMON = 2000


@dataclass(frozen=True)
class Index:
    table: str
    source: str
    columns: tuple

    def create_sql(self):
        # Table and column names are this module's constants, never input.
        cols = ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        delete = f"INSERT INTO {self.table}({self.table}, rowid, {cols})"  # noqa: S608
        delete_old = f"{delete} VALUES ('delete', old.id, {old});"
        insert_new = f"INSERT INTO {self.table}(rowid, {cols}) VALUES (new.id, {new});"  # noqa: S608
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING fts5({cols}, "
            f"content='{self.source}', content_rowid='id', tokenize='trigram')",
            f"CREATE TRIGGER IF NOT EXISTS {self.table}_ai AFTER INSERT ON {self.source} "
            f"BEGIN {insert_new} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.table}_ad AFTER DELETE ON {self.source} "
            f"BEGIN {delete_old} END",
            f"CREATE TRIGGER IF NOT EXISTS {self.table}_au AFTER UPDATE OF {cols} "
            f"ON {self.source} BEGIN {delete_old} {insert_new} END",
        ]

    def triggers(self):
        return {f"{self.table}_ai", f"{self.table}_ad", f"{self.table}_au"}


SEARCH = Index("diz_portal_searchentry_fts", "diz_portal_searchentry", ("title", "summary", "body"))


def indexes():
    """Site search's index, then every app's (its publishing.fts_indexes hook)."""
    return [SEARCH, *(index for func in hooks("publishing", "fts_indexes") for index in func())]


def ensure(connection, index, repair_only=False):
    """Create the FTS table and its triggers if any is missing, then rebuild it from the
    source table. A no-op when all are in place, and on other databases. `repair_only`:
    only when the FTS table exists (its migration has run) but a trigger does not."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name IN "
            "(%s, %s, %s, %s, %s)",
            [index.source, index.table, *sorted(index.triggers())],
        )
        present = {row[0] for row in cursor.fetchall()}
        if index.source not in present:
            return  # migrating backwards past the source table's creation
        if {index.table, *index.triggers()} <= present:
            return
        if repair_only and index.table not in present:
            return
        for statement in index.create_sql():
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {index.table}({index.table}) VALUES ('rebuild')")  # noqa: S608


def drop(connection, index):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for trigger in sorted(index.triggers()):
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        cursor.execute(f"DROP TABLE IF EXISTS {index.table}")


def match_expression(terms):
    """An FTS5 query for rows that contain every term (each at least MIN_TERM characters)."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


class Match(Func):
    """`pk IN (the FTS index's rows matching expression)`, as a filter condition.

    SQLite either reads every matching row and sorts them (cheap for a rare word) or walks
    the list in its order, keeping rows that are in the match set, until it has a page
    (cheap for a common word: 50 rows of "harlow" come within the first few thousand). Its
    planner always picks the first, which for a word in one asset in twenty costs reading
    25,000 rows per page at 500,000 assets. So the number of matches (up to COMMON, cached
    per content version) decides, and a common word's condition gets SQLite's unary `+`,
    which tells the planner not to drive the query from it.
    """

    output_field = BooleanField()

    def __init__(self, index, expression, ordered=True):
        """`ordered`: the rows are listed in an order an index serves (the register), so
        walking it can pay; not for results sorted by rank (site search)."""
        super().__init__(F("pk"))
        self.index, self.expression, self.ordered = index, expression, ordered

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        common = self.ordered and is_common(connection, self.index, self.expression)
        hint = "+" if common else ""
        table = self.index.table  # a constant of this module, never input
        return (
            f"{hint}{column} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)",  # noqa: S608
            [*params, self.expression],
        )


def is_common(connection, index, expression):
    from diz_portal.cache import versioned

    def count():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {index.table} "  # noqa: S608
                f"WHERE {index.table} MATCH %s LIMIT %s)",
                [expression, COMMON],
            )
            return cursor.fetchone()[0]

    digest = hashlib.sha256(expression.encode()).hexdigest()
    return versioned(f"fts-count:{index.table}:{digest}", count) >= COMMON


def ensure_all(using="default", **kwargs):
    """post_migrate: put back triggers a table rebuild dropped (see the module docstring)."""
    from django.db import connections

    connection = connections[using]
    for index in indexes():
        ensure(connection, index, repair_only=True)
