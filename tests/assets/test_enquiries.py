import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from assets.models import Enquiry, EnquiryNote
from assets.views import ENQUIRY_LIMIT
from tests import factories
from tests.assets.factories import make_asset, make_enquiry

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Sam Operator",
    "organisation": "Example Networks Ltd",
    "email": "sam@operator.example",
    "message": "We would like to mount a small cell on this column in spring.",
}


def enquiry_url(asset):
    return reverse("assets:enquiry", args=[asset.reference])


@pytest.fixture
def asset(partner_a, member, settings):
    settings.PROGRAMME_MANAGER_EMAIL = "programme@diz.example.org"
    factories.make_member(partner_a, "second@alpha.example.org")
    return make_asset(reference="ALP-LC-0001", name="Edinburgh Way column", owner=partner_a)


def test_enquiry_is_stored_emailed_and_confirmed(
    client, asset, outsider, django_capture_on_commit_callbacks
):
    # The emails are queued with the enquiry and sent once it is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(enquiry_url(asset), FORM)
    assertRedirects(response, reverse("assets:enquiry-sent", args=[asset.reference]))
    enquiry = Enquiry.objects.get()
    assert enquiry.asset == asset
    assert enquiry.status == Enquiry.Status.RECEIVED
    assert len(mail.outbox) == 2
    message, receipt = mail.outbox
    assert sorted(message.to) == [
        "member@alpha.example.org",
        "programme@diz.example.org",
        "second@alpha.example.org",
    ]
    assert "member@beta.example.org" not in message.to  # another partner's member
    assert message.reply_to == ["sam@operator.example"]
    assert "ALP-LC-0001" in message.subject
    assert "small cell" in message.body
    assert reverse("dashboard:assets-enquiry", args=[enquiry.pk]) in message.body
    # The operator's receipt names the asset and its owner, and repeats nothing they typed.
    assert receipt.to == ["sam@operator.example"]
    assert receipt.reply_to == ["programme@diz.example.org"]
    assert "Edinburgh Way column" in receipt.subject
    assert "ALP-LC-0001" in receipt.body
    assert "Alpha District Council" in receipt.body
    assert "small cell" not in receipt.body
    assert "Sam Operator" not in receipt.body
    confirmation = client.get(response.url)
    assertContains(confirmation, "Enquiry sent")
    assertContains(confirmation, "Edinburgh Way column")


def test_invalid_enquiry_shows_errors_and_stores_nothing(client, asset):
    response = client.post(enquiry_url(asset), {**FORM, "email": "not-an-email", "message": ""})
    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    assertContains(
        response,
        "Enter an email address in the correct format, like name@example.com",
        status_code=400,
    )
    assertNotContains(response, "Enter a valid email address", status_code=400)
    assertContains(response, 'aria-invalid="true"', status_code=400)
    assert not Enquiry.objects.exists()
    assert not mail.outbox


def test_honeypot_pretends_success_and_stores_nothing(client, asset):
    response = client.post(enquiry_url(asset), {**FORM, "website": "http://spam.example"})
    assertRedirects(response, reverse("assets:enquiry-sent", args=[asset.reference]))
    assert not Enquiry.objects.exists()
    assert not mail.outbox


def test_honeypot_is_hidden_by_a_css_class(client, asset):
    response = client.get(enquiry_url(asset))
    assertContains(response, '<div class="diz-honeypot">', html=False)
    assert "style=" not in response.content.decode()


def test_the_detail_page_links_to_the_enquiry_form_and_carries_no_form(client, asset):
    """No form, so no CSRF token: the detail page can come from the page cache."""
    response = client.get(asset.get_absolute_url())
    assertContains(response, f'href="{enquiry_url(asset)}"', html=False)
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "<form" not in response.content.decode().split("<main", 1)[1]
    # Posting to the detail page is not how enquiries arrive.
    assert client.post(asset.get_absolute_url(), FORM).status_code == 405
    assert not Enquiry.objects.exists()


def test_the_enquiry_page_names_the_asset_and_titles_errors(client, asset):
    page = client.get(enquiry_url(asset))
    assertContains(page, "Ask about Edinburgh Way column")
    assertContains(page, "csrfmiddlewaretoken")
    assertContains(page, f'href="{asset.get_absolute_url()}"', html=False)
    response = client.post(enquiry_url(asset), {**FORM, "email": ""})
    assertContains(response, "<title>Error: Ask about ALP-LC-0001", status_code=400, html=False)


def test_partners_only_assets_have_no_public_enquiry_page(client, partner_a):
    hidden = make_asset(reference="ALP-LC-0009", owner=partner_a, visibility="partners")
    assert client.get(enquiry_url(hidden)).status_code == 404
    assert client.post(enquiry_url(hidden), FORM).status_code == 404
    assert not Enquiry.objects.exists()


def test_enquiries_are_rate_limited_per_ip(client, asset):
    for _ in range(ENQUIRY_LIMIT):
        assert client.post(enquiry_url(asset), FORM).status_code == 302
    response = client.post(enquiry_url(asset), FORM)
    assert response.status_code == 429
    assertContains(response, "Try again in an hour", status_code=429)
    assert Enquiry.objects.count() == ENQUIRY_LIMIT
    # Another address is not affected.
    other = client.post(enquiry_url(asset), FORM, REMOTE_ADDR="192.0.2.10")
    assert other.status_code == 302


def test_owner_member_updates_status_with_dated_notes(client, asset, member):
    enquiry = make_enquiry(asset)
    client.force_login(member)
    listing = client.get(reverse("dashboard:assets-enquiries"))
    assertContains(listing, "Example Networks Ltd")
    url = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
    response = client.post(url, {"status": "terms_offered", "note": "Sent draft licence."})
    assertRedirects(response, url)
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.TERMS_OFFERED
    note = EnquiryNote.objects.get()
    assert note.author == member and note.created_at
    assert enquiry.history.first().history_user == member
    page = client.get(url)
    assertContains(page, "Sent draft licence.")
    assertContains(page, "status set to Terms offered")
    client.post(url, {"status": "", "note": "Chased the operator."})
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.TERMS_OFFERED
    client.post(url, {"status": "agreed", "note": "Licence signed."})
    enquiry.refresh_from_db()
    assert enquiry.closed_at is not None


def test_note_form_errors(client, asset, member):
    enquiry = make_enquiry(asset)
    client.force_login(member)
    url = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
    response = client.post(url, {"status": "bribed", "note": ""})
    assert response.status_code == 400
    assert not EnquiryNote.objects.exists()


def test_other_partners_enquiries_are_404(client, asset, outsider):
    enquiry = make_enquiry(asset)
    client.force_login(outsider)
    assert (
        "Example Networks" not in client.get(reverse("dashboard:assets-enquiries")).content.decode()
    )
    url = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "declined", "note": "x"}).status_code == 404
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.RECEIVED
    assert not EnquiryNote.objects.exists()


def test_enquiry_list_queries_are_constant(client, asset, member, django_assert_num_queries):
    client.force_login(member)
    make_enquiry(asset)
    url = reverse("dashboard:assets-enquiries")
    # session, user, memberships (partners), count, page of enquiries with assets and owners
    with django_assert_num_queries(5):
        client.get(url)
    for _ in range(30):
        make_enquiry(asset)
    with django_assert_num_queries(5):
        client.get(url)
