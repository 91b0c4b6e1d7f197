import datetime

import pytest
from django.urls import reverse

from projects.models import FundingLine, Project
from tests.browser.conftest import assert_accessible
from tests.projects.factories import add_funding, add_outcome, make_project, make_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gps(partner_a, partner_b):
    project = make_project(
        "Ultrafast GPs",
        slug="ultrafast-gps",
        lead=partner_a,
        partners=[partner_b],
        themes=["connectivity", "health"],
        districts=["harlow", "uttlesford"],
        status=Project.Status.COMPLETED,
        start_date=datetime.date(2019, 3, 1),
        end_date=datetime.date(2021, 12, 31),
        featured=True,
        body="## Benefits\n\n- more online care\n- spare capacity for homes",
    )
    add_funding(project, "1700000", FundingLine.Status.RECEIVED, programme="DCMS LFFN")
    add_funding(project, "35000", FundingLine.Status.BID, funder="Alpha District Council")
    add_outcome(project, "GP sites connected", "74")
    make_update(project, "Bid succeeds", date=datetime.date(2019, 3, 15), body="We **won**.")
    make_project("Living Smart at Home", lead=partner_b, themes=["digital-inclusion"])
    return project


def test_project_list_and_filters_have_no_axe_violations(page, gps):
    page.goto(reverse("projects:list"))
    assert page.locator("h1").inner_text() == "Projects"
    assert "£1,700,000" in page.locator("[data-testid=funding-total]").inner_text()
    assert_accessible(page)
    page.select_option("#id_theme", "health")
    page.click("button:has-text('Apply filters')")
    page.wait_for_load_state()
    assert page.locator(".diz-card").count() == 1
    assert page.locator(".diz-card .govuk-tag").all_inner_texts() == ["Completed"]
    assert_accessible(page)


def test_invalid_filter_state_has_no_axe_violations(page, gps):
    response = page.goto(reverse("projects:list") + "?status=finished&district=london")
    assert response.status == 400
    assert page.locator(".govuk-error-summary").count() == 1
    assert page.locator("#id_status[aria-invalid=true]").count() == 1
    # The summary links to the field it is about.
    page.click(".govuk-error-summary a[href='#id_status']")
    assert page.evaluate("document.activeElement.id") == "id_status"
    assert_accessible(page)


def test_project_detail_has_no_axe_violations(page, gps):
    response = page.goto(gps.get_absolute_url())
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Ultrafast GPs"
    assert page.locator("table caption").text_content() == "Funding for Ultrafast GPs"
    assert page.locator(".govuk-summary-list__key").first.inner_text() == "Lead partner"
    assert page.locator(".diz-key-figures dd").all_inner_texts() == ["74"]
    assert page.locator("link[rel=alternate][type='application/atom+xml']").count() == 2
    assert_accessible(page)


def test_home_and_partner_sections_have_no_axe_violations(page, gps, partner_b):
    page.goto(reverse("home"))
    assert page.locator("#featured-projects-heading").count() == 1
    assert_accessible(page)
    page.goto(partner_b.get_absolute_url())
    assert page.locator("text=Ultrafast GPs").count() >= 1
    assert_accessible(page)


def test_dashboard_pages_and_forms_have_no_axe_violations(page, login, gps, member):
    login(member)
    page.goto(reverse("dashboard:projects-list"))
    assert_accessible(page)
    page.click("text=Ultrafast GPs")
    assert page.locator("h1").inner_text() == "Ultrafast GPs"
    assert_accessible(page)

    # Edit description and outcomes: error state, then success.
    page.click("text=Edit description and outcomes")
    assert_accessible(page)
    page.fill("#id_summary", "")
    page.fill("#id_outcomes-1-label", "Districts reached")
    page.click("button:has-text('Save')")
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1
    assert page.locator("#id_summary[aria-invalid=true]").count() == 1
    assert "Enter a summary of the project" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("fieldset.govuk-fieldset legend").first.inner_text() == "Outcome 1"
    assert_accessible(page)
    page.fill("#id_summary", "Gigabit fibre to 74 GP surgery sites.")
    page.fill("#id_outcomes-1-value", "5")
    page.click("button:has-text('Save')")
    page.wait_for_load_state()
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Saved the description and outcomes" in banner
    assert_accessible(page)

    # Post an update: error state, then success.
    page.click("text=Post an update")
    assert_accessible(page)
    page.fill("#id_title", "74 sites live")
    page.click("button:has-text('Post update')")
    page.wait_for_load_state()
    assert page.locator("#id_body[aria-invalid=true]").count() == 1
    assert "Enter the text of the update" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.fill("#id_body", "Full fibre is live.")
    page.click("button:has-text('Post update')")
    page.wait_for_load_state()
    assert "Posted the update" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    # Edit the update.
    page.click("text=Edit “74 sites live”")
    assert page.locator("#id_title").input_value() == "74 sites live"
    assert_accessible(page)

    project = Project.objects.get(pk=gps.pk)
    assert project.summary == "Gigabit fibre to 74 GP surgery sites."
    assert project.history.latest().history_user == member
    assert project.updates.filter(title="74 sites live", author=member).exists()


def test_filters_work_without_javascript(browser, live_server, gps):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(reverse("projects:list"))
    tab.select_option("#id_status", "completed")
    tab.click("button:has-text('Apply filters')")
    tab.wait_for_load_state()
    assert "status=completed" in tab.url
    assert tab.locator(".diz-card h3").all_inner_texts() == ["Ultrafast GPs"]
    context.close()


def test_another_partners_project_is_404_in_the_browser(page, login, gps, outsider):
    login(outsider)
    response = page.goto(reverse("dashboard:projects-edit", kwargs={"pk": gps.pk}))
    assert response.status == 404
    assert Project.objects.get(pk=gps.pk).summary == "What Ultrafast GPs is for."
