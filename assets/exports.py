"""Streamed open-data exports. Rows come from values_list() through a server-side iterator, so
memory stays flat whatever the size of the register."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from itertools import islice

import orjson
from django.db.models import FloatField
from django.db.models.functions import Cast

from assets.columns import ATTRIBUTION, BOOLEAN_COLUMNS, COLUMNS, LICENCE_NAME, LICENCE_URL
from assets.models import Asset
from diz_portal.csvsafe import FIRST_CHARACTERS, NEEDS_QUOTE

CHUNK_SIZE = 2000
BATCH = 500
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


def csv_rows(queryset):
    """The header, then one list per asset."""
    yield NAMES
    for values in export_values(queryset):
        yield _csv_row(values)


def csv_stream(queryset):
    """CSV text in pieces of BATCH rows (one piece per row would make the server slower)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = csv_rows(queryset)
    while batch := list(islice(rows, BATCH)):
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


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
    for values in export_values(queryset):
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
