import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from partners.models import Partner
from tests import factories
from tests.partners.factories import give_totp, image_upload, svg_upload, text_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_with_totp(manager, superuser):
    give_totp(manager)
    give_totp(superuser)


def login(client, user):
    if user is not None:
        client.force_login(user)


def profile_data(**overrides):
    data = {
        "short_description": "Lead partner of the DIZ.",
        "description": "We run the **programme**.",
        "website": "https://www.alpha.example.org/",
        "contact_email": "digital@alpha.example.org",
        "districts": [factories.district("harlow").pk, factories.district("uttlesford").pk],
    }
    data.update(overrides)
    return data


# Expected status for each persona; members of A edit A, everyone else gets 404 or login.
EDIT_GET = {"anonymous": 302, "member": 200, "outsider": 404, "manager": 404, "superuser": 404}
EDIT_POST = {"anonymous": 302, "member": 302, "outsider": 404, "manager": 404, "superuser": 404}


def test_permission_matrix_for_every_partner_url(client, personas, partner_a, staff_with_totp):
    hidden = factories.make_partner("Hidden", published=False)
    edit_a = reverse("dashboard:partners-edit", kwargs={"slug": partner_a.slug})
    for name, user in personas.items():
        client.logout()
        login(client, user)
        # Public pages: the same for everyone, read-only.
        assert client.get(reverse("partners:list")).status_code == 200, name
        assert client.post(reverse("partners:list")).status_code == 405, name
        assert client.get(partner_a.get_absolute_url()).status_code == 200, name
        assert client.post(partner_a.get_absolute_url()).status_code == 405, name
        assert client.get(hidden.get_absolute_url()).status_code == 404, name
        # The dashboard: anyone signed in; anonymous users go to sign in.
        response = client.get(reverse("dashboard:index"))
        if user is None:
            assertRedirects(response, f"{reverse('account_login')}?next=/dashboard/")
        else:
            assert response.status_code == 200, name
        assert client.post(reverse("dashboard:index")).status_code in {302, 405}, name
        # Editing partner A's profile: members of A only.
        response = client.get(edit_a)
        assert response.status_code == EDIT_GET[name], name
        response = client.post(edit_a, profile_data(short_description=f"By {name}"))
        assert response.status_code == EDIT_POST[name], name
        if user is None:
            assert response["Location"].startswith(reverse("account_login"))
        assert client.put(edit_a).status_code in {302, 404, 405}, name
        # An invitation link nobody was sent.
        bogus = reverse("partners:invitation", kwargs={"token": "not-a-real-token"})
        assert client.get(bogus).status_code == 404, name
    partner_a.refresh_from_db()
    assert partner_a.short_description == "By member"  # nobody else changed anything


def test_outsider_cannot_change_another_partner_and_nothing_changes(client, outsider, partner_a):
    before = Partner.history.filter(id=partner_a.id).count()
    client.force_login(outsider)
    url = reverse("dashboard:partners-edit", kwargs={"slug": partner_a.slug})
    assert client.post(url, profile_data(description="Hacked")).status_code == 404
    partner_a.refresh_from_db()
    assert partner_a.description != "Hacked"
    assert Partner.history.filter(id=partner_a.id).count() == before


def test_member_of_several_partners_sees_each(client, member, partner_b):
    factories.make_member(partner_b, email="other@beta.example.org")
    partner_b.memberships.create(user=member)
    client.force_login(member)
    response = client.get(reverse("dashboard:index"))
    assertContains(response, "Your organisations")
    assertContains(response, reverse("dashboard:partners-edit", kwargs={"slug": "alpha"}))
    assertContains(response, reverse("dashboard:partners-edit", kwargs={"slug": "beta"}))


def test_dashboard_without_membership(client):
    client.force_login(factories.make_user("lonely@example.org"))
    response = client.get(reverse("dashboard:index"))
    assertContains(response, "not linked to a partner organisation yet")


def test_member_edits_profile_and_history_records_who_and_what(client, member, partner_a):
    client.force_login(member)
    url = reverse("dashboard:partners-edit", kwargs={"slug": partner_a.slug})
    response = client.get(url)
    assertContains(response, "Edit the profile of Alpha District Council")
    # Fields kept for the programme manager are not on the form at all.
    for field in ("name", "slug", "sector", "published"):
        assertNotContains(response, f'name="{field}"')
    response = client.post(
        url,
        profile_data(name="Renamed", sector="private-it", published="", slug="evil"),
        follow=True,
    )
    assertRedirects(response, reverse("dashboard:index"))
    assertContains(response, "The profile of Alpha District Council is saved")
    partner_a.refresh_from_db()
    assert partner_a.name == "Alpha District Council"
    assert partner_a.slug == "alpha"
    assert partner_a.published is True
    assert partner_a.short_description == "Lead partner of the DIZ."
    assert {d.slug for d in partner_a.districts.all()} == {"harlow", "uttlesford"}
    # One history record for the edit, holding the new districts as well as the fields.
    assert partner_a.history.filter(history_user=member).count() == 1
    record = partner_a.history.filter(history_user=member).get()
    assert {row.district.slug for row in record.districts.all()} == {"harlow", "uttlesford"}
    assert record.history_change_reason == "Edited on the partner dashboard"
    changes = record.diff_against(record.prev_record).changed_fields
    assert "short_description" in changes
    assert "website" in changes


def test_profile_form_errors_are_clear_and_change_nothing(client, member, partner_a):
    client.force_login(member)
    url = reverse("dashboard:partners-edit", kwargs={"slug": partner_a.slug})
    response = client.post(
        url,
        profile_data(
            website="javascript:alert(1)",
            contact_email="not an email",
            short_description="x" * 301,
            districts=["999999", "abc"],
        ),
    )
    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    # GOV.UK wording (say what is wrong and how to fix it), never Django's default.
    for message in [
        "Enter a web address in the correct format, like https://www.example.org",
        "Enter an email address in the correct format, like name@example.com",
        "Enter 300 characters or fewer (you entered 301)",
        "Select one of the options in the list",
    ]:
        assertContains(response, message, count=2, status_code=400)  # summary and field
    assertNotContains(response, "Enter a valid", status_code=400)
    assertContains(
        response, '<p class="govuk-error-message" id="id_website_error">', status_code=400
    )
    assertContains(response, 'aria-invalid="true"', status_code=400)
    partner_a.refresh_from_db()
    assert partner_a.website == ""


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (svg_upload, "Upload a PNG, JPEG or WebP image."),
        (text_upload, "Upload a PNG, JPEG or WebP image."),
        (lambda: image_upload("GIF"), "Upload a PNG, JPEG or WebP image."),
        (lambda: image_upload("PNG", size=(5000, 4000)), "the limit is 16,777,216 pixels"),
    ],
)
def test_bad_logos_are_refused(client, member, partner_a, upload, message):
    client.force_login(member)
    url = reverse("dashboard:partners-edit", kwargs={"slug": partner_a.slug})
    response = client.post(url, profile_data(logo=upload()))
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    partner_a.refresh_from_db()
    assert not partner_a.logo


def test_oversized_logo_is_refused(client, member, partner_a, settings):
    import io
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    # Random pixels do not compress: a 1,000 × 1,000 noise PNG is about 3 MB (limit 2 MB).
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert buffer.tell() > settings.IMAGE_UPLOAD_MAX_BYTES
    big = SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")
    client.force_login(member)
    url = reverse("dashboard:partners-edit", kwargs={"slug": partner_a.slug})
    response = client.post(url, profile_data(logo=big))
    assert response.status_code == 400
    assertContains(response, "the limit is 2 MB", status_code=400)
    partner_a.refresh_from_db()
    assert not partner_a.logo


def test_good_logo_is_stored_under_a_random_name_and_shown(client, member, partner_a):
    client.force_login(member)
    url = reverse("dashboard:partners-edit", kwargs={"slug": partner_a.slug})
    response = client.post(url, profile_data(logo=image_upload("WEBP", name="../../evil.webp")))
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.logo.name.startswith("partners/logos/")
    assert partner_a.logo.name.endswith(".webp")
    assert "evil" not in partner_a.logo.name
    response = client.get(partner_a.get_absolute_url())
    assertContains(response, f'src="{partner_a.logo.url}"')
    assertContains(response, 'alt="Alpha District Council logo"')
