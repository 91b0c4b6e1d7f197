"""Streamed open-data exports. Rows come from the database through a server-side cursor, so
memory stays flat whatever the size of the register."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from itertools import islice

import orjson
from django.db import connections
from django.db.models import Case, DateField, F, FloatField, Func, TextField, Value, When
from django.db.models.functions import Cast

from assets.columns import ATTRIBUTION, BOOLEAN_COLUMNS, COLUMNS, LICENCE_NAME, LICENCE_URL
from assets.models import Asset
from diz_portal.csvsafe import FIRST_CHARACTERS, NEEDS_QUOTE, TRIGGERS

CHUNK_SIZE = 2000
# Rows per piece of a response (and features per encoder call). Not more: holding 500 rows'
# objects at a time lets enough of them outlive a young-generation collection to make the
# garbage collector's older generations (the whole process's objects) run often; 100 makes
# GeoJSON ~15% and CSV ~5% faster at 450,000 rows.
BATCH = 100
LOOKUPS = [column.lookup for column in COLUMNS]
NAMES = [column.name for column in COLUMNS]


BOOLEAN_INDEXES = [i for i, name in enumerate(NAMES) if name in BOOLEAN_COLUMNS]
# Read as floats in SQL: building a Decimal per value is most of an export's time, and the
# float prints the same number ("51.7679") on SQLite and PostgreSQL.
FLOAT_LOOKUPS = {"latitude", "longitude", "height_m"}


def export_values(queryset):
    """The export columns of each asset, in column order, straight from the database."""
    casts = {f"{lookup}_float": Cast(lookup, FloatField()) for lookup in FLOAT_LOOKUPS}
    fields = [f"{lookup}_float" if lookup in FLOAT_LOOKUPS else lookup for lookup in LOOKUPS]
    rows = queryset.annotate(**casts).values_list(*fields)
    return rows.iterator(chunk_size=CHUNK_SIZE)


# Fixed places, as the data dictionary documents: latitude/longitude 6, height 2.
PLACES = {NAMES.index(n): f".{p}f" for n, p in (("latitude", 6), ("longitude", 6), ("height_m", 2))}


TEXT_TYPES = ("CharField", "SlugField", "TextField")  # EmailField, URLField: "CharField"


def _is_text(lookup):
    model, *path, name = [Asset, *lookup.split("__")]
    for relation in path:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name).get_internal_type() in TEXT_TYPES


# Only text columns can hold a formula; numbers (a negative longitude) are never quoted. A set
# lookup on the first character, then the precompiled regex, adds ~0.1 s per 100,000 rows.
TEXT_INDEXES = [i for i, lookup in enumerate(LOOKUPS) if _is_text(lookup)]
_needs_quote = NEEDS_QUOTE.match


def _csv_row(values):
    """A row as a list: text a spreadsheet would run as a formula quoted (diz_portal.csvsafe),
    booleans spelt yes/no, coordinates to fixed places; csv.writer writes None as "" and dates
    as ISO 8601."""
    row = list(values)
    for i in TEXT_INDEXES:
        # Inlined csvsafe.neutralise: the same rule without a call per cell.
        value = row[i]
        if value and value[0] in FIRST_CHARACTERS and _needs_quote(value):
            row[i] = "'" + value
    for i in BOOLEAN_INDEXES:
        if row[i] is not None:
            row[i] = "yes" if row[i] else "no"
    for i, spec in PLACES.items():
        if row[i] is not None:
            row[i] = format(row[i], spec)
    return row


def raw_export_values(queryset):
    """export_values without the ORM's per-row work: the same SQL through a chunked
    (server-side on PostgreSQL) cursor, rows as the driver returns them. Creating the
    values_list() rows is a third of a 500,000-row export's time. The driver's values print
    the same in the exports: SQLite's 0/1 for booleans are turned into yes/no or true/false
    like Python's, and its ISO date text is what csv.writer and orjson write for a date."""
    casts = {f"{lookup}_float": Cast(lookup, FloatField()) for lookup in FLOAT_LOOKUPS}
    fields = [f"{lookup}_float" if lookup in FLOAT_LOOKUPS else lookup for lookup in LOOKUPS]
    rows = queryset.annotate(**casts).values_list(*fields)
    sql, params = rows.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK_SIZE):
            yield from batch


def csv_rows(queryset):
    """The header, then one list per asset."""
    yield NAMES
    for values in raw_export_values(queryset):
        yield _csv_row(values)


def csv_stream(queryset):
    """The CSV export: PostgreSQL writes it itself (COPY … TO STDOUT); other databases through
    Python. (SQLite evaluating the same cell expressions is slower than Python formatting the
    raw rows, so it keeps the Python path.)"""
    if connections[queryset.db].vendor == "postgresql":
        return csv_copy_stream(queryset)
    return csv_python_stream(queryset)


def csv_python_stream(queryset):
    """CSV text in pieces of BATCH rows (one piece per row would make the server slower).
    The reference the COPY path below is tested against, byte for byte."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = csv_rows(queryset)
    while batch := list(islice(rows, BATCH)):
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


# --- CSV through PostgreSQL's COPY ------------------------------------------------------------
# PostgreSQL formats every cell exactly as _csv_row does and COPY … TO STDOUT writes the CSV,
# so Python makes no object per value. tests/assets/test_export_copy.py compares it with
# csv_python_stream byte for byte.

COPY_ROWS = 1000  # rows per piece of the response


class CsvText(Func):
    """A text cell as csvsafe.neutralise leaves it: a leading quote when, after any quotes
    it starts with, the first character is one of csvsafe.TRIGGERS (NEEDS_QUOTE, without a
    regular expression); NULL for an empty cell, which COPY writes unquoted like csv.writer
    (an empty string COPY would quote)."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        triggers = ", ".join(["%s"] * len(TRIGGERS))
        first = ", ".join(["%s"] * len(FIRST_CHARACTERS))
        # LEFT(…, 1) first: it rules out almost every cell without building a string.
        return (
            f"CASE WHEN LEFT({sql}, 1) IN ({first}) "
            f"AND LEFT(LTRIM({sql}, %s), 1) IN ({triggers}) THEN %s || {sql} "
            f"ELSE NULLIF({sql}, '') END",
            [*params, *sorted(FIRST_CHARACTERS), *params, "'", *TRIGGERS, "'", *params, *params],
        )


class FixedPlaces(Func):
    """A number with fixed decimal places, as format(value, ".6f") writes it: a numeric
    rounded to n places prints exactly n places."""

    output_field = TextField()

    def __init__(self, expression, places):
        super().__init__(expression)
        self.places = places

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(ROUND({sql}, %s) AS text)", [*params, self.places]


def _sql_cell(index, lookup):
    """An SQL expression for one column's CSV cell."""
    value = F(lookup)
    if index in TEXT_INDEXES:
        return CsvText(value)
    if index in BOOLEAN_INDEXES:
        return Case(
            When(**{lookup: True}, then=Value("yes")),
            When(**{lookup: False}, then=Value("no")),
            default=Value(None),
            output_field=TextField(),
        )
    if index in PLACES:
        return FixedPlaces(value, int(PLACES[index][1:-1]))
    if isinstance(_field(lookup), DateField):
        return Func(value, Value("YYYY-MM-DD"), function="TO_CHAR", output_field=TextField())
    return value  # integers


def _field(lookup):
    model, *path, name = [Asset, *lookup.split("__")]
    for relation in path:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def cells_query(queryset):
    """The export's SELECT of CSV cells, and its parameters."""
    cells = {f"cell_{i}": _sql_cell(i, lookup) for i, lookup in enumerate(LOOKUPS)}
    rows = queryset.annotate(**cells).values_list(*cells)
    return rows.query.get_compiler(queryset.db).as_sql()


def _header():
    header = io.StringIO()
    csv.writer(header).writerow(NAMES)
    return header.getvalue()


def csv_copy_stream(queryset):
    """The CSV export from PostgreSQL's COPY: the same header, rows, order and bytes as
    csv_python_stream (RFC 4180's CRLF line ends included), streamed in pieces."""
    yield _header().encode()
    sql, params = cells_query(queryset)
    sql = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    with connections[queryset.db].cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        # libpq hands COPY data over one whole row at a time, ending in "\n" (a line break
        # inside a quoted cell is never the last byte): swap that for "\r\n".
        rows = []
        for row in copy:
            rows.append(bytes(row)[:-1])
            if len(rows) == COPY_ROWS:
                yield b"\r\n".join(rows) + b"\r\n"
                rows = []
        if rows:
            yield b"\r\n".join(rows) + b"\r\n"


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _encode(features):
    """orjson: encoding ~35 properties per feature is most of a GeoJSON export's time, and
    orjson does it several times faster than the standard library (dates as ISO 8601)."""
    return orjson.dumps(features, default=_json_default)


def geojson_stream(queryset):
    """An RFC 7946 FeatureCollection: [longitude, latitude] positions in WGS84, properties named
    as the CSV columns, and the licence and attribution as foreign members."""
    head = {
        "type": "FeatureCollection",
        "name": "DIZ Common Asset Register",
        "licence": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
    }
    yield (json.dumps(head)[:-1] + ', "features": [').encode()
    lat, lon = NAMES.index("latitude"), NAMES.index("longitude")
    pieces, separator = [], b""
    for values in raw_export_values(queryset):
        properties = dict(zip(NAMES, values, strict=True))
        for i in BOOLEAN_INDEXES:
            if values[i] is not None:
                properties[NAMES[i]] = bool(values[i])
        feature = {
            "type": "Feature",
            "id": values[0],
            "geometry": {"type": "Point", "coordinates": [values[lon], values[lat]]},
            "properties": properties,
        }
        pieces.append(feature)
        if len(pieces) == BATCH:
            # One encoder call per batch: the list's brackets are cut off, its commas kept.
            yield separator + _encode(pieces)[1:-1]
            pieces, separator = [], b",\n"
    if pieces:
        yield separator + _encode(pieces)[1:-1]
    yield b"]}\n"
