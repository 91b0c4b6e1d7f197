"""The GeoJSON export written by the database (json_object() on SQLite, format() through COPY
on PostgreSQL) is byte for byte what the Python path (orjson) writes: the same keys in the
same order, the same escaping of bad stored text, the same numbers, the same lines."""

import json
from datetime import date
from decimal import Decimal

import orjson
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from assets import exports
from assets.columns import COLUMN_NAMES
from assets.models import Asset
from tests.assets.factories import asset_fields, make_assets
from tests.assets.test_export_copy import TRICKY_TEXT

pytestmark = pytest.mark.django_db

# Stored text JSON must escape, or that looks as if it might: every control character (NUL
# only on SQLite: PostgreSQL text cannot hold it), quotes, backslashes, what COPY's text
# format escapes, and characters JSON leaves alone (DEL, U+2028, non-ASCII).
ESCAPES = [
    *TRICKY_TEXT,
    'say "hi"',
    "back\\slash",
    "\\n is not a line break",
    "\\\\double",
    "ends with a backslash\\",
    "line\nbreak",
    "".join(chr(c) for c in range(1, 32)),
    "del\x7f and \u2028 and \u00e9 and \U0001f600",
    "tab\tinside",
    "\b\f",
    "",
]

# Longitudes near the Greenwich meridian, where a float prints in orjson's other forms.
LONGITUDES = [
    "0.000000",
    "0.000001",
    "-0.000001",
    "0.000005",
    "-0.000009",
    "0.000010",
    "-0.000010",
    "0.000015",
    "0.000050",
    "-0.000050",
    "0.000099",
    "0.000100",
    "-0.000120",
    "0.001000",
    "1.000000",
    "-1.500000",
    "0.123456",
    "-0.100000",
    "1.799999",
]
HEIGHTS = [None, "0.00", "0.01", "0.10", "2.50", "10.00", "499.99", "500.00"]


def tricky_assets(owner, texts=ESCAPES):
    if connection.vendor == "sqlite":
        texts = [*texts, "nul\x00inside"]
    assets = []
    for n, text in enumerate(texts):
        fields = asset_fields(
            reference=f"ESC-{n:03d}",
            name=text,
            owner=owner,
            address=text,
            postcode="",
            uprn="" if n % 2 else "100090123456",
            current_use=text,
            material=text[:20] if n % 4 == 0 else "",
            known_constraints=f"First line\nsecond, with {text}\r\nthird",
            notes="" if n % 3 else text,
            data_source=text[::-1],
            latitude=Decimal("52.000000")
            if n % 7 == 0
            else Decimal("51.700001") + Decimal(n) / 1000,
            longitude=Decimal(LONGITUDES[n % len(LONGITUDES)]),
            height_m=None if HEIGHTS[n % len(HEIGHTS)] is None else Decimal(HEIGHTS[n % 8]),
            easting=None if n % 2 else 545123,
            northing=210456 + n,
            kerb_offset_mm=None if n % 3 else 450,
            power_available=bool(n % 2),
            fibre_connected=not n % 3,
            viability_confirmed=bool(n % 5),
            structural_assessed_on=None if n % 2 else date(2025, 3, 9),
            last_verified=None if n % 4 == 1 else date(2026, 1, 1),
            visibility=Asset.Visibility.PARTNERS if n == 3 else Asset.Visibility.PUBLIC,
        )
        assets.append(Asset(**fields))
    # Every longitude and height on its own too, whatever the texts' count.
    for n, longitude in enumerate(LONGITUDES):
        fields = asset_fields(
            reference=f"LON-{n:03d}",
            owner=owner,
            latitude=Decimal("51.000000") + Decimal(n) / 100,
            longitude=Decimal(longitude),
            height_m=None if HEIGHTS[n % 8] is None else Decimal(HEIGHTS[n % 8]),
        )
        assets.append(Asset(**fields))
    return Asset.objects.bulk_create(assets)


def both(queryset):
    """(the Python path's bytes, the database's bytes)."""
    python = b"".join(exports.geojson_python_stream(queryset))
    return python, b"".join(exports.geojson_stream(queryset))


def test_the_database_writes_the_same_bytes_as_orjson_for_tricky_values(partner_a):
    tricky_assets(partner_a)
    python, sql = both(Asset.objects.order_by("reference"))
    assert sql == python
    # The comparison is about something: escapes, numbers and nulls in orjson's forms.
    data = json.loads(sql)
    features = {f["id"]: f for f in data["features"]}
    assert len(features) == Asset.objects.count()
    assert features["ESC-001"]["properties"]["name"] == ESCAPES[1]
    assert b'"name":"say \\"hi\\""' in sql
    assert b'"name":"back\\\\slash"' in sql
    assert b"\\u0001\\u0002" in sql and b"\\b\\t\\n\\u000b\\f\\r" in sql
    assert b"\x7f" in sql and "\u2028".encode() in sql
    for n, longitude in enumerate(LONGITUDES):
        written = orjson.dumps(float(longitude))
        assert b'"coordinates":[' + written + b"," in sql
        assert features[f"LON-{n:03d}"]["geometry"]["coordinates"][0] == float(longitude)
    assert b'"longitude":1e-6,' in sql and b'"longitude":-0.00005,' in sql
    assert b'"latitude":52.0,' in sql and b'"height_m":10.0,' in sql
    assert b'"height_m":null,' in sql and b'"power_available":false,' in sql
    assert b'"last_verified":null,' in sql and b'"structural_assessed_on":"2025-03-09",' in sql


@pytest.mark.sqlite_only
def test_nul_bytes_in_stored_text_are_escaped_on_sqlite(partner_a):
    tricky_assets(partner_a, texts=["nul\x00inside"])
    python, sql = both(Asset.objects.order_by("reference"))
    assert sql == python
    assert b'"name":"nul\\u0000inside"' in sql


@pytest.mark.parametrize(
    "count", [0, 1, exports.BATCH, exports.BATCH + 1, 2 * exports.GEOJSON_ROWS + 1]
)
def test_the_lines_match_at_batch_and_piece_boundaries(partner_a, count):
    make_assets(count, owner=partner_a)
    python, sql = both(Asset.objects.order_by("reference"))
    assert sql == python
    assert len(json.loads(sql)["features"]) == count
    # BATCH features to a line, as before.
    assert sql.count(b"\n") == max(1, -(-count // exports.BATCH))


def test_the_database_path_keeps_the_filters_and_the_order(partner_a):
    tricky_assets(partner_a)
    queryset = Asset.objects.filter(power_available=True).order_by("-reference")
    python, sql = both(queryset)
    assert sql == python
    ids = [f["id"] for f in json.loads(sql)["features"]]
    assert ids == sorted(ids, reverse=True) and len(ids) > 2


def test_the_public_geojson_export_hides_partners_only_assets(client, partner_a):
    tricky_assets(partner_a)
    response = client.get(reverse("assets:export-geojson"))
    body = b"".join(response.streaming_content)
    visible = Asset.objects.visible_to(AnonymousUser()).order_by("reference")
    assert body == b"".join(exports.geojson_python_stream(visible))
    data = json.loads(body)
    ids = {f["id"] for f in data["features"]}
    assert "ESC-003" not in ids  # partners only
    assert "ESC-004" in ids
    for feature in data["features"]:
        assert list(feature) == ["type", "id", "geometry", "properties"]
        assert list(feature["properties"]) == COLUMN_NAMES
