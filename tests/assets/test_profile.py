"""The telecoms suitability profile (issue 13, item 5): model rules, the partners' form, import
with plain-English problems, and the round trip through the CSV and GeoJSON exports."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from assets import importer
from assets.columns import COLUMN_NAMES, IMPORT_COLUMNS, OPTIONAL_COLUMNS
from assets.models import Asset, add_months, split_codes
from tests.assets.factories import make_asset
from tests.assets.test_import import make_csv, row

pytestmark = pytest.mark.django_db

PROFILE = {
    "owner_asset_number": "SL/30115",
    "structural_assessed_on": "2025-04-01",
    "structural_next_due": "2031-04-01",
    "load_rating": "spare capacity: 2 small cells",
    "mounting_height_m": "7.5",
    "duct_internal_diameter_mm": "",
    "duct_fill_percent": "",
    "planning_constraints": "listed_building;conservation_area",
    "review_by": "2027-03-31",
    "location_generalised": "no",
    "power_supply": "part_night",
}
DUCT = {
    "reference": "ALP-DC-0001",
    "asset_type": "duct_chamber",
    "power_available": "no",
    "power_supply": "none",
    "duct_internal_diameter_mm": "100",
    "duct_fill_percent": "35",
    "planning_constraints": "none_known",
    "mounting_height_m": "",
    "load_rating": "",
    "structural_assessed_on": "",
    "structural_next_due": "",
}


def export_rows(client, fmt="csv"):
    response = client.get(reverse(f"assets:export-{fmt}"))
    content = b"".join(response.streaming_content).decode()
    if fmt == "csv":
        return {r["reference"]: r for r in csv.DictReader(io.StringIO(content))}, content
    return {f["id"]: f["properties"] for f in json.loads(content)["features"]}, content


def test_profile_fields_round_trip_through_import_and_both_exports(client, partner_a):
    result = importer.import_file(make_csv(row(**PROFILE), row(**DUCT)))
    assert result.ok, [str(p) for p in result.problems]
    column = Asset.objects.get(reference="ALP-LC-0100")
    assert column.power_supply == Asset.PowerSupply.PART_NIGHT
    assert column.structural_assessed_on == date(2025, 4, 1)
    assert column.structural_next_due == date(2031, 4, 1)
    assert column.load_rating == "spare capacity: 2 small cells"
    assert column.mounting_height_m == Decimal("7.50")
    assert column.owner_asset_number == "SL/30115"
    # Stored in the codes' own order, whatever order the file gave.
    assert column.planning_constraints == "conservation_area;listed_building"
    assert column.review_by == date(2027, 3, 31)
    duct = Asset.objects.get(reference="ALP-DC-0001")
    assert (duct.duct_internal_diameter_mm, duct.duct_fill_percent) == (100, 35)
    assert duct.planning_constraints == "none_known"

    rows, text = export_rows(client)
    assert list(rows["ALP-LC-0100"]) == COLUMN_NAMES
    exported = rows["ALP-LC-0100"]
    assert exported["power_supply"] == "part_night"
    assert exported["structural_assessed_on"] == "2025-04-01"
    assert exported["structural_next_due"] == "2031-04-01"
    assert exported["load_rating"] == "spare capacity: 2 small cells"
    assert exported["mounting_height_m"] == "7.50"
    assert exported["planning_constraints"] == "conservation_area;listed_building"
    assert exported["review_by"] == "2027-03-31"
    assert exported["location_generalised"] == "no"
    assert exported["duct_internal_diameter_mm"] == ""
    assert (
        rows["ALP-DC-0001"]["duct_internal_diameter_mm"],
        rows["ALP-DC-0001"]["duct_fill_percent"],
    ) == ("100", "35")

    features, _ = export_rows(client, "geojson")
    props = features["ALP-LC-0100"]
    assert props["mounting_height_m"] == 7.5
    assert props["structural_next_due"] == "2031-04-01"
    assert props["planning_constraints"] == "conservation_area;listed_building"
    assert props["location_generalised"] is False
    assert props["duct_fill_percent"] is None
    assert features["ALP-DC-0001"]["duct_fill_percent"] == 35

    # The export imports back unchanged: every profile value survived the trip.
    again = importer.import_file(text.encode())
    assert again.ok and again.unchanged == 2 and again.created == again.updated == 0


def test_ogc_api_items_carry_the_profile(client, partner_a):
    assert importer.import_file(make_csv(row(**PROFILE))).ok
    item = client.get(reverse("ogcapi:item", args=["ALP-LC-0100"]) + "?f=json").json()
    assert item["properties"]["load_rating"] == "spare capacity: 2 small cells"
    assert item["properties"]["mounting_height_m"] == 7.5
    assert item["properties"]["power_supply"] == "part_night"
    document = client.get(reverse("ogcapi:openapi") + "?f=json").json()
    schema = json.dumps(document)
    assert "duct_fill_percent" in schema and "24h_unmetered" in schema


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"duct_fill_percent": "40"}, "duct_fill_percent", "only for ducts and chambers"),
        ({"duct_internal_diameter_mm": "90"}, "duct_internal_diameter_mm", "only for ducts"),
        ({**DUCT, "duct_fill_percent": "150"}, "duct_fill_percent", "from 0 to 100"),
        ({**DUCT, "duct_fill_percent": "half"}, "duct_fill_percent", "whole number from 0 to 100"),
        ({**DUCT, "duct_internal_diameter_mm": "0"}, "duct_internal_diameter_mm", "at least 1"),
        ({"mounting_height_m": "0"}, "mounting_height_m", "more than 0 metres"),
        ({"mounting_height_m": "tall"}, "mounting_height_m", "as a number"),
        ({"planning_constraints": "flood_zone"}, "planning_constraints", "“flood_zone” is not"),
        (
            {"planning_constraints": "none_known;green_belt"},
            "planning_constraints",
            "none_known on its own",
        ),
        (
            {"structural_assessed_on": "2026-03-01", "structural_next_due": "2025-01-01"},
            "structural_next_due",
            "after structural_assessed_on",
        ),
        ({"structural_next_due": "next year"}, "structural_next_due", "year-month-day"),
        ({"review_by": "31/12/2026"}, "review_by", "year-month-day"),
        ({"power_supply": "solar_battery"}, "power_supply", "24h_unmetered"),
        ({"location_generalised": "maybe"}, "location_generalised", "enter yes or no"),
    ],
)
def test_bad_profile_cells_get_plain_english_row_messages(partner_a, values, column, message):
    result = importer.import_file(make_csv(row(**{**PROFILE, **values})), dry_run=True)
    assert not result.ok
    problems = [p for p in result.problems if p.column == column]
    assert problems, [str(p) for p in result.problems]
    text = str(problems[0])
    assert text.startswith(f"Row 2, {column}: ")
    assert message in text
    # Never Django's own wording.
    for django_words in ("Ensure this value", "is not a valid", "Constraint"):
        assert django_words not in text
    assert Asset.objects.count() == 0


def test_files_made_before_the_profile_still_import(partner_a):
    old_columns = [name for name in IMPORT_COLUMNS if name not in OPTIONAL_COLUMNS]
    old_columns[old_columns.index("structural_assessed_on")] = "structural_check_date"
    old = row(
        power_supply="metered", structural_check_date="2024-05-01", last_verified="2026-01-31"
    )
    result = importer.import_file(make_csv(old, columns=old_columns))
    assert result.ok, [str(p) for p in result.problems]
    asset = Asset.objects.get(reference="ALP-LC-0100")
    assert asset.power_supply == Asset.PowerSupply.METERED_24H  # the old code, understood
    assert asset.structural_assessed_on == date(2024, 5, 1)
    # Review by: 12 months after the last check (the last day of February, not 31st).
    assert asset.review_by == date(2027, 1, 31)
    # An asset keeps its profile when a file without the profile columns updates it.
    Asset.objects.filter(pk=asset.pk).update(load_rating="25 kg at 6 m", mounting_height_m=6)
    update = importer.import_file(make_csv({**old, "name": "Renamed column"}, columns=old_columns))
    assert update.ok and update.updated == 1
    asset.refresh_from_db()
    assert asset.name == "Renamed column"
    assert (asset.load_rating, asset.mounting_height_m) == ("25 kg at 6 m", Decimal("6.00"))


def test_review_by_defaults_to_a_year_after_the_last_check(partner_a):
    asset = make_asset(owner=partner_a, last_verified=date(2024, 2, 29))
    assert asset.review_by == date(2025, 2, 28)
    asset.review_by = date(2025, 1, 1)
    asset.save()
    assert Asset.objects.get(pk=asset.pk).review_by == date(2025, 1, 1)  # a date set stays
    again = Asset.objects.get(pk=asset.pk)
    again.last_verified = date(2026, 6, 1)
    again.save()  # checked again, review date untouched: a year after this check
    assert Asset.objects.get(pk=asset.pk).review_by == date(2027, 6, 1)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_the_database_refuses_impossible_profiles(partner_a):
    asset = make_asset(owner=partner_a, asset_type=Asset.AssetType.DUCT_CHAMBER)
    for values in (
        {"duct_fill_percent": 101},
        {"duct_internal_diameter_mm": 0},
        {"mounting_height_m": 0},
        {"structural_assessed_on": date(2026, 1, 1), "structural_next_due": date(2026, 1, 1)},
        {"asset_type": Asset.AssetType.LAMP_COLUMN, "duct_fill_percent": 10},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Asset.objects.filter(pk=asset.pk).update(**values)


def test_model_rules_speak_plainly(partner_a):
    asset = make_asset(owner=partner_a)
    asset.duct_fill_percent = 10
    asset.structural_assessed_on = date(2026, 3, 1)
    asset.structural_next_due = date(2026, 2, 1)
    asset.planning_constraints = "green_belt;none_known"
    with pytest.raises(ValidationError) as caught:
        asset.full_clean()
    errors = caught.value.message_dict
    assert "only for ducts and chambers" in errors["duct_fill_percent"][0]
    assert "after the last assessment (1 March 2026)" in errors["structural_next_due"][0]
    assert "none_known on its own" in errors["planning_constraints"][0]
    assert split_codes(" Green_Belt ; aonb,aonb ") == ["green_belt", "aonb"]


def form_data(asset, **values):
    data = {
        "name": asset.name,
        "asset_type": asset.asset_type,
        "owner": asset.owner_id,
        "district": asset.district_id,
        "address": asset.address,
        "postcode": asset.postcode,
        "latitude": str(asset.latitude),
        "longitude": str(asset.longitude),
        "availability": asset.availability,
        "visibility": asset.visibility,
    }
    data.update(values)
    return data


def test_the_partners_form_edits_the_profile(client, member, partner_a):
    asset = make_asset(owner=partner_a, reference="ALP-LC-0001")
    client.force_login(member)
    url = reverse("dashboard:assets-edit", args=[asset.reference])
    page = client.get(url).content.decode()
    assert "Telecoms suitability" in page
    assert "1 a.m. to 5 a.m." in page  # the part-night help text
    assert 'type="checkbox" name="planning_constraints" value="green_belt"' in page
    response = client.post(
        url,
        form_data(
            asset,
            power_supply="dusk_to_dawn",
            structural_assessed_on="2025-05-01",
            structural_next_due="2030-05-01",
            load_rating="spare capacity: 1 small cell",
            mounting_height_m="6.25",
            planning_constraints=["green_belt", "conservation_area"],
            owner_asset_number="A-17",
        ),
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.planning_constraints == "conservation_area;green_belt"
    assert asset.mounting_height_m == Decimal("6.25")
    assert asset.power_supply == "dusk_to_dawn"
    page = client.get(url).content.decode()
    ticked = re.findall(r'<input[^>]*name="planning_constraints" value="(\w+)"[^>]*checked', page)
    assert ticked == ["conservation_area", "green_belt"]


def test_the_partners_form_refuses_duct_data_for_other_types_plainly(client, member, partner_a):
    asset = make_asset(owner=partner_a, reference="ALP-LC-0001")
    client.force_login(member)
    response = client.post(
        reverse("dashboard:assets-edit", args=[asset.reference]),
        form_data(
            asset,
            duct_fill_percent="30",
            mounting_height_m="0",
            planning_constraints=["none_known", "aonb"],
        ),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "only for ducts and chambers" in form.errors["duct_fill_percent"][0]
    assert form.errors["mounting_height_m"] == [
        "Enter a mounting height of more than 0 metres, or leave it empty"
    ]
    assert "“None known” on its own" in form.errors["planning_constraints"][0]
    assert "govuk-error-summary" in response.content.decode()


def test_the_asset_page_shows_the_profile(client, partner_a):
    asset = make_asset(
        owner=partner_a,
        power_supply=Asset.PowerSupply.PART_NIGHT,
        power_available=True,
        structural_assessed_on=date(2025, 4, 1),
        structural_next_due=date(2031, 4, 1),
        load_rating="spare capacity: 2 small cells",
        mounting_height_m=Decimal("7.5"),
        planning_constraints="conservation_area;listed_building",
    )
    page = client.get(asset.get_absolute_url()).content.decode()
    assert "Telecoms suitability" in page
    assert "Part-night" in page and "1 a.m. to 5 a.m." in page
    assert "Last assessed 1 April 2025" in page and "Next due 1 April 2031" in page
    assert "spare capacity: 2 small cells" in page and "7.50 m" in page
    assert "<li>Conservation area</li>" in page and "<li>Listed building</li>" in page
    assert "Duct fill" not in page  # not a duct


def test_the_data_dictionary_documents_every_profile_column(client):
    page = client.get(reverse("assets:data")).content.decode()
    for name in OPTIONAL_COLUMNS | {"structural_assessed_on", "power_supply"}:
        assert f'id="column-{name}"' in page
    assert "part_night" in page and "Hertfordshire" in page
    assert "none_known" in page and "semicolons" in page
    assert "No, and the column may be left out" in page
