"""Streamed open-data exports. Rows come from values_list() through a server-side iterator, so
memory stays flat whatever the size of the register."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

from assets.columns import ATTRIBUTION, BOOLEAN_COLUMNS, COLUMNS, LICENCE_NAME, LICENCE_URL

CHUNK_SIZE = 2000
BATCH = 500
LOOKUPS = [column.lookup for column in COLUMNS]
NAMES = [column.name for column in COLUMNS]


def _cell(name, value):
    if value is None:
        return ""
    if name in BOOLEAN_COLUMNS:
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_rows(queryset):
    """The header, then one list of strings per asset."""
    yield NAMES
    for values in queryset.values_list(*LOOKUPS).iterator(chunk_size=CHUNK_SIZE):
        yield [_cell(name, value) for name, value in zip(NAMES, values, strict=True)]


def csv_stream(queryset):
    """CSV text in pieces of BATCH rows (one piece per row would make the server slower)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, row in enumerate(csv_rows(queryset), start=1):
        writer.writerow(row)
        if number % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_value(name, value):
    if value is None:
        return None
    if name in BOOLEAN_COLUMNS:
        return bool(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


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
    yield json.dumps(head)[:-1] + ', "features": ['
    lat, lon = NAMES.index("latitude"), NAMES.index("longitude")
    pieces, separator = [], ""
    for values in queryset.values_list(*LOOKUPS).iterator(chunk_size=CHUNK_SIZE):
        feature = {
            "type": "Feature",
            "id": values[0],
            "geometry": {"type": "Point", "coordinates": [float(values[lon]), float(values[lat])]},
            "properties": {
                name: _json_value(name, value) for name, value in zip(NAMES, values, strict=True)
            },
        }
        pieces.append(json.dumps(feature, ensure_ascii=False))
        if len(pieces) == BATCH:
            yield separator + ",\n".join(pieces)
            pieces, separator = [], ",\n"
    if pieces:
        yield separator + ",\n".join(pieces)
    yield "]}\n"
