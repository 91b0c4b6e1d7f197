"""Brokerage pages in a real browser: the basket from the register's checkboxes, the operator's
own page (thread, withdrawal) and the owner's dashboard enquiry, each axe-clean and reflowing
at 320 px (assert_accessible)."""

import pytest
from django.urls import reverse

from assets.models import EnquiryRequest
from tests.assets.factories import make_asset, make_request
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_owners(partner_a, partner_b, member, outsider):
    return [
        make_asset(reference="ALP-LC-0001", name="Edinburgh Way column", owner=partner_a),
        make_asset(reference="ALP-LC-0002", name="Fourth Avenue column", owner=partner_a),
        make_asset(reference="BET-RF-0001", name="Princess Alexandra roof", owner=partner_b),
    ]


def test_the_basket_from_the_register_to_sent(page, two_owners):
    page.goto(reverse("assets:list"))
    page.wait_for_load_state("load")
    assert_accessible(page)
    # Ticked by their (visually hidden) labels, as a screen reader user would.
    page.get_by_label("Choose Edinburgh Way column (ALP-LC-0001) for an enquiry").check()
    page.get_by_label("Choose Princess Alexandra roof (BET-RF-0001) for an enquiry").check()
    page.get_by_role("button", name="Ask about selected assets").click()
    page.wait_for_selector("h1:has-text('Ask about 2 assets')")
    assert "asset=ALP-LC-0001" in page.url and "asset=BET-RF-0001" in page.url
    assert page.locator("#basket-caption").count() == 1
    assert "2 owners" in page.locator(".govuk-inset-text").inner_text()
    page.wait_for_load_state("load")
    assert not page.locator("#id_website").is_visible()
    assert_accessible(page)
    # Error state.
    page.fill("#id_name", "Sam Operator")
    page.click("text=Send enquiry")
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter your message to the owners" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    # Sent.
    page.fill("#id_organisation", "Example Networks Ltd")
    page.fill("#id_email", "sam@operator.example")
    page.fill("#id_install", "One small cell on each")
    page.fill("#id_message", "Could we survey in May?")
    page.click("text=Send enquiry")
    page.wait_for_selector(".govuk-panel h1:has-text('Enquiry sent')")
    assert_accessible(page)
    request = EnquiryRequest.objects.get()
    assert request.enquiries.count() == 2


def test_bad_and_empty_baskets(page, two_owners):
    page.goto(reverse("assets:basket"))
    assert "You have not chosen any assets yet" in page.locator("main").inner_text()
    assert_accessible(page)
    response = page.goto(reverse("assets:basket") + "?asset=ALP-LC-0001&asset=NOPE-0001")
    assert response.status == 400
    assert "We could not find this asset" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_the_operator_page_thread_and_withdrawal(page, two_owners, member):
    request = make_request(two_owners, install="Small cells", message="A long message " * 40)
    alpha, beta = request.enquiries.order_by("owner__name")
    alpha.add_message("When can we survey?", from_operator=True)
    alpha.add_message("Any weekday from 12 May.", from_operator=False, author=member)
    alpha.move_to("terms_offered", note="Our standard licence is attached.", by=member)
    url = request.get_absolute_url()
    page.goto(url)
    assert "Any weekday from 12 May." in page.locator(f"#owner-{alpha.pk}").inner_text()
    assert "Terms offered" in page.locator(f"#owner-{alpha.pk}").inner_text()
    assert_accessible(page)
    # An empty message: the error is on that owner's form.
    page.locator(f"#owner-{beta.pk} button:has-text('Send message')").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.locator(f"#id_e{beta.pk}-body").fill("Is the roof accessible at night?")
    page.locator(f"#owner-{beta.pk} button:has-text('Send message')").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert beta.messages.count() == 1
    # Withdraw, with a confirmation step.
    page.locator(f"#owner-{beta.pk} a:has-text('Withdraw your enquiry')").click()
    page.wait_for_selector("h1:has-text('Withdraw your enquiry to Beta Health Trust?')")
    assert_accessible(page)
    page.click("text=Withdraw the enquiry")
    page.wait_for_selector(".govuk-notification-banner")
    beta.refresh_from_db()
    assert beta.status == "withdrawn"
    assert_accessible(page)
    # A tampered link.
    response = page.goto(url.rstrip("/")[:-3] + "xyz/")
    assert response.status == 404
    assert "This enquiry link is not valid" in page.locator("h1").inner_text()
    assert_accessible(page)


def test_the_owner_dashboard_enquiry_with_a_thread(page, login, two_owners, member):
    request = make_request(two_owners[:2], install="Small cells")
    (enquiry,) = request.new_enquiries
    enquiry.add_message("When can we survey?", from_operator=True)
    login(member)
    page.goto(reverse("dashboard:assets-enquiries"))
    assert "2 assets" in page.locator("table").inner_text()
    assert_accessible(page)
    page.goto(reverse("dashboard:assets-enquiry", args=[enquiry.pk]))
    page.fill("#id_body", "Any weekday from 12 May.")
    page.click("text=Send reply")
    page.wait_for_selector(".govuk-notification-banner")
    page.get_by_label("Under review").check()
    page.click("text=Move the enquiry")
    page.wait_for_selector(".govuk-notification-banner")
    enquiry.refresh_from_db()
    assert enquiry.status == "under_review" and enquiry.first_response_at
    assert_accessible(page)
