"""The programme manager's admin: axe-clean and reflowing at 320 CSS px like every other page.

The admin pages are checked with `assert_admin_accessible`: the same axe-core rules, CSP and
reflow checks as `assert_accessible`, with axe's stylesheet preloading off. Django's forms.css
starts with `@import url('widgets.css')`; axe re-parses such a sheet in a <style> element of
its own, which the strict CSP blocks (and it resolves the import against the page's address,
a 404). Those two console errors are axe's, not the page's: without the preload only the
orientation-lock rule goes unchecked, and the admin's stylesheets lock no orientation.
"""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from assets.models import Agreement, Enquiry
from diz_portal.models import OutboundEmail
from partners.models import Membership
from tests import factories
from tests.assets.factories import make_asset, make_enquiry
from tests.browser.conftest import AXE_TAGS, assert_reflows
from tests.events.factories import make_event, with_totp
from tests.projects.factories import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_admin_accessible(page):
    page.wait_for_load_state("load")
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "preload": False}
    )
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert page.problems == [], (page.url, page.problems)
    assert_reflows(page)


@pytest.fixture
def desk(login):
    """What a programme manager finds: a partner with a member, an asset the member edited,
    an enquiry, a proposed and a past event, and an email that could not be sent."""
    partner = factories.make_partner("Harlow Council", slug="harlow-council")
    member = factories.make_member(partner, "officer@harlow.example.org")
    jane = factories.make_user(
        "jane.smith@harlow.example.org", first_name="Jane", last_name="Smith"
    )
    Membership.objects.create(user=jane, partner=partner)
    soon = timezone.now() + timedelta(days=7)
    make_event("Proposed seminar", hosts=[partner], published=False, proposed_by=member)
    make_event("Gigabit vouchers briefing", hosts=[partner], start=soon)
    make_event(
        "Small cells on street furniture", hosts=[partner], start=timezone.now() - timedelta(days=3)
    )
    asset = make_asset(owner=partner, reference="HDC-LC-0001", name="Lighting column, Old name")
    asset._history_user = member
    asset.name = "Lighting column, Market Street"
    asset.notes = "A long note about the column, its bracket and the cabinet beside it. " * 2
    asset.save()
    enquiry = make_enquiry(asset)
    OutboundEmail.objects.create(
        kind="test",
        to=["officer@harlow.example.org"],
        subject="Your enquiry about HDC-LC-0001",
        body="Hello",
        status=OutboundEmail.Status.FAILED,
    )
    manager = with_totp(factories.make_manager("programme@diz.example.org"))
    login(manager)
    return {"partner": partner, "asset": asset, "enquiry": enquiry, "jane": jane}


def test_desk_changes_and_history_pages(page, desk):
    asset = desk["asset"]
    for url in (
        reverse("admin:index"),
        reverse("admin:partner-changes"),
        reverse("admin:assets_asset_history", args=[asset.pk]),
    ):
        page.goto(url)
        assert_admin_accessible(page)
    page.goto(reverse("admin:index"))
    attention = page.locator("#attention-heading + table")
    assert "Event proposals waiting to be published" in attention.inner_text()
    assert "Emails that could not be sent" in attention.inner_text()
    changes = page.locator(".desk .diz-stack")
    assert "officer@harlow.example.org" in changes.inner_text()
    assert "HDC-LC-0001" in changes.inner_text()
    # The history shows the words the member put in, not simple-history's "[209 chars]".
    page.goto(reverse("admin:assets_asset_history", args=[asset.pk]))
    assert page.locator("#change-history ins").first.inner_text().strip()
    assert "chars]" not in page.content()


def test_partner_pages_with_the_members_inline(page, desk):
    page.goto(reverse("admin:partners_partner_changelist"))
    assert_admin_accessible(page)
    page.get_by_role("link", name="Harlow Council").first.click()
    assert_admin_accessible(page)
    inline = page.locator("#memberships-group")
    assert "Jane Smith (jane.smith@harlow.example.org) at Harlow Council" in inline.inner_text()
    # Every box in a members row has a name a screen reader announces.
    user_box = page.get_by_label("User (Jane Smith (jane.smith@harlow.example.org) at Harlow")
    assert user_box.input_value() == str(desk["jane"].pk)
    assert page.get_by_role("group", name="Districts").get_by_label("Harlow").is_checked()
    # A new row, added by the inline's script, is labelled too.
    page.get_by_role("button", name="Add another member").click()
    assert page.locator("#id_memberships-2-user").is_visible()
    assert page.locator("label[for='id_memberships-2-user']").inner_text() == "User (new row)"
    assert_admin_accessible(page)


def test_asset_and_enquiry_pages(page, desk):
    asset, enquiry = desk["asset"], desk["enquiry"]
    for url in (
        reverse("admin:assets_asset_changelist"),
        reverse("admin:assets_asset_change", args=[asset.pk]),
        reverse("admin:assets_enquiry_changelist"),
        reverse("admin:assets_enquiry_change", args=[enquiry.pk]),
        reverse("admin:diz_portal_outboundemail_changelist") + "?status__exact=failed",
    ):
        page.goto(url)
        assert_admin_accessible(page)
    page.goto(reverse("admin:diz_portal_outboundemail_changelist") + "?status__exact=failed")
    assert "Your enquiry about HDC-LC-0001" in page.locator("#result_list").inner_text()


def test_event_list_shows_upcoming_first_and_filters_by_date(page, desk):
    page.goto(reverse("admin:events_event_changelist"))
    assert_admin_accessible(page)
    titles = page.locator("#result_list tbody th").all_inner_texts()
    assert titles == ["Gigabit vouchers briefing", "Proposed seminar"]
    filters = page.locator("#changelist-filter")
    filters.locator("details[data-filter-title='when']").get_by_role("link", name="All").click()
    page.wait_for_url("**when=all**")
    filters.locator("details[data-filter-title='start']").get_by_role(
        "link", name="Past 7 days"
    ).click()
    assert_admin_accessible(page)
    titles = page.locator("#result_list tbody th").all_inner_texts()
    assert titles == ["Small cells on street furniture"]


def test_event_and_project_forms_with_the_two_box_pickers(page, desk):
    """Hosts, projects and partners use Django's two-box picker; its search icons are labelled
    images (static/js/admin-a11y.js), which axe accepts."""
    event = make_event("Gigabit briefing for parish councils", hosts=[desk["partner"]])
    project = make_project("Harlow full fibre", lead=desk["partner"])
    for url in (
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:projects_project_change", args=[project.pk]),
    ):
        page.goto(url)
        page.wait_for_selector("span.search-label-icon[role=img]")
        assert_admin_accessible(page)


def test_password_change_and_sign_in(page, desk, live_server):
    page.goto(reverse("admin:password_change"))
    assert_admin_accessible(page)
    assert page.get_by_label("Old password").is_visible()
    # The admin has no sign-in page of its own: it sends people to the site's, where the
    # rate limits and the two-factor step apply.
    page.context.clear_cookies()
    page.goto(reverse("admin:login"))
    assert page.url.startswith(live_server.url + reverse("account_login"))


def test_recording_an_agreement_and_the_agreements_register(page, desk, settings, tmp_path):
    """The programme team's "Record the agreement" page (with its errors showing, then
    filled in) and the agreements register with its filters and change page."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    enquiry = desk["enquiry"]
    enquiry.move_to(Enquiry.Status.TERMS_OFFERED, note="Our standard terms.")
    page.goto(reverse("admin:assets_enquiry_agreement", args=[enquiry.pk]))
    assert_admin_accessible(page)
    page.get_by_role("button", name="Record the agreement").click()
    page.wait_for_selector(".errornote")  # nothing entered yet
    assert "Enter the date the agreement starts" in page.locator(".errorlist").first.inner_text()
    assert_admin_accessible(page)
    page.get_by_label("Start date").fill("2026-06-01")
    page.get_by_label("Term (months)").fill("36")
    page.get_by_role("button", name="Record the agreement").click()
    page.wait_for_url(f"**{reverse('admin:assets_enquiry_change', args=[enquiry.pk])}")
    agreement = Agreement.objects.get(enquiry=enquiry)
    for url in (
        reverse("admin:assets_agreement_changelist"),
        reverse("admin:assets_agreement_changelist") + "?ending=90",
        reverse("admin:assets_agreement_change", args=[agreement.pk]),
    ):
        page.goto(url)
        assert_admin_accessible(page)
