"""The public enquiry: an operator's basket of assets, and the owner's dashboard pages."""

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from assets.models import Enquiry, EnquiryNote, EnquiryRequest
from assets.views import ENQUIRY_LIMIT
from tests import factories
from tests.assets.factories import make_asset, make_enquiry

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Sam Operator",
    "organisation": "Example Networks Ltd",
    "email": "sam@operator.example",
    "install": "One small cell and its cabinet.",
    "message": "We would like to mount a small cell on this column in spring.",
}


def basket_url(*references):
    query = "&".join(f"asset={reference}" for reference in references)
    return f"{reverse('assets:basket')}?{query}"


def post_basket(client, references, data=None, **extra):
    return client.post(
        reverse("assets:basket"), {**(data or FORM), "asset": list(references)}, **extra
    )


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
        response = post_basket(client, [asset.reference])
    assertRedirects(response, reverse("assets:enquiry-sent"))
    enquiry = Enquiry.objects.get()
    assert list(enquiry.assets.all()) == [asset]
    assert enquiry.owner == asset.owner
    assert enquiry.status == Enquiry.Status.RECEIVED
    assert enquiry.request.install == "One small cell and its cabinet."
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
    # The operator's receipt names the asset and its owner, carries the link to their own
    # page, and repeats nothing they typed.
    assert receipt.to == ["sam@operator.example"]
    assert receipt.reply_to == ["programme@diz.example.org"]
    assert "1 asset" in receipt.subject
    assert "ALP-LC-0001" in receipt.body
    assert "Alpha District Council" in receipt.body
    assert enquiry.request.get_absolute_url().split("/enquiries/")[0] + "/enquiries/" in (
        receipt.body
    )
    assert "small cell" not in receipt.body
    assert "Sam Operator" not in receipt.body
    confirmation = client.get(response.url)
    assertContains(confirmation, "Enquiry sent")
    assertContains(confirmation, "govuk-panel--confirmation")


def test_the_old_one_asset_page_leads_to_the_basket(client, asset):
    old = reverse("assets:enquiry", args=[asset.reference])
    assertRedirects(client.get(old), basket_url(asset.reference))
    # A form posted to the old address (a page opened before baskets) still arrives.
    assertRedirects(client.post(old, FORM), reverse("assets:enquiry-sent"))
    assert list(Enquiry.objects.get().assets.all()) == [asset]


def test_invalid_enquiry_shows_errors_and_stores_nothing(client, asset):
    response = post_basket(client, [asset.reference], {**FORM, "email": "x", "message": ""})
    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    assertContains(
        response,
        "Enter an email address in the correct format, like name@example.com",
        status_code=400,
    )
    assertContains(response, "Enter your message to the owners", status_code=400)
    assertNotContains(response, "Enter a valid email address", status_code=400)
    assertContains(response, 'aria-invalid="true"', status_code=400)
    # The basket is kept for the next try.
    assertContains(
        response,
        f'<input type="hidden" name="asset" value="{asset.reference}">',
        status_code=400,
        html=True,
    )
    assert not EnquiryRequest.objects.exists()
    assert not mail.outbox


def test_a_date_in_the_past_is_refused(client, asset):
    response = post_basket(client, [asset.reference], {**FORM, "wanted_by": "2001-01-01"})
    assertContains(response, "Enter a date in the future, or leave this empty", status_code=400)
    assert not Enquiry.objects.exists()


def test_honeypot_pretends_success_and_stores_nothing(client, asset):
    response = post_basket(client, [asset.reference], {**FORM, "website": "http://spam.example"})
    assertRedirects(response, reverse("assets:enquiry-sent"))
    assert not Enquiry.objects.exists()
    assert not mail.outbox


def test_honeypot_is_hidden_by_a_css_class(client, asset):
    response = client.get(basket_url(asset.reference))
    assertContains(response, '<div class="diz-honeypot">', html=False)
    assert "style=" not in response.content.decode()


def test_the_detail_page_links_to_the_basket_and_carries_no_form(client, asset):
    """No form, so no CSRF token: the detail page can come from the page cache."""
    response = client.get(asset.get_absolute_url())
    assertContains(response, f'href="{basket_url(asset.reference)}"', html=False)
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "<form" not in response.content.decode().split("<main", 1)[1]
    # Posting to the detail page is not how enquiries arrive.
    assert client.post(asset.get_absolute_url(), FORM).status_code == 405
    assert not Enquiry.objects.exists()


def test_the_basket_page_names_the_asset_and_titles_errors(client, asset):
    page = client.get(basket_url(asset.reference))
    assertContains(page, "Ask about Edinburgh Way column")
    assertContains(page, "csrfmiddlewaretoken")
    assertContains(page, f'href="{asset.get_absolute_url()}"', html=False)
    assertContains(page, "Alpha District Council")
    response = post_basket(client, [asset.reference], {**FORM, "email": ""})
    assertContains(response, "<title>Error: Ask about ALP-LC-0001", status_code=400, html=False)


def test_an_empty_basket_says_how_to_choose_assets(client, asset):
    response = client.get(reverse("assets:basket"))
    assert response.status_code == 200
    assertContains(response, "You have not chosen any assets yet.")
    assertContains(response, "Ask about selected assets")
    assertNotContains(response, "csrfmiddlewaretoken")
    # Posting an empty basket stores nothing.
    assert client.post(reverse("assets:basket"), FORM).status_code == 200
    assert not EnquiryRequest.objects.exists()


def test_partners_only_assets_have_no_public_enquiry_page(client, partner_a):
    hidden = make_asset(reference="ALP-LC-0009", owner=partner_a, visibility="partners")
    old = reverse("assets:enquiry", args=[hidden.reference])
    assert client.get(old).status_code == 404
    assert client.post(old, FORM).status_code == 404
    assert not Enquiry.objects.exists()


def test_enquiries_are_rate_limited_per_ip(client, asset):
    for _ in range(ENQUIRY_LIMIT):
        assert post_basket(client, [asset.reference]).status_code == 302
    response = post_basket(client, [asset.reference])
    assert response.status_code == 429
    assertContains(response, "Try again in an hour", status_code=429)
    assert EnquiryRequest.objects.count() == ENQUIRY_LIMIT
    # Another address is not affected.
    other = post_basket(client, [asset.reference], REMOTE_ADDR="192.0.2.10")
    assert other.status_code == 302


def test_the_register_lists_each_asset_with_a_checkbox_in_one_form(client, asset):
    response = client.get(reverse("assets:list"))
    html = response.content.decode()
    assertContains(response, f'<form method="get" action="{reverse("assets:basket")}"', html=False)
    assertContains(
        response,
        f'<input class="govuk-checkboxes__input" id="choose-{asset.reference}" name="asset" '
        f'type="checkbox" value="{asset.reference}">',
        html=True,
    )
    assertContains(response, "Choose Edinburgh Way column (ALP-LC-0001) for an enquiry")
    assertContains(response, "Ask about selected assets")
    # The button is inside the form that wraps the table.
    form = html.split(f'action="{reverse("assets:basket")}"', 1)[1].split("</form>", 1)[0]
    assert 'id="asset-table"' in form and "Ask about selected assets" in form


def test_owner_member_moves_the_stage_with_a_note_to_the_operator(
    client, asset, member, django_capture_on_commit_callbacks
):
    enquiry = make_enquiry(asset)
    client.force_login(member)
    listing = client.get(reverse("dashboard:assets-enquiries"))
    assertContains(listing, "Example Networks Ltd")
    url = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "stage", "status": "terms_offered", "note": "Sent draft licence."}
        )
    assertRedirects(response, url)
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.TERMS_OFFERED
    assert enquiry.first_response_at is not None
    note = EnquiryNote.objects.get()
    assert note.author == member and note.created_at and note.note == "Sent draft licence."
    assert enquiry.history.first().history_user == member
    assert [m.to for m in mail.outbox] == [["sam@operator.example"]]
    assert "Terms offered" in mail.outbox[0].body and "Sent draft licence." in mail.outbox[0].body
    page = client.get(url)
    assertContains(page, "Sent draft licence.")
    assertContains(page, "status set to Terms offered")
    # "Agreed" is not a plain stage: it comes from recording the agreement (test_agreements).
    refused = client.post(url, {"action": "stage", "status": "agreed", "note": "Signed."})
    assertContains(refused, "Select one of the stages listed", status_code=400)
    client.post(
        url,
        {
            "action": "agreement",
            "agreement-starts_on": "2026-05-01",
            "agreement-term_months": "60",
            "agreement-note": "Licence signed.",
        },
    )
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.AGREED
    assert enquiry.closed_at is not None


def test_stage_form_errors(client, asset, member):
    enquiry = make_enquiry(asset)
    client.force_login(member)
    url = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
    response = client.post(url, {"action": "stage", "status": "bribed", "note": ""})
    assertContains(response, "Select one of the stages listed", status_code=400)
    # The owner cannot withdraw: that is the operator's step.
    response = client.post(url, {"action": "stage", "status": "withdrawn"})
    assertContains(response, "Select one of the stages listed", status_code=400)
    response = client.post(url, {"action": "stage"})
    assertContains(response, "Select the stage to move this enquiry to", status_code=400)
    assert client.post(url, {"action": "delete-everything"}).status_code == 400
    assert not EnquiryNote.objects.exists()
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.RECEIVED


def test_other_partners_enquiries_are_404(client, asset, outsider):
    enquiry = make_enquiry(asset)
    client.force_login(outsider)
    assert (
        "Example Networks" not in client.get(reverse("dashboard:assets-enquiries")).content.decode()
    )
    url = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "stage", "status": "declined"}).status_code == 404
    assert client.post(url, {"action": "reply", "body": "Not yours"}).status_code == 404
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.RECEIVED
    assert not EnquiryNote.objects.exists()
    assert not enquiry.messages.exists()


def test_enquiry_list_queries_are_constant(client, asset, member, django_assert_num_queries):
    client.force_login(member)
    make_enquiry(asset)
    url = reverse("dashboard:assets-enquiries")
    # session, user, memberships (partners), count, page of enquiries with requests and
    # owners, their assets
    with django_assert_num_queries(6):
        client.get(url)
    other = make_asset(owner=asset.owner)
    for _ in range(30):
        make_enquiry(asset)
    several = make_enquiry(other)
    several.assets.add(asset)
    with django_assert_num_queries(6):
        client.get(url)
