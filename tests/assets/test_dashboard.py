import io

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from assets.models import Asset, AssetImport
from tests.assets.factories import enable_mfa, make_asset, make_assets, make_enquiry
from tests.assets.test_import import make_csv, row

pytestmark = pytest.mark.django_db

FORM = {
    "reference": "ALP-LC-0200",
    "name": "New column",
    "asset_type": "lamp_column",
    "district": "",  # filled in by the test
    "address": "Fifth Avenue, Harlow",
    "postcode": "cm20 2aa",
    "latitude": "51.77",
    "longitude": "0.09",
    "availability": "available",
    "visibility": "partners",
}


@pytest.fixture
def form_data(partner_a):
    from tests import factories

    return {**FORM, "owner": partner_a.pk, "district": factories.district("harlow").pk}


@pytest.fixture
def own_asset(partner_a):
    return make_asset(reference="ALP-LC-0001", name="Alpha column", owner=partner_a)


def login(client, personas, persona):
    user = personas[persona]
    if user is not None:
        if user.is_staff:
            enable_mfa(user)
        client.force_login(user)
    return user


def test_permission_matrix(client, personas, own_asset, form_data):
    """Only members of the owner see and change its assets; anonymous users must sign in;
    everyone else (other partners, and staff, who use the admin) gets 404 and changes nothing."""
    enquiry = make_enquiry(own_asset)
    edit = reverse("dashboard:assets-edit", args=[own_asset.reference])
    retire = reverse("dashboard:assets-retire", args=[own_asset.reference])
    note = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
    expected = {"anonymous": 302, "member": 200, "outsider": 404, "manager": 404, "superuser": 404}
    for persona, status in expected.items():
        client.logout()
        login(client, personas, persona)
        for url in (edit, retire, note):
            response = client.get(url)
            assert response.status_code == status, (persona, url)
            if persona == "anonymous":
                assert reverse("account_login") in response.url
        if persona == "member":
            continue
        for url, data in (
            (edit, {**form_data, "name": "Hijacked"}),
            (retire, {}),
            (note, {"status": "declined", "note": "no"}),
        ):
            response = client.post(url, data)
            assert response.status_code == status, (persona, url)
        own_asset.refresh_from_db()
        assert own_asset.name == "Alpha column" and not own_asset.is_retired
        enquiry.refresh_from_db()
        assert enquiry.status == "received"
    for url in ("assets-list", "assets-add", "assets-import", "assets-enquiries"):
        client.logout()
        assert reverse("account_login") in client.get(reverse(f"dashboard:{url}")).url


def test_list_shows_own_assets_only_including_partners_only(client, member, partner_a, partner_b):
    make_asset(name="Alpha secret", owner=partner_a, visibility=Asset.Visibility.PARTNERS)
    make_asset(name="Beta public", owner=partner_b)
    client.force_login(member)
    response = client.get(reverse("dashboard:assets-list"))
    assertContains(response, "Alpha secret")
    assertContains(response, "Partners only")
    assert "Beta public" not in response.content.decode()


def test_dashboard_list_queries_are_constant(client, member, partner_a, django_assert_num_queries):
    client.force_login(member)
    make_assets(5, owner=partner_a)
    # session, user, memberships (partners), count, page of assets with owner and district,
    # the assets due for review (one query, however many are due)
    with django_assert_num_queries(6):
        client.get(reverse("dashboard:assets-list"))
    make_assets(200, owner=partner_a)
    with django_assert_num_queries(6):
        client.get(reverse("dashboard:assets-list"))


def test_member_adds_an_asset_with_history(client, member, form_data):
    client.force_login(member)
    response = client.post(reverse("dashboard:assets-add"), form_data)
    assertRedirects(response, reverse("dashboard:assets-list"))
    asset = Asset.objects.get(reference="ALP-LC-0200")
    assert asset.postcode == "CM20 2AA"
    assert asset.easting is not None
    assert asset.history.get().history_user == member


def test_add_form_errors_and_other_owner(client, member, partner_b, form_data):
    client.force_login(member)
    response = client.post(
        reverse("dashboard:assets-add"),
        {**form_data, "owner": partner_b.pk, "latitude": "40", "postcode": "nope"},
    )
    assert response.status_code == 400
    for field in ("owner", "latitude", "postcode"):
        assert field in response.context["form"].errors
    assertContains(response, "There is a problem", status_code=400)
    assert not Asset.objects.exists()


def test_member_edits_with_history_and_reference_is_permanent(client, member, own_asset, form_data):
    client.force_login(member)
    url = reverse("dashboard:assets-edit", args=[own_asset.reference])
    response = client.post(url, {**form_data, "reference": "HIJACK-1", "name": "Renamed"})
    assertRedirects(response, reverse("dashboard:assets-list"))
    own_asset.refresh_from_db()
    assert own_asset.name == "Renamed"
    assert own_asset.reference == "ALP-LC-0001"
    latest = own_asset.history.first()
    assert latest.history_user == member
    assert "name" in latest.diff_against(latest.prev_record).changed_fields


def test_member_retires_and_returns_an_asset(client, member, own_asset):
    client.force_login(member)
    url = reverse("dashboard:assets-retire", args=[own_asset.reference])
    assertContains(client.get(url), "Retire ALP-LC-0001")
    client.post(url)
    own_asset.refresh_from_db()
    assert own_asset.is_retired
    assert client.get(own_asset.get_absolute_url()).status_code == 404
    assert own_asset.history.count() == 2
    client.post(url)
    own_asset.refresh_from_db()
    assert not own_asset.is_retired


def upload(client, data, owner, name="assets.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("dashboard:assets-import"), {"file": file, "owner": owner.pk})


def test_dashboard_import_preview_then_confirm(
    client, member, partner_a, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, make_csv(row(owner=""), row(reference="ALP-LC-0101")), partner_a)
    batch = AssetImport.objects.get()
    preview = reverse("dashboard:assets-import-preview", args=[batch.pk])
    assertRedirects(response, preview)
    page = client.get(preview)
    assertContains(page, "2 rows: 2 would be created")
    assertContains(page, "Confirm and import")
    assert not Asset.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview)
    assertRedirects(response, preview)
    assert Asset.objects.filter(owner=partner_a).count() == 2
    batch.refresh_from_db()
    assert batch.status == AssetImport.Status.APPLIED and batch.applied_at is not None
    assertContains(client.get(preview), '<h2 class="govuk-panel__title">Import complete</h2>')
    assert Asset.objects.first().history.first().history_user == member
    # An applied import cannot be applied again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview)
    assert Asset.objects.filter(owner=partner_a).count() == 2
    assert Asset.history.count() == 2


def test_dashboard_import_shows_row_errors_and_writes_nothing(
    client, member, partner_a, partner_b, django_capture_on_commit_callbacks
):
    make_asset(reference="BET-LD-0001", owner=partner_b, name="Beta land")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, make_csv(row(), row(reference="BET-LD-0001", owner="")), partner_a)
    preview = reverse("dashboard:assets-import-preview", args=[AssetImport.objects.get().pk])
    page = client.get(preview)
    assertContains(page, "belongs to another partner")
    assertContains(page, '<th scope="row" class="govuk-table__header">Row 3</th>')
    assertNotContains(page, "Confirm and import")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview)
    assert not Asset.objects.filter(owner=partner_a).exists()


def test_dashboard_import_only_for_own_organisation(client, member, outsider, partner_a, partner_b):
    client.force_login(member)
    response = upload(client, make_csv(row()), partner_b)
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert not AssetImport.objects.exists()
    # Someone else's pending import is 404 for everyone else.
    upload(client, make_csv(row()), partner_a)
    preview = reverse("dashboard:assets-import-preview", args=[AssetImport.objects.get().pk])
    client.force_login(outsider)
    assert client.get(preview).status_code == 404
    assert client.post(preview).status_code == 404
    assert not Asset.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ("caf\u00e9".encode("latin-1"), "not UTF-8"),
        (b"", "The selected file is empty. Choose the file with your assets in it"),
    ],
)
def test_dashboard_import_file_errors(client, member, partner_a, data, message):
    client.force_login(member)
    response = upload(client, data, partner_a)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assert not AssetImport.objects.exists()


def test_dashboard_import_file_over_the_limit(client, member, partner_a, settings):
    settings.ASSET_IMPORT_MAX_BYTES = 50
    client.force_login(member)
    response = upload(client, make_csv(row()), partner_a)
    assertContains(response, "largest file accepted is 50 bytes", status_code=400)


def test_user_without_partner_cannot_add_or_import(client):
    from tests import factories

    client.force_login(factories.make_user())
    assert client.get(reverse("dashboard:assets-add")).status_code == 403
    assert client.get(reverse("dashboard:assets-import")).status_code == 403
    assertContains(client.get(reverse("dashboard:assets-list")), "not linked to a partner")


def test_asset_form_errors_are_plain_english(client, member, partner_a):
    from tests.assets.factories import asset_fields

    client.force_login(member)
    data = {
        key: (value.pk if hasattr(value, "pk") else value)
        for key, value in asset_fields(owner=partner_a).items()
    }
    data.update(latitude="48.1", longitude="east", height_m="-3", kerb_offset_mm="1.5")
    response = client.post(reverse("dashboard:assets-add"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["latitude"] == ["Enter a latitude between 49.8 and 60.9, for example 51.767"]
    assert errors["longitude"] == ["Enter a longitude between -8.7 and 1.8, for example 0.093"]
    assert errors["height_m"] == ["Enter a height of 0 metres or more"]
    assert errors["kerb_offset_mm"] == [
        "Enter the kerb offset in whole millimetres, for example 500"
    ]
    assertNotContains(response, "Ensure this value", status_code=400)
