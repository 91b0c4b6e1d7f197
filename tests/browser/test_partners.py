import pytest
from django.urls import reverse

from partners.models import Sector
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.partners.factories import image_upload, make_invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partners():
    alpha = factories.make_partner(
        "Alpha District Council",
        slug="alpha",
        districts=("harlow", "epping-forest"),
        # Long addresses must wrap on a 320 px screen rather than push the page sideways.
        website="https://www.alpha-district-council-digital-innovation.example.org/services/",
        contact_email="digital.infrastructure.programme@alpha-district-council.example.org",
        description="We lead the **DIZ**.\n\n- fibre\n- small cells",
    )
    beta = factories.make_partner("Beta Health Trust", slug="beta", sector=Sector.HEALTH_ACUTE)
    beta.logo = image_upload()
    beta.save()
    factories.make_partner("Gamma CVS", slug="gamma", sector=Sector.VOLUNTARY, districts=())
    return alpha


def test_directory_and_partner_page(page, partners):
    response = page.goto(reverse("partners:list"))
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Partners"
    assert page.locator(".diz-card img.diz-logo").count() == 1
    assert_accessible(page)
    page.select_option("#id_sector", "health-acute")
    page.click("text=Show partners")
    page.wait_for_load_state()
    assert page.locator(".diz-card h3").all_inner_texts() == ["Beta Health Trust"]
    assert_accessible(page)
    # The error state: an unknown sector in the address.
    response = page.goto(reverse("partners:list") + "?sector=pirates&q=" + "x" * 150)
    assert response.status == 400
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    response = page.goto(partners.get_absolute_url())
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Alpha District Council"
    assert page.locator(".govuk-summary-list a.diz-break").count() == 2
    assert_accessible(page)


def test_home_partners_by_sector(page, partners):
    page.goto("/")
    section = page.locator("section[aria-labelledby=partners-by-sector-heading]")
    assert "Local authority" in section.inner_text()
    logo = section.locator(".diz-partner-strip img")
    assert logo.get_attribute("alt") == "Beta Health Trust"
    assert logo.get_attribute("loading") == "lazy"
    assert_accessible(page)


def test_account_pages(page, partners):
    for name in ("account_login", "account_reset_password", "account_signup"):
        response = page.goto(reverse(name))
        assert response.status == 200, name
        assert_accessible(page)
    page.goto(reverse("account_reset_password"))
    page.click("main button[type=submit]")  # nothing typed: the error state
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    page.fill("#id_email", "someone@example.org")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("account_reset_password_done"))
    assert_accessible(page)


def test_dashboard_and_profile_form_with_errors(page, login, partners):
    from django.core.files.base import ContentFile

    # With a logo, the form shows it and offers to clear or change it.
    partners.logo.save("logo.png", ContentFile(image_upload().read()))
    member = factories.make_member(partners, "member@alpha.example.org")
    login(member)
    page.goto(reverse("dashboard:index"))
    assert page.locator("h1").inner_text() == "Your dashboard"
    assert_accessible(page)
    page.click("text=Edit the profile")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("dashboard:partners-edit", kwargs={"slug": "alpha"}))
    assert page.locator("main img.diz-logo").count() == 1
    assert_accessible(page)
    page.fill("#id_website", "not a web address")
    page.fill("#id_contact_email", "not an email")
    page.click("text=Save the profile")
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#id_website").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_website_error.govuk-error-message").is_visible()
    assert_accessible(page)
    page.fill("#id_website", "https://alpha.example.org/new/")
    page.fill("#id_contact_email", "hello@alpha.example.org")
    page.click("text=Save the profile")
    page.wait_for_load_state()
    assert "is saved" in page.locator(".govuk-notification-banner--success").inner_text()
    assert_accessible(page)


def test_invitation_accept_page_and_refusal(page, partners):
    _, token = make_invitation(partners, email="new.person@example.org")
    url = reverse("partners:invitation", kwargs={"token": token})
    page.goto(url)
    assert page.locator("h1").inner_text() == "Accept your invitation"
    assert_accessible(page)
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "short")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.fill("#id_new_password1", "a-long-and-unusual-passphrase")
    page.fill("#id_new_password2", "a-long-and-unusual-passphrase")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("dashboard:index"))
    assert "Alpha District Council" in page.locator("main").inner_text()
    response = page.goto(url)
    assert response.status == 410
    assert "already been used" in page.locator("main").inner_text()
    assert_accessible(page)


def test_two_factor_pages_and_staff_redirect(page, login, partners):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.partners.factories import remove_two_factor

    manager = remove_two_factor(factories.make_manager("manager@diz.example.org"))
    login(manager)
    page.goto(reverse("admin:index"))
    # Sent to set up an authenticator app (after confirming the password).
    assert "/accounts/" in page.url
    assert "two-factor authentication" in page.locator("main").inner_text()
    assert_accessible(page)
    # Confirming the password leads to the authenticator app set-up with its QR code.
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("mfa_activate_totp"))
    assert page.locator("main img").count() == 1
    assert_accessible(page)
    page.click("main button[type=submit]")  # no code typed: the error state
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    # Typed by hand from the "I cannot scan the QR code" details: on to the recovery codes,
    # then back to where they were going, once.
    page.click("text=I cannot scan the QR code")
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("mfa_view_recovery_codes"))
    assert page.locator("#recovery_codes.govuk-textarea").count() == 1
    assert_accessible(page)
    page.click("text=Continue to where you were going")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("admin:index"))
    page.goto(reverse("mfa_view_recovery_codes"))
    assert page.get_by_text("Continue to where you were going").count() == 0
    page.goto(reverse("mfa_index"))
    assert_accessible(page)


def test_profile_form_works_without_javascript(browser, live_server, partners):
    from django.conf import settings
    from django.test import Client

    member = factories.make_member(partners, "nojs@alpha.example.org")
    client = Client()
    client.force_login(member)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    tab = context.new_page()
    tab.goto(reverse("dashboard:partners-edit", kwargs={"slug": "alpha"}))
    tab.fill("#id_short_description", "Saved without JavaScript.")
    tab.click("text=Save the profile")
    tab.wait_for_load_state()
    assert "is saved" in tab.locator(".govuk-notification-banner--success").inner_text()
    context.close()
    partners.refresh_from_db()
    assert partners.short_description == "Saved without JavaScript."


def test_staff_sign_in_asks_for_the_code(page, partners):
    from tests.partners.factories import give_totp

    manager = give_totp(factories.make_manager("pm@diz.example.org"))
    page.goto(reverse("account_login"))
    page.fill("#id_login", manager.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("mfa_authenticate"))
    assert_accessible(page)
    page.fill("#id_code", "000000")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#id_code_error.govuk-error-message").count() == 1
    assert_accessible(page)
