"""Agreements in a real browser: the owner records the signed agreement on the enquiry page,
and the public sees the partner's standard agreement on its asset and partner pages; each page
axe-clean and reflowing at 320 px (assert_accessible)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.demo import illustrative_pdf
from assets.models import Agreement, Enquiry
from tests.assets.factories import make_asset, make_request
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = illustrative_pdf("Standard small-cell access agreement", ["Clause 1: access."])


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def offered(partner_a, member):
    partner_a.agreement_template = SimpleUploadedFile("template.pdf", PDF)
    partner_a.save()
    assets = [
        make_asset(reference="ALP-LC-0001", name="Edinburgh Way column", owner=partner_a),
        make_asset(reference="ALP-LC-0002", name="Fourth Avenue column", owner=partner_a),
    ]
    enquiry = make_request(assets, install="Small cells").new_enquiries[0]
    enquiry.move_to(Enquiry.Status.TERMS_OFFERED, note="Our standard terms.", by=member)
    return enquiry


def test_the_owner_records_the_agreement(page, login, offered, member, tmp_path):
    login(member)
    page.goto(reverse("dashboard:assets-enquiry", args=[offered.pk]))
    assert page.get_by_role("heading", name="Record the agreement").is_visible()
    assert_accessible(page)
    # Errors: nothing filled in.
    page.click("button:has-text('Record the agreement')")
    page.wait_for_selector(".govuk-error-summary")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the date the agreement starts" in summary
    assert_accessible(page)
    # Recorded, with the signed copy.
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(PDF)
    page.fill("#id_agreement-starts_on", "2026-05-01")
    page.fill("#id_agreement-term_months", "60")
    page.set_input_files("#id_agreement-signed_copy", str(signed))
    page.click("button:has-text('Record the agreement')")
    page.wait_for_selector(".govuk-notification-banner")
    assert "1 May 2031" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Download the signed copy").is_visible()
    assert_accessible(page)
    agreement = Agreement.objects.get()
    assert agreement.ends_on == date(2031, 5, 1) and agreement.signed_copy
    assert set(offered.assets.values_list("availability", flat=True)) == {"in_use"}


def test_the_public_sees_the_standard_agreement_and_agreed_sites(page, offered, member):
    offered.agree(date(2026, 5, 1), 60, by=member)
    asset = offered.assets.first()
    page.goto(asset.get_absolute_url())
    link = page.locator("#agreement-template a")
    assert link.get_attribute("href").startswith("/media/partners/agreements/")
    assert "(PDF, " in page.locator("#agreement-template").inner_text()
    assert_accessible(page)
    page.goto(offered.owner.get_absolute_url())
    assert "Agreed sites: 2 of 2 assets" in page.locator("#agreed-sites").inner_text()
    assert page.get_by_role("link", name="Download the standard access agreement").is_visible()
    assert_accessible(page)
    page.goto(reverse("assets:quality"))
    assert_accessible(page)
