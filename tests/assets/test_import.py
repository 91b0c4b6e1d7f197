import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assets import importer
from assets.columns import COLUMN_NAMES, IMPORT_COLUMNS
from assets.models import Asset
from tests.assets.factories import make_asset

pytestmark = pytest.mark.django_db


def row(**values):
    data = {
        "reference": "ALP-LC-0100",
        "name": "Fourth Avenue column",
        "asset_type": "lamp_column",
        "owner": "alpha",
        "district": "harlow",
        "address": "Fourth Avenue, Harlow",
        "postcode": "cm20 1dw",
        "uprn": "",
        "usrn": "21501234",
        "latitude": "51.7650001",
        "longitude": "0.1100",
        "height_m": "10",
        "power_available": "yes",
        "power_supply": "24h_unmetered",
        "fibre_connected": "no",
        "material": "aluminium",
        "kerb_offset_mm": "500",
        "tenure": "highway",
        "access_model": "concession",
        "current_use": "Street lighting",
        "availability": "available",
        "visibility": "public",
        "viability_confirmed": "no",
        "structural_assessed_on": "2026-03-01",
        "known_constraints": "",
        "notes": "",
        "last_verified": "2026-10-01",
        "data_source": "Alpha street lighting inventory",
    }
    data.update(values)
    return data


def make_csv(*rows, columns=IMPORT_COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode("utf-8")


def problems(result):
    return [(p.row, p.column, p.message) for p in result.problems]


def test_import_creates_and_normalises(partner_a):
    result = importer.import_file(make_csv(row(), row(reference="ALP-LC-0101")))
    assert result.ok, problems(result)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    asset = Asset.objects.get(reference="ALP-LC-0100")
    assert asset.owner == partner_a
    assert asset.postcode == "CM20 1DW"
    assert asset.latitude == Decimal("51.765000")  # rounded to 6 places
    assert asset.easting and asset.northing
    assert asset.power_available is True
    assert asset.history.count() == 1
    assert asset.history.first().history_change_reason == "CSV import"


def test_import_upserts_by_reference(partner_a):
    make_asset(reference="ALP-LC-0100", owner=partner_a, name="Old name")
    result = importer.import_file(make_csv(row(name="New name"), row(reference="ALP-LC-0102")))
    assert result.ok, problems(result)
    assert (result.created, result.updated) == (1, 1)
    assert Asset.objects.get(reference="ALP-LC-0100").name == "New name"
    assert "name" in result.rows[0].changed.split(", ")


def test_every_error_is_reported_with_row_and_column_and_nothing_is_written(partner_a):
    data = make_csv(
        row(reference="ALP-LC-0001"),  # row 2: fine
        row(reference="ALP-LC-0002", latitude="48.5", postcode="NOT A CODE"),  # row 3
        row(reference="ALP-LC-0003", asset_type="spaceship", power_available="maybe"),  # row 4
        row(reference="ALP-LC-0001"),  # row 5: duplicate of row 2
        row(reference="bad ref", district="atlantis", uprn="1234567890123"),  # row 6
        row(reference="ALP-LC-0007", structural_assessed_on="31/12/2026", owner="nobody"),  # 7
    )
    result = importer.import_file(data)
    assert not result.ok
    found = problems(result)
    columns_by_row = {(r, c) for r, c, _ in found}
    assert {
        (3, "latitude"),
        (3, "postcode"),
        (4, "asset_type"),
        (4, "power_available"),
        (5, "reference"),
        (6, "district"),
        (7, "owner"),
    } <= columns_by_row, found
    assert (2, "reference") not in columns_by_row
    assert any(r == 4 and "Enter the asset type as one of: " in m for r, _, m in found)
    assert any(r == 5 and "also on row 2" in m for r, _, m in found)
    assert Asset.objects.count() == 0


def test_row_level_model_errors_after_a_good_parse(partner_a):
    data = make_csv(row(), row(reference="BAD REF", uprn="1234567890123", height_m="-3"))
    result = importer.import_file(data)
    found = problems(result)
    assert (3, "reference") in {(r, c) for r, c, _ in found}
    assert (3, "uprn") in {(r, c) for r, c, _ in found}
    assert (3, "height_m") in {(r, c) for r, c, _ in found}
    assert Asset.objects.count() == 0


def test_one_bad_row_leaves_existing_assets_unchanged(partner_a):
    make_asset(reference="ALP-LC-0100", owner=partner_a, name="Kept")
    result = importer.import_file(
        make_csv(row(name="Changed"), row(reference="ALP-LC-0200", longitude="5"))
    )
    assert not result.ok
    assert Asset.objects.get(reference="ALP-LC-0100").name == "Kept"
    assert Asset.objects.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The file is empty."),
        (b"   \n", "The file is empty."),
        (",".join(IMPORT_COLUMNS).encode(), "no asset rows"),
        (b"reference,name\r\nA,B\r\n", "These columns are missing: asset_type"),
        ("\u00e9t\u00e9".encode("latin-1"), "not UTF-8"),
    ],
)
def test_whole_file_problems(partner_a, data, message):
    result = importer.import_file(data)
    assert not result.ok
    assert any(message in p.message for p in result.problems), problems(result)
    assert all(p.row == 1 for p in result.problems)


def test_unknown_column_is_reported(partner_a):
    data = make_csv(row(colour="red"), columns=[*IMPORT_COLUMNS, "colour"])
    result = importer.import_file(data)
    assert any(
        "These columns are not in the register: colour" in p.message for p in result.problems
    )
    assert Asset.objects.count() == 0


def test_file_over_the_size_limit(partner_a, settings):
    settings.ASSET_IMPORT_MAX_BYTES = 100
    result = importer.import_file(make_csv(row()))
    assert "largest file accepted is 100 bytes" in result.problems[0].message
    assert Asset.objects.count() == 0


def test_utf8_with_byte_order_mark_is_accepted(partner_a):
    result = importer.import_file(b"\xef\xbb\xbf" + make_csv(row(name="Caf\u00e9 roof")))
    assert result.ok, problems(result)
    assert Asset.objects.get().name == "Caf\u00e9 roof"


def test_ragged_row_is_reported(partner_a):
    data = make_csv(row()) + b"ALP-LC-0300,Short row\r\n"
    result = importer.import_file(data)
    assert (3, "") in {(p.row, p.column) for p in result.problems}


def test_fixed_owner_rejects_other_partners_rows_and_references(partner_a, partner_b):
    make_asset(reference="BET-LD-0001", owner=partner_b, name="Beta land")
    data = make_csv(
        row(owner=""),  # row 2: empty owner means the fixed owner
        row(reference="ALP-LC-0101", owner="beta"),  # row 3: another partner's row
        row(reference="BET-LD-0001", owner=""),  # row 4: another partner's reference
    )
    result = importer.import_file(data, owner=partner_a)
    found = {(r, c) for r, c, _ in problems(result)}
    assert (3, "owner") in found
    assert (4, "reference") in found
    assert (2, "owner") not in found
    assert Asset.objects.get(reference="BET-LD-0001").name == "Beta land"
    assert not Asset.objects.filter(owner=partner_a).exists()


def test_reference_owned_by_another_partner_without_fixed_owner(partner_a, partner_b):
    make_asset(reference="BET-LD-0001", owner=partner_b)
    result = importer.import_file(make_csv(row(reference="BET-LD-0001", owner="alpha")))
    assert any("belongs to another partner" in p.message for p in result.problems)
    assert Asset.objects.get(reference="BET-LD-0001").owner == partner_b


def test_dry_run_writes_nothing(partner_a):
    result = importer.import_file(make_csv(row()), dry_run=True)
    assert result.ok and result.created == 1 and not result.applied
    assert "would be created" in result.summary
    assert Asset.objects.count() == 0


def test_importing_a_retired_assets_row_returns_it_to_the_register(partner_a):
    asset = make_asset(reference="ALP-LC-0100", owner=partner_a)
    asset.retire()
    result = importer.import_file(make_csv(row()))
    assert result.ok and result.updated == 1
    asset.refresh_from_db()
    assert not asset.is_retired


def test_export_then_import_changes_nothing(client, partner_a, partner_b):
    importer.import_file(
        make_csv(
            row(),
            row(
                reference="ALP-RF-0001",
                asset_type="rooftop",
                height_m="",
                kerb_offset_mm="",
                material="",
                power_supply="",
                power_available="no",
                known_constraints="Listed\nbuilding",
                notes='Quote "marks", commas, and caf\u00e9',
                structural_assessed_on="",
            ),
            row(
                reference="BET-LD-0001",
                owner="beta",
                district="uttlesford",
                uprn="100091234567",
                visibility="public",
                tenure="",
                access_model="",
            ),
        )
    )
    before = {a.reference: a for a in Asset.objects.all()}
    history_before = Asset.history.count()
    exported = b"".join(client.get(reverse("assets:export-csv")).streaming_content)
    assert exported.decode().splitlines()[0].split(",") == COLUMN_NAMES
    result = importer.import_file(exported)
    assert result.ok, problems(result)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Asset.history.count() == history_before
    for asset in Asset.objects.all():
        old = before[asset.reference]
        for field in Asset._meta.concrete_fields:
            assert getattr(asset, field.attname) == getattr(old, field.attname), field.name


def test_command_imports_and_reports(tmp_path, partner_a, capsys):
    path = tmp_path / "assets.csv"
    path.write_bytes(make_csv(row(owner="")))
    call_command("import_assets", str(path), "--owner", "alpha", "--dry-run")
    assert Asset.objects.count() == 0
    assert "Dry run" in capsys.readouterr().out
    call_command("import_assets", str(path), "--owner", "alpha")
    assert Asset.objects.get().owner == partner_a
    assert "1 created" in capsys.readouterr().out


def test_command_errors(tmp_path, partner_a, settings):
    path = tmp_path / "assets.csv"
    path.write_bytes(make_csv(row(latitude="91")))
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_assets", str(path))
    with pytest.raises(CommandError, match="No partner has the slug"):
        call_command("import_assets", str(path), "--owner", "nobody")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_assets", str(tmp_path / "missing.csv"))
    settings.ASSET_IMPORT_MAX_BYTES = 10
    with pytest.raises(CommandError, match="limit"):
        call_command("import_assets", str(path))
    assert Asset.objects.count() == 0
