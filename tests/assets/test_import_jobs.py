"""Imports as background jobs: check, confirm, apply; all or nothing at any size."""

import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from assets import importer
from assets.models import Asset, AssetImport, AssetImportProblem, StagedAsset
from diz_portal.models import SearchEntry
from tests.assets.factories import make_asset
from tests.assets.test_import import make_csv, row

pytestmark = pytest.mark.django_db


def rows(n, start=0, **values):
    return [row(reference=f"ALP-LC-{i:05d}", **values) for i in range(start, start + n)]


def upload_batch(data, owner=None, user=None):
    text = data.decode("utf-8")
    return AssetImport.objects.create(
        owner=owner,
        uploaded_by=user,
        filename="lights.csv",
        content=text,
        rows_total=importer.count_rows(text),
    )


def checked(data, **kwargs):
    batch = upload_batch(data, **kwargs)
    importer.check(batch)
    batch.refresh_from_db()
    return batch


def test_a_problem_on_a_late_row_writes_nothing(partner_a):
    # 2,500 good rows, then a bad one: the earlier chunks were staged, then discarded.
    batch = checked(make_csv(*rows(2500), row(reference="ALP-LC-99999", latitude="70")))
    assert batch.status == AssetImport.Status.INVALID
    assert batch.problem_count == 1
    assert batch.problems.get().row == 2502
    assert not StagedAsset.objects.exists()
    assert not batch.confirm()
    assert not Asset.objects.exists()


def test_every_problem_of_a_row_is_listed_in_plain_english(partner_a):
    batch = checked(
        make_csv(row(latitude="70", height_m="lots", structural_assessed_on="31/12/2026", name=""))
    )
    found = {p.column: p.message for p in batch.problems.all()}
    assert found == {
        "latitude": "Enter a latitude between 49.8 and 60.9, for example 51.767",
        "height_m": "Enter the height in metres as a number, for example 10.5, or leave the "
        "cell empty",
        "structural_assessed_on": "Enter the date as year-month-day, for example 2026-03-01, "
        "or leave the cell empty",
        "name": "Enter a name for the asset",
    }


def test_apply_writes_assets_history_search_and_one_cache_version(partner_a, member):
    batch = checked(make_csv(*rows(30)), user=member)
    assert batch.status == AssetImport.Status.CHECKED and batch.created_count == 30
    assert batch.confirm(queue=False)
    importer.apply(batch)
    batch.refresh_from_db()
    assert batch.status == AssetImport.Status.APPLIED
    assert Asset.objects.count() == 30
    asset = Asset.objects.get(reference="ALP-LC-00007")
    assert asset.easting and asset.northing and asset.postcode == "CM20 1DW"
    record = asset.history.get()
    assert (record.history_type, record.history_change_reason) == ("+", "CSV import")
    assert record.history_user == member
    assert SearchEntry.objects.filter(kind="asset").count() == 30


def test_an_apply_the_database_refuses_leaves_nothing_written(partner_a):
    make_asset(reference="ALP-LC-00000", owner=partner_a, name="Before")
    batch = checked(make_csv(*rows(50, name="After")))
    # The last staged row is corrupted after the check: the database's constraint refuses it.
    last = StagedAsset.objects.filter(batch=batch).order_by("-row").first()
    StagedAsset.objects.filter(pk=last.pk).update(latitude=75)
    history_before = Asset.history.count()
    batch.confirm(queue=False)
    importer.apply(batch)
    batch.refresh_from_db()
    assert batch.status == AssetImport.Status.FAILED
    assert "nothing was changed" in batch.error
    assert Asset.objects.count() == 1
    assert Asset.objects.get().name == "Before"
    assert Asset.history.count() == history_before


def test_a_register_change_after_the_check_fails_the_import(partner_a):
    batch = checked(make_csv(*rows(3)))
    make_asset(reference="ALP-LC-00001", owner=partner_a)  # added meanwhile
    batch.confirm(queue=False)
    importer.apply(batch)
    batch.refresh_from_db()
    assert batch.status == AssetImport.Status.FAILED
    assert "row 3 (ALP-LC-00001)" in batch.error
    assert Asset.objects.count() == 1


def test_jobs_run_twice_do_their_work_once(partner_a):
    batch = checked(make_csv(*rows(5)))
    importer.check(batch)  # a second check of the same upload does nothing
    assert StagedAsset.objects.filter(batch=batch).count() == 5
    batch.confirm(queue=False)
    importer.apply(batch)
    importer.apply(batch)
    assert Asset.objects.count() == 5
    assert Asset.history.count() == 5


def test_a_huge_header_is_refused_at_once(partner_a):
    header = ",".join(f"c{i}" for i in range(50_000)).encode()
    batch = checked(header + b"\r\n1,2\r\n")
    assert batch.status == AssetImport.Status.INVALID
    assert batch.problems.get().message.startswith("The header has 50,000 columns")


def test_an_overlong_cell_is_a_clear_problem(partner_a):
    batch = checked(make_csv(row(notes="x" * 20_000)))
    assert batch.status == AssetImport.Status.INVALID
    assert "Row 2 is not valid CSV" in batch.problems.get().message


def test_decode_refuses_nul_bytes():
    with pytest.raises(importer.FileProblem, match="NUL character"):
        importer.decode(b"reference,name\r\nA\x00,B\r\n")


def test_formula_guards_from_an_export_are_undone(partner_a):
    batch = checked(make_csv(row(name="'=SUM(A1)", notes="'-dash")))
    assert batch.status == AssetImport.Status.CHECKED
    staged = StagedAsset.objects.get(batch=batch)
    assert (staged.name, staged.notes) == ("=SUM(A1)", "-dash")


# --- pages ------------------------------------------------------------------------------------


def upload(client, data, owner):
    file = io.BytesIO(data)
    file.name = "lights.csv"
    return client.post(reverse("dashboard:assets-import"), {"file": file, "owner": owner.pk})


def test_progress_page_works_without_javascript(client, member, partner_a):
    batch = upload_batch(make_csv(*rows(3)), owner=partner_a, user=member)
    AssetImport.objects.filter(pk=batch.pk).update(status="checking", rows_done=2)
    client.force_login(member)
    page = client.get(reverse("dashboard:assets-import-preview", args=[batch.pk]))
    assertContains(
        page, '<progress id="import-progress" class="diz-progress" max="3" value="2">67%</progress>'
    )
    assertContains(page, "2 of 3 rows")
    assertContains(page, "Refresh this page")
    status = client.get(reverse("dashboard:assets-import-status", args=[batch.pk])).json()
    assert status == {
        "status": "checking",
        "label": "Being checked",
        "rows_done": 2,
        "rows_total": 3,
        "percent": 67,
        "running": True,
    }


def test_import_pages_are_404_for_other_partners(client, member, outsider, partner_a):
    batch = checked(make_csv(*rows(2)), owner=partner_a, user=member)
    client.force_login(outsider)
    for name in ("dashboard:assets-import-preview", "dashboard:assets-import-status"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert (
        client.post(reverse("dashboard:assets-import-preview", args=[batch.pk])).status_code == 404
    )
    batch.refresh_from_db()
    assert batch.status == AssetImport.Status.CHECKED
    assert not Asset.objects.exists()


def test_problem_pages_run_the_same_queries_for_5_or_500_problems(client, member, partner_a):
    client.force_login(member)
    counts = []
    for n in (5, 500):
        batch = checked(make_csv(*rows(n, latitude="70")), owner=partner_a, user=member)
        assert batch.problem_count == n
        url = reverse("dashboard:assets-import-preview", args=[batch.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    page = client.get(url + "?page=5")
    assertContains(page, "Page 5 of 5")
    assertContains(page, '<th scope="row" class="govuk-table__header">Row 402</th>')
    assert AssetImportProblem.objects.filter(batch=batch).count() == 500


def test_uploader_is_emailed_when_the_import_finishes(
    client, member, partner_a, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, make_csv(*rows(3, owner="")), partner_a)
    batch = AssetImport.objects.get()
    url = reverse("dashboard:assets-import-preview", args=[batch.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    batch.refresh_from_db()
    assert batch.status == AssetImport.Status.APPLIED
    assert not StagedAsset.objects.exists()  # the staging is cleared once applied
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "Import of lights.csv complete"
    assert "3 created" in message.body
    assert url in message.body
    page = client.get(reverse("dashboard:assets-import"))
    assertContains(page, "Recent imports")
    assertContains(page, "Applied")
    assertNotContains(page, "Confirm and import")


def test_a_crashed_check_fails_the_import_instead_of_hanging(partner_a, monkeypatch):
    from assets import tasks

    batch = upload_batch(make_csv(*rows(3)), owner=partner_a)

    def crash(batch):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "check", crash)
    with pytest.raises(RuntimeError):
        tasks.check_import.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == AssetImport.Status.FAILED
    assert "fault on our side" in batch.error
    assert not batch.is_running
