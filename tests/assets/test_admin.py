import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from assets.models import Asset, AssetImport, Enquiry, EnquiryNote
from tests.assets.factories import enable_mfa, make_asset, make_enquiry
from tests.assets.test_import import make_csv, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, manager):
    enable_mfa(manager)
    client.force_login(manager)
    return client


def test_asset_changelist_has_columns_filters_and_import_link(staff_client, partner_a):
    make_asset(reference="ALP-LC-0001", owner=partner_a)
    response = staff_client.get(reverse("admin:assets_asset_changelist") + "?q=ALP")
    assertContains(response, "ALP-LC-0001")
    assertContains(response, reverse("admin:assets_asset_import"))
    assertContains(response, "By asset type")


def test_asset_change_page_has_history_and_view_on_site(staff_client, partner_a):
    asset = make_asset(owner=partner_a)
    response = staff_client.get(reverse("admin:assets_asset_change", args=[asset.pk]))
    assertContains(response, "History")
    assertContains(response, "View on site")
    history = staff_client.get(reverse("admin:assets_asset_history", args=[asset.pk]))
    assert history.status_code == 200


def upload(client, data):
    file = io.BytesIO(data)
    file.name = "register.csv"
    return client.post(reverse("admin:assets_asset_import"), {"file": file})


def test_admin_import_preview_and_confirm(
    staff_client, partner_a, partner_b, manager, django_capture_on_commit_callbacks
):
    assert staff_client.get(reverse("admin:assets_asset_import")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff_client, make_csv(row(), row(reference="BET-LD-0001", owner="beta")))
    batch = AssetImport.objects.get()
    preview = reverse("admin:assets_asset_import_preview", args=[batch.pk])
    assertRedirects(response, preview)
    assertContains(staff_client.get(preview), "2 would be created")
    assert not Asset.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assertRedirects(staff_client.post(preview), preview)
    assert set(Asset.objects.values_list("owner__slug", flat=True)) == {"alpha", "beta"}
    assert Asset.objects.get(reference="BET-LD-0001").history.get().history_user == manager
    assertContains(staff_client.get(preview), '<h2 class="govuk-panel__title">Import complete</h2>')


def test_admin_import_reports_row_errors_and_writes_nothing(
    staff_client, partner_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, make_csv(row(), row(reference="ALP-LC-0002", latitude="70")))
    preview = reverse("admin:assets_asset_import_preview", args=[AssetImport.objects.get().pk])
    response = staff_client.get(preview)
    assertContains(response, "nothing has been changed")
    assertContains(response, "<code>latitude</code>", html=False)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(preview)
    assert not Asset.objects.exists()


def test_admin_import_needs_staff(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:assets_asset_import"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def _admin_enquiry_post(**fields):
    management = {}
    for prefix in ("messages", "notes"):
        management.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return {**management, **fields}


def test_enquiry_admin_shows_waiting_time_and_moves_stage_through_move_to(
    staff_client, partner_a, manager, django_capture_on_commit_callbacks
):
    enquiry = make_enquiry(make_asset(owner=partner_a, reference="ALP-LC-0042"))
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - timedelta(days=9))
    response = staff_client.get(reverse("admin:assets_enquiry_changelist"))
    assertContains(response, "waited")
    assertContains(response, "1\xa0week, 2\xa0days")
    assertContains(response, "Example Networks Ltd")
    change = reverse("admin:assets_enquiry_change", args=[enquiry.pk])
    page = staff_client.get(change)
    # The operator's request, the assets and the clock are shown, read-only.
    assertContains(page, "sam@operator.example")
    assertContains(page, "ALP-LC-0042")
    assertContains(page, "First response due")
    assertContains(page, 'name="move_to"', html=False)
    assertNotContains(page, 'name="status"', html=False)
    # A move that the stages do not allow is refused in plain words; nothing changes.
    refused = staff_client.post(change, _admin_enquiry_post(move_to="agreed"))
    assert refused.status_code == 200
    # Agreed is not offered from received.
    assertContains(refused, "Choose one of the stages this enquiry can move to now")
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.RECEIVED
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            change,
            _admin_enquiry_post(move_to="under_review", stage_note="Passed to the estates team."),
        )
    assert response.status_code == 302, response.context and response.context["errors"]
    note = EnquiryNote.objects.get()
    assert note.author == manager
    assert note.status == Enquiry.Status.UNDER_REVIEW
    assert note.note == "Passed to the estates team."
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.UNDER_REVIEW
    assert enquiry.first_response_at is not None
    # The operator hears of it, with the note.
    assert [m.to for m in mail.outbox] == [["sam@operator.example"]]
    assert "Passed to the estates team." in mail.outbox[0].body
