"""Streamed open-data exports. Rows come from the database through a server-side cursor, so
memory stays flat whatever the size of the register."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from itertools import islice
from operator import itemgetter

import orjson
from django.db import connections
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    F,
    FloatField,
    Func,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast

from assets.columns import ATTRIBUTION, BOOLEAN_COLUMNS, COLUMNS
from assets.models import POSITION_COLUMNS, Asset
from diz_portal.catalogue import LICENCE_NAME, LICENCE_URL
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
FLOAT_LOOKUPS = {"latitude", "longitude", "height_m", "mounting_height_m"}
# The position columns read the position the visitor may see (Asset.with_position_for: rounded
# to about 100 m for generalised assets), never the stored one.
SHOWN = {column: f"shown_{column}" for column in POSITION_COLUMNS}


def _source(lookup):
    """The queryset's name for an export column's value."""
    return SHOWN.get(lookup, lookup)


def positioned(queryset, user=None):
    """The queryset with the shown positions for `user` (anonymous when None), unless it has
    them already: every export path reads positions through this."""
    if "shown_latitude" in queryset.query.annotations:
        return queryset
    return queryset.with_position_for(user)


def export_values(queryset):
    """The export columns of each asset, in column order, straight from the database."""
    queryset = positioned(queryset)
    casts = {f"{lookup}_float": Cast(_source(lookup), FloatField()) for lookup in FLOAT_LOOKUPS}
    fields = [
        f"{lookup}_float" if lookup in FLOAT_LOOKUPS else _source(lookup) for lookup in LOOKUPS
    ]
    rows = queryset.annotate(**casts).values_list(*fields)
    return rows.iterator(chunk_size=CHUNK_SIZE)


# Fixed places, as the data dictionary documents: latitude/longitude 6, height 2.
PLACES = {
    NAMES.index(n): f".{p}f"
    for n, p in (("latitude", 6), ("longitude", 6), ("height_m", 2), ("mounting_height_m", 2))
}


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


YES_NO = {True: "yes", False: "no"}  # SQLite's 1 and 0 find the same entries


def _neutralised(value):
    """csvsafe.neutralise for one cell, without its checks on the cell's type."""
    if value and value[0] in FIRST_CHARACTERS and _needs_quote(value):
        return "'" + value
    return value


def _csv_cells(rows):
    """Rows ready for csv.writer, worked a column at a time: text a spreadsheet would run as
    a formula quoted (diz_portal.csvsafe), booleans spelt yes/no, coordinates to fixed
    places; csv.writer writes None as "" and dates as ISO 8601. A text column is only
    rewritten when one of its cells starts with a character that could begin a formula
    (found by map/filter in C), and booleans are looked up by map: per-cell Python work was
    a third of the SQLite export's time."""
    columns = list(zip(*rows, strict=True))
    for i in TEXT_INDEXES:
        if not FIRST_CHARACTERS.isdisjoint(map(itemgetter(0), filter(None, columns[i]))):
            columns[i] = [_neutralised(value) for value in columns[i]]
    for i in BOOLEAN_INDEXES:
        columns[i] = map(YES_NO.get, columns[i])
    for i, spec in PLACES.items():
        columns[i] = [None if value is None else format(value, spec) for value in columns[i]]
    return zip(*columns, strict=True)


def raw_export_values(queryset):
    """export_values without the ORM's per-row work: the same SQL through a chunked
    (server-side on PostgreSQL) cursor, rows as the driver returns them. Creating the
    values_list() rows is a third of a 500,000-row export's time. The driver's values print
    the same in the exports: SQLite's 0/1 for booleans are turned into yes/no or true/false
    like Python's, and its ISO date text is what csv.writer and orjson write for a date."""
    queryset = positioned(queryset)
    casts = {f"{lookup}_float": Cast(_source(lookup), FloatField()) for lookup in FLOAT_LOOKUPS}
    fields = [
        f"{lookup}_float" if lookup in FLOAT_LOOKUPS else _source(lookup) for lookup in LOOKUPS
    ]
    sqlite = connections[queryset.db].vendor == "sqlite"
    # SQLite hands rows over in-process, so fetching more at a time saves nothing, and rows
    # held for longer outlive young-generation collections (see BATCH). PostgreSQL's
    # server-side cursor makes a round trip per fetch.
    fetch = BATCH if sqlite else CHUNK_SIZE
    if sqlite:
        # SQLite keeps dates as ISO text; read as a date column, the driver parses each one
        # into a date that the writers turn straight back into the same text (a ninth of
        # the CSV export's time).
        for i, lookup in enumerate(LOOKUPS):
            if lookup not in FLOAT_LOOKUPS and isinstance(_field(lookup), DateField):
                casts[f"{lookup}_text"] = Cast(_source(lookup), TextField())
                fields[i] = f"{lookup}_text"
    rows = queryset.annotate(**casts).values_list(*fields)
    sql, params = rows.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(fetch):
            yield from batch


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
    writer.writerow(NAMES)
    rows = raw_export_values(queryset)
    while batch := list(islice(rows, BATCH)):
        writer.writerows(_csv_cells(batch))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # no rows: the header alone
        yield buffer.getvalue()


# --- CSV through PostgreSQL's COPY ------------------------------------------------------------
# PostgreSQL formats every cell exactly as _csv_cells does and COPY … TO STDOUT writes the CSV,
# so Python makes no object per value. tests/assets/test_export_copy.py compares it with
# csv_python_stream byte for byte.

# Rows per piece of the response: about 50 KB. Pieces stay well under 128 KB, above which
# the C allocator maps fresh, zeroed pages for each one: 2,000-row pieces cost more Python
# time than the whole COPY loop.
COPY_ROWS = 250


class CsvText(Func):
    """A text cell as csvsafe.neutralise leaves it: a leading quote when, after any quotes
    it starts with, the first character is one of csvsafe.TRIGGERS (NEEDS_QUOTE, without a
    regular expression); NULL for an empty cell, which COPY writes unquoted like csv.writer
    (an empty string COPY would quote)."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # ASCII() is the first character's code point (0 for an empty string): comparing
        # integers rules out almost every cell without building a string, which LEFT(…, 1)
        # would (a fifth of the whole COPY's time at 450,000 rows).
        first = ", ".join(str(ord(c)) for c in sorted(FIRST_CHARACTERS))
        triggers = ", ".join(str(ord(c)) for c in TRIGGERS)
        return (
            f"CASE WHEN ASCII({sql}) IN ({first}) "
            f"AND ASCII(LTRIM({sql}, %s)) IN ({triggers}) THEN %s || {sql} "
            f"ELSE NULLIF({sql}, '') END",
            [*params, *params, "'", "'", *params, *params],
        )


class FixedPlaces(Func):
    """A number with fixed decimal places, as format(value, ".6f") writes it: a numeric
    rounded to n places prints exactly n places (and a column of that scale already does)."""

    output_field = TextField()

    def __init__(self, expression, places):
        super().__init__(expression)
        self.places = places

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if getattr(self.source_expressions[0].output_field, "decimal_places", None) == self.places:
            return f"CAST({sql} AS text)", params
        return f"CAST(ROUND({sql}, %s) AS text)", [*params, self.places]


def _sql_cell(index, lookup):
    """An SQL expression for one column's CSV cell."""
    value = F(_source(lookup))
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
    queryset = positioned(queryset)
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
        # inside a quoted cell is never the last byte). The rows are joined as they come (a
        # row is a memoryview that owns its buffer) and every "\n" made "\r\n" at once,
        # unless some cell of the piece holds a line break: then row by row.
        rows = iter(copy)
        while piece := list(islice(rows, COPY_ROWS)):
            data = b"".join(piece)
            if data.count(b"\n") == len(piece):
                yield data.replace(b"\n", b"\r\n")
            else:
                yield b"".join([bytes(row)[:-1] + b"\r\n" for row in piece])


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


def _geojson_head():
    head = {
        "type": "FeatureCollection",
        "name": "DIZ Common Asset Register",
        "licence": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
    }
    return (json.dumps(head)[:-1] + ', "features": [').encode()


GEOJSON_TAIL = b"]}\n"


def geojson_stream(queryset):
    """An RFC 7946 FeatureCollection: [longitude, latitude] positions in WGS84, properties named
    as the CSV columns, and the licence and attribution as foreign members. The database
    writes each Feature's JSON text itself (GeoJsonFeature) on PostgreSQL and SQLite, the
    same bytes as geojson_python_stream; Python only joins them."""
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        return geojson_copy_stream(queryset)
    if vendor == "sqlite":
        return geojson_sqlite_stream(queryset)
    return geojson_python_stream(queryset)


def geojson_python_stream(queryset):
    """The GeoJSON export through orjson: BATCH features to a line. The reference the SQL
    paths below are tested against, byte for byte."""
    yield _geojson_head()
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
    yield GEOJSON_TAIL


# --- GeoJSON written by the database ----------------------------------------------------------
# Building ~35 Python objects per asset and encoding them is most of a GeoJSON export's time.
# Instead the database writes each Feature's JSON text, exactly as orjson writes it in
# geojson_python_stream (keys in the same order, no spaces, strings escaped the same way,
# numbers as orjson prints the float); PostgreSQL does that in its own process, beside the
# app's. tests/assets/test_export_geojson.py compares the bytes with the Python path's.

LATITUDE, LONGITUDE = NAMES.index("latitude"), NAMES.index("longitude")
# Rows per piece of a GeoJSON response (a multiple of BATCH): about 100 KB, under the C
# allocator's 128 KB threshold like COPY_ROWS.
GEOJSON_ROWS = BATCH


def _json_kind(index, lookup):
    if index in TEXT_INDEXES:
        return "text"
    if index in BOOLEAN_INDEXES:
        return "boolean"
    field = _field(lookup)
    if isinstance(field, DecimalField):
        # orjson writes the float of the Decimal (or of the float read in SQL): the JSON must
        # be the float's.
        if field.decimal_places > 6:
            raise ValueError(f"{lookup}: only up to 6 decimal places are written in SQL")
        return "decimal"
    if isinstance(field, DateField):
        return "date"
    return "integer"


KINDS = [_json_kind(i, lookup) for i, lookup in enumerate(LOOKUPS)]


def _nullable(lookup):
    """Whether the lookup's value can be NULL (a nullable field, or one across a nullable
    relation)."""
    model, *path, name = [Asset, *lookup.split("__")]
    for relation in path:
        field = model._meta.get_field(relation)
        if field.null:
            return True
        model = field.related_model
    return model._meta.get_field(name).null


NULLABLE = [_nullable(lookup) for lookup in LOOKUPS]


def _geojson_template(value, quote_text):
    """The Feature's JSON with value(i) in place of column i's value (quoted when
    quote_text and the column is text)."""

    def at(i):
        return f'"{value(i)}"' if quote_text and KINDS[i] == "text" else value(i)

    properties = ",".join(f"{orjson.dumps(name).decode()}:{at(i)}" for i, name in enumerate(NAMES))
    return (
        f'{{"type":"Feature","id":{at(0)},"geometry":{{"type":"Point",'
        f'"coordinates":[{at(LONGITUDE)},{at(LATITUDE)}]}},"properties":{{{properties}}}}}'
    )


def _pg_decimal(sql, places):
    """PostgreSQL: a numeric(…, places) as orjson prints float(value). Up to 15 significant
    digits a float prints the decimal's own digits, so the text is the numeric's without
    trailing zeros ("51.78"), with ".0" when whole ("52.0"), and orjson's exponent form for
    0 < |value| < 0.00001 ("5e-6"). Numeric comparisons first: they make no string."""
    text = f"CAST({sql} AS text)"
    zeros = "0" * places
    tiny = f"REPLACE({text}, '0.00000', '') || 'e-6'" if places == 6 else "'0.0'"
    return (
        f"CASE WHEN {sql} IS NULL THEN 'null' "
        f"WHEN {sql} > -0.00001 AND {sql} < 0.00001 "
        f"THEN CASE WHEN {sql} = 0 THEN '0.0' ELSE {tiny} END "
        f"WHEN {text} LIKE '%%.{zeros}' THEN RTRIM({text}, '0') || '0' "
        f"ELSE RTRIM({text}, '0') END"
    )


def _sqlite_decimal(sql):
    """SQLite: json_object() writes a REAL as "%!.15g" ("51.78", "52.0"), as orjson does for
    |value| >= 0.0001 (and NULL as null); below that orjson writes 0.00005 and 5e-6, given
    here as JSON text."""
    real = f"CAST({sql} AS REAL)"
    k = f"CAST(ROUND(ABS({real}) * 1000000) AS INTEGER)"
    sign = f"CASE WHEN {real} < 0 THEN '-' ELSE '' END"
    return (
        f"CASE WHEN {sql} > -0.0001 AND {sql} < 0.0001 THEN CASE WHEN {real} = 0 THEN 0.0 "
        f"ELSE JSON({sign} || CASE WHEN {k} < 10 THEN {k} || 'e-6' "
        f"WHEN {k} %% 10 = 0 THEN '0.0000' || ({k} / 10) ELSE '0.0000' || {k} END) END "
        f"ELSE {real} END"
    )


# Characters a JSON string must escape (orjson and PostgreSQL's to_json escape the same way).
NEEDS_ESCAPE = r'[\x01-\x1f"\\]'


class GeoJsonFeature(Func):
    """One asset's GeoJSON Feature as JSON text, written by the database."""

    output_field = TextField()

    def __init__(self):
        super().__init__(*[F(_source(lookup)) for lookup in LOOKUPS])

    def _columns(self, compiler):
        columns = []
        for expression in self.source_expressions:
            sql, params = compiler.compile(expression)
            if params:  # each column is used more than once below
                raise ValueError("GeoJsonFeature takes plain columns")
            columns.append(sql)
        return columns

    def as_postgresql(self, compiler, connection, **extra_context):
        # format() with positional arguments: each value is made once however often it is
        # used, and all-text arguments let format() look up one output function per row.
        columns = self._columns(compiler)
        fast, slow = [], []
        for i, sql in enumerate(columns):
            kind = KINDS[i]
            if kind == "text":
                fast.append(f"CAST({sql} AS text)")
                slow.append(f"COALESCE(CAST(TO_JSON({sql}) AS text), 'null')")
                continue
            if kind == "decimal":
                value = _pg_decimal(sql, _field(LOOKUPS[i]).decimal_places)
            elif kind == "date":
                value = f"COALESCE(CAST(TO_JSON({sql}) AS text), 'null')"
            else:  # integer, boolean (true/false)
                value = f"COALESCE(CAST({sql} AS text), 'null')"
            fast.append(value)
            slow.append(value)
        texts = [fast[i] for i in TEXT_INDEXES]
        fast_template = _geojson_template(lambda i: f"%{i + 1}$s", quote_text=True)
        slow_template = _geojson_template(lambda i: f"%{i + 1}$s", quote_text=False)
        # TO_JSON() costs more than the rest of the row: most rows have no character to
        # escape, so their text goes in as it is, between quotes. A NULL in a nullable text
        # column (FORMAT() would leave its quotes empty) takes the TO_JSON() path too.
        nulls = [
            f"{sql} IS NULL OR "
            for i, sql in enumerate(columns)
            if KINDS[i] == "text" and NULLABLE[i]
        ]
        return (
            f"CASE WHEN {''.join(nulls)}({' || '.join(texts)}) ~ %s "
            f"THEN FORMAT(%s, {', '.join(slow)}) ELSE FORMAT(%s, {', '.join(fast)}) END",
            [NEEDS_ESCAPE, slow_template, fast_template],
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        columns = self._columns(compiler)
        values = []
        for i, sql in enumerate(columns):
            kind = KINDS[i]
            if kind == "decimal" and LOOKUPS[i] in FLOAT_LOOKUPS:
                values.append(_sqlite_decimal(sql))
            elif kind == "boolean":
                values.append(
                    f"CASE WHEN {sql} IS NULL THEN NULL WHEN {sql} THEN JSON('true') "
                    f"ELSE JSON('false') END"
                )
            else:
                values.append(sql)
        properties = ", ".join(f"%s, {value}" for value in values)
        # As a BLOB: the driver hands over the UTF-8 bytes without decoding them.
        return (
            f"CAST(JSON_OBJECT('type', 'Feature', 'id', {values[0]}, 'geometry', "
            f"JSON_OBJECT('type', 'Point', 'coordinates', "
            f"JSON_ARRAY({values[LONGITUDE]}, {values[LATITUDE]})), "
            f"'properties', JSON_OBJECT({properties})) AS BLOB)",
            list(NAMES),
        )


def features_query(queryset):
    """The export's SELECT of one Feature's JSON text per asset, and its parameters."""
    rows = positioned(queryset).annotate(feature=GeoJsonFeature()).values_list("feature")
    return rows.query.get_compiler(queryset.db).as_sql()


def geojson_copy_stream(queryset):
    """PostgreSQL: the Features' text through COPY … TO STDOUT, streamed in pieces."""
    yield _geojson_head()
    sql, params = features_query(queryset)
    sql = f"COPY ({sql}) TO STDOUT"
    previous = None
    with connections[queryset.db].cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        rows = iter(copy)  # one row at a time, each ending in "\n", which JSON text never holds
        while piece := list(islice(rows, GEOJSON_ROWS)):
            # BATCH features to a line, each followed by ",": "f1,f2,…,f100,\nf101,…". A
            # piece starts a line, so each piece after the first starts with "\n".
            lines = [
                b"".join(piece[i : i + BATCH]).replace(b"\n", b",")
                for i in range(0, len(piece), BATCH)
            ]
            data = b"\n".join(lines if previous is None else [b"", *lines])
            if b"\\" in data:
                # COPY's text format doubles every backslash (and would escape control
                # characters, which JSON text never holds raw).
                data = data.replace(b"\\\\", b"\\")
            if previous is not None:
                yield previous
            previous = data
    if previous is not None:
        yield previous[:-1]  # no comma after the last feature
    yield GEOJSON_TAIL


def geojson_sqlite_stream(queryset):
    """SQLite: the Features' text from json_object(), streamed in pieces."""
    yield _geojson_head()
    sql, params = features_query(queryset)
    first = True
    with connections[queryset.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(GEOJSON_ROWS):
            # One join per piece: BATCH features to a line, as geojson_python_stream.
            features = [row[0] for row in rows]
            for i in range(BATCH, len(features), BATCH):
                features[i] = b"\n" + features[i]
            if not first:
                features[0] = b",\n" + features[0]
            first = False
            yield b",".join(features)
    yield GEOJSON_TAIL
