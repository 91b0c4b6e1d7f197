"""CSV exports are safe to open in a spreadsheet, and the quoting is exactly undone on import
(issue 10, item 5). The rule lives in diz_portal.csvsafe."""

import csv
import io
import itertools
import random
from decimal import Decimal

import pytest
from django.urls import reverse

from assets import exports
from assets.columns import COLUMN_NAMES
from assets.models import Asset
from diz_portal.csvsafe import neutralise, neutralise_row, restore
from events.models import Registration
from tests.assets.factories import make_asset
from tests.events.factories import make_event, register, with_totp

pytestmark = pytest.mark.django_db


def export(client, query=""):
    response = client.get(reverse("assets:export-csv") + query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return {row["reference"]: row for row in csv.DictReader(io.StringIO(body))}


def test_register_export_quotes_formulas_but_not_numbers(client, partner_a):
    make_asset(
        owner=partner_a,
        reference="ALP-LC-0001",
        name='=HYPERLINK("https://evil.example","Click")',
        longitude=Decimal("-0.123000"),
        notes="@SUM(A1:A9)",
        current_use="+44 1279 000000",
    )
    make_asset(owner=partner_a, reference="ALP-LC-0002", name="-Tower", notes="\tTabbed note")
    make_asset(owner=partner_a, reference="ALP-LC-0003", name="Harlow Tower", notes="'=quoted")
    rows = export(client)
    first, second, plain = rows["ALP-LC-0001"], rows["ALP-LC-0002"], rows["ALP-LC-0003"]
    assert first["name"] == '\'=HYPERLINK("https://evil.example","Click")'
    assert first["notes"] == "'@SUM(A1:A9)"
    assert first["current_use"] == "'+44 1279 000000"
    assert first["longitude"] == "-0.123000"  # a number, never quoted
    assert second["name"] == "'-Tower"
    assert second["notes"] == "'\tTabbed note"
    assert plain["name"] == "Harlow Tower"
    assert plain["notes"] == "''=quoted"  # one more quote, so restore gives back "'=quoted"
    assert restore(plain["notes"]) == "'=quoted"
    assert restore(first["name"]) == '=HYPERLINK("https://evil.example","Click")'


def test_register_export_quotes_text_stored_by_bulk_updates(client, partner_a):
    asset = make_asset(owner=partner_a, reference="ALP-LC-0001")
    Asset.objects.filter(pk=asset.pk).update(name="=1+1", material="-steel")
    row = export(client)["ALP-LC-0001"]
    assert row["name"] == "'=1+1"
    assert row["material"] == "'-steel"


def test_only_text_columns_are_checked():
    text = {exports.NAMES[i] for i in exports.TEXT_INDEXES}
    assert {"name", "address", "notes", "owner", "reference"} <= text
    assert not text & {"latitude", "longitude", "easting", "northing", "height_m"}
    assert not text & {"power_available", "structural_assessed_on", "kerb_offset_mm"}


def test_export_row_matches_csvsafe_for_every_text_cell():
    values = ["=cmd"] * len(exports.NAMES)
    for i in exports.PLACES:
        values[i] = -0.5
    (row,) = exports._csv_cells([values])
    for i in exports.TEXT_INDEXES:
        assert row[i] == neutralise("=cmd")
    # latitude, longitude, height_m, mounting_height_m
    assert [row[i] for i in exports.PLACES] == ["-0.500000", "-0.500000", "-0.50", "-0.50"]


def test_template_and_header_cells_need_no_quoting(client):
    # The header row is column names; none may ever start with a formula character.
    assert neutralise_row(COLUMN_NAMES) == COLUMN_NAMES
    response = client.get(reverse("assets:import-template"))
    header = b"".join(response.streaming_content).decode()
    assert next(csv.reader(io.StringIO(header))) == neutralise_row(COLUMN_NAMES)


def test_attendee_export_neutralises_registrant_text(client, manager):
    event = make_event("=Event title")
    register(event, "one@example.org", name="@SUM(1)", organisation="-Minus Ltd")
    registration = register(event, "two@example.org", name="Plain Name")
    Registration.objects.filter(pk=registration.pk).update(needs="\rCR first")
    client.force_login(with_totp(manager))
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "export_attendees", "_selected_action": [event.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert [row[2] for row in rows[1:]] == ["'@SUM(1)", "Plain Name"]
    assert rows[1][0] == "'=Event title"
    assert rows[1][4] == "'-Minus Ltd"
    assert rows[2][5] == "'\rCR first"


# --- neutralise / restore are exact inverses ------------------------------------------------

TRICKY = [
    "",
    "=",
    "'",
    "''",
    "'=",
    "''=",
    "'''-1",
    "=1+1",
    "+44",
    "-",
    "-0.123",
    "@SUM(1)",
    "\t",
    "\r",
    "\ttab",
    "\rcr",
    "\n=newline first",
    " =space first",
    "a=b",
    "'plain quoted",
    "''",
    "'a'=",
    '=HYPERLINK("x")',
    "＝full-width",
    "Harlow",
]


@pytest.mark.parametrize("value", TRICKY, ids=repr)
def test_restore_undoes_neutralise(value):
    assert restore(neutralise(value)) == value


def test_neutralised_cells_never_start_with_a_trigger():
    for value in TRICKY:
        assert not neutralise(value).startswith(tuple("=+-@\t\r")), repr(value)


def test_round_trip_over_every_short_string_of_tricky_characters():
    alphabet = "'=+-@\t\r\na \""
    for length in range(5):
        for chars in itertools.product(alphabet, repeat=length):
            value = "".join(chars)
            safe = neutralise(value)
            assert restore(safe) == value, repr(value)
            assert not safe.startswith(tuple("=+-@\t\r")), repr(value)
            # Only ever one quote added, and only when needed.
            assert safe in (value, "'" + value)


def test_round_trip_over_random_strings():
    rng = random.Random(10)
    alphabet = "'=+-@\t\r\nabc019 ,\"\x00é"
    for _ in range(5000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert restore(neutralise(value)) == value, repr(value)


def test_round_trip_through_a_real_csv_file():
    values = [v for v in TRICKY if v]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(neutralise_row(values))
    [read] = csv.reader(io.StringIO(buffer.getvalue(), newline=""))
    assert [restore(cell) for cell in read] == values


def test_non_text_values_pass_through_untouched():
    for value in (None, -0.123, -5, Decimal("-1.5"), True):
        assert neutralise(value) == value
        assert restore(value) == value
