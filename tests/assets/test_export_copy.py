"""The PostgreSQL CSV export (COPY … TO STDOUT) writes exactly the bytes the Python path
writes: the same header, rows, order, formula-neutralised cells, yes/no, fixed places and
CRLF line ends. These tests need PostgreSQL (DATABASE_URL=postgres://…); on SQLite, which
exports through the Python path, they are not collected."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from assets import exports
from assets.models import Asset
from tests.assets.factories import asset_fields

# COPY is PostgreSQL's: these run in the PostgreSQL leg of CI and are not collected on SQLite.
pytestmark = [pytest.mark.django_db, pytest.mark.postgresql_only]

TRICKY_TEXT = [
    '=HYPERLINK("http://evil.example","click")',
    "+1 555",
    "-2 dBm",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturned",
    "'=already quoted",
    "''+twice quoted",
    "'plain quote first",
    "a, comma",
    'a "quoted" word',
    "Café – naïve ☃",
    "   leading spaces",
    "\\.",
    "ok",
]


def tricky_assets(owner):
    """Raw rows, as an old import or the admin's bulk edit may have left them: the model's
    validators would refuse some, which is the point."""
    assets = []
    for n, text in enumerate(TRICKY_TEXT):
        fields = asset_fields(
            reference=f"TRK-{n:03d}",
            name=text,
            owner=owner,
            address=text,
            postcode="",
            uprn="" if n % 2 else "100090123456",
            current_use=text,
            known_constraints=f"First line\nsecond line, with {text}\r\nthird",
            notes="" if n % 3 else text,
            latitude=Decimal("51.700001") + Decimal(n) / 1000,
            longitude=Decimal("-0.120000") + Decimal(n) / 100,
            height_m=None if n % 2 else Decimal(n * 5) / 4,  # 0.00, 2.50, 5.00, 7.50…
            easting=None if n % 2 else 545123,
            northing=210456,
            kerb_offset_mm=None if n % 3 else 450,
            power_available=bool(n % 2),
            fibre_connected=not n % 3,
            viability_confirmed=bool(n % 5),
            structural_assessed_on=None if n % 2 else date(2025, 3, 9),
            last_verified=date(2026, 1, 1),
            visibility=Asset.Visibility.PARTNERS if n == 3 else Asset.Visibility.PUBLIC,
        )
        assets.append(Asset(**fields))
    return Asset.objects.bulk_create(assets)


def both(queryset):
    """(the Python path's bytes, the COPY path's bytes)."""
    python = "".join(exports.csv_python_stream(queryset)).encode()
    return python, b"".join(exports.csv_copy_stream(queryset))


def test_copy_writes_the_same_bytes_as_python_for_tricky_values(partner_a):
    tricky_assets(partner_a)
    python, copy = both(Asset.objects.order_by("reference"))
    assert copy == python
    # The comparison is about something: formulas were neutralised, CRLF ends every row and
    # a line break inside a cell survived inside its quotes.
    text = copy.decode()
    assert "'=HYPERLINK" in text
    assert "''=already quoted" in text
    assert "'\tTabbed" in text
    assert text.count("\r\n") > len(TRICKY_TEXT)
    assert "First line\nsecond line" in text
    assert text.startswith(",".join(exports.NAMES) + "\r\n")


def test_copy_keeps_the_filters_and_the_order(partner_a):
    tricky_assets(partner_a)
    queryset = Asset.objects.filter(power_available=True).order_by("-reference")
    python, copy = both(queryset)
    assert copy == python
    assert len(copy.decode().splitlines()) > 2


def test_the_public_csv_export_uses_copy_and_hides_partners_only_assets(client, partner_a):
    tricky_assets(partner_a)
    response = client.get(reverse("assets:export-csv"))
    body = b"".join(response.streaming_content)
    assert body == b"".join(exports.csv_copy_stream(Asset.objects.public().order_by("reference")))
    visible = Asset.objects.visible_to(AnonymousUser()).order_by("reference")
    assert body == "".join(exports.csv_python_stream(visible)).encode()
    assert b"TRK-003" not in body  # partners only
    assert b"TRK-004" in body
