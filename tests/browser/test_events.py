import pytest
from django.urls import reverse

from events.models import Event, Registration
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.events.factories import make_event, make_past_event, make_series, register, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def events():
    partner = factories.make_partner("Harlow Council", slug="harlow-council")
    series = make_series("Smart Place Seminar Series", "smart-place")
    upcoming = make_event(
        "Small cells on public assets",
        series=series,
        hosts=[partner],
        speakers=2,
        capacity=2,
        format=Event.Format.HYBRID,
        description="## Programme\n\nTalks, then questions.",
    )
    make_event("Partnership meeting", format=Event.Format.ONLINE, series=series)
    make_past_event(
        "Smart Place Seminar, Ware",
        series=series,
        hosts=[partner],
        slides_url="https://example.org/slides.pdf",
        recording_url="https://example.org/recording",
    )
    return {"partner": partner, "upcoming": upcoming}


def test_list_past_and_filter_error_pages(page, events):
    page.goto(reverse("events:list"))
    assert page.locator("h1").inner_text() == "Events"
    assert page.locator(".diz-card").count() == 2
    assert_accessible(page)
    page.goto(reverse("events:past"))
    assert page.get_by_role("link", name="Slides for Smart Place Seminar, Ware").count() == 1
    assert_accessible(page)
    response = page.goto(reverse("events:list") + "?series=nope")
    assert response.status == 400
    assert page.locator(".govuk-error-summary").count() == 1
    assert_accessible(page)


def test_register_confirm_manage_and_cancel(page, events):
    event = events["upcoming"]
    page.goto(event.get_absolute_url())
    assert_accessible(page)
    # Submitting empty shows linked errors.
    page.click("button:has-text('Register')")
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1
    assert page.locator("#id_email[aria-invalid=true]").count() == 1
    assert "Enter your email address" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.fill("#id_name", "Grace Hopper")
    page.fill("#id_email", "grace@example.org")
    page.fill("#id_needs", "Step-free access")
    page.check("#id_consent")
    page.click("button:has-text('Register')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "You are registered"
    assert page.locator(".govuk-panel--confirmation").count() == 1
    assert page.get_by_role("link", name="download the event (.ics)").count() == 1
    assert_accessible(page)
    page.click("text=View or cancel your registration")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Your registration"
    assert event.joining_link in page.content()
    assert_accessible(page)
    page.click("text=Cancel my registration")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Are you sure you want to cancel your registration?"
    assert_accessible(page)
    page.click("button:has-text('Yes, cancel my registration')")
    page.wait_for_load_state()
    assert "Your registration is cancelled" in page.content()
    assert page.locator(".govuk-tag").inner_text() == "Cancelled"
    assert_accessible(page)
    assert Registration.objects.get().status == "cancelled"


def test_waiting_list_confirmation_and_manage(page, events):
    event = events["upcoming"]
    register(event)
    register(event)
    waiting = register(event)
    page.goto(reverse("events:confirmation", args=[waiting.token]))
    assert page.locator("h1").inner_text() == "You are on the waiting list"
    assert_accessible(page)
    page.goto(waiting.get_absolute_url())
    assert "number 1 in the queue" in page.content()
    assert event.joining_link not in page.content()
    assert_accessible(page)


def test_closed_event_page(page, events):
    event = make_event("Called off", status=Event.Status.CANCELLED)
    page.goto(event.get_absolute_url())
    assert "This event has been cancelled" in page.locator(".govuk-warning-text").inner_text()
    assert_accessible(page)


def test_dashboard_pages(page, login, events):
    member = factories.make_member(events["partner"])
    register(events["upcoming"], "attendee@example.org", name="Ada Attendee")
    login(member)
    page.goto(reverse("dashboard:events-index"))
    assert page.locator("h1").inner_text() == "Your events"
    assert page.locator("table.diz-table-stack td[data-label=State]").count() == 2
    assert_accessible(page)
    page.goto(reverse("dashboard:events-registrations", args=[events["upcoming"].slug]))
    assert "attendee@example.org" in page.content()
    assert_accessible(page)
    page.goto(reverse("dashboard:events-propose"))
    assert_accessible(page)
    page.click("button:has-text('Send the proposal')")
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1
    assert "Enter a title" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.fill("#id_title", "Rural broadband surgery")
    page.fill("#id_summary", "Advice for parishes.")
    page.fill("#id_start", "2027-05-20T10:00")
    page.fill("#id_end", "2027-05-20T12:00")
    page.select_option("#id_format", "online")
    page.fill("#id_joining_link", "https://meet.example.org/rural")
    page.click("button:has-text('Send the proposal')")
    page.wait_for_load_state()
    assert "programme team has been told" in page.content()
    assert_accessible(page)
    proposed = Event.objects.get(title="Rural broadband surgery")
    assert proposed.published is False
    # The proposal can be corrected until it is published.
    page.click("a:has-text('Rural broadband surgery')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Correct your proposal"
    assert_accessible(page)
    page.fill("#id_title", "Rural broadband surgery (online)")
    page.click("button:has-text('Save the changes')")
    page.wait_for_load_state()
    assert "Saved your changes" in page.content()
    proposed.refresh_from_db()
    assert proposed.title == "Rural broadband surgery (online)"
    page.goto(reverse("dashboard:index"))
    assert_accessible(page)


def test_staff_preview_needs_no_dashboard(page, login, events):
    manager = with_totp(factories.make_manager())
    proposal = make_event("Unpublished idea", published=False)
    login(manager)
    page.goto(proposal.get_absolute_url())
    assert "Preview" in page.content()
    assert_accessible(page)


def test_registration_works_without_javascript(browser, live_server, events):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(events["upcoming"].get_absolute_url())
    tab.fill("#id_name", "No Script")
    tab.fill("#id_email", "noscript@example.org")
    tab.check("#id_consent")
    tab.click("button:has-text('Register')")
    assert tab.locator("h1").inner_text() == "You are registered"
    context.close()
    assert Registration.objects.get().email == "noscript@example.org"
