"""The events pages in GOV.UK Frontend's markup: the components people rely on to read them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from events.models import Event, Registration
from tests.events.factories import make_event, make_past_event, make_registration, register

pytestmark = pytest.mark.django_db


def test_list_has_sidebar_filters_and_the_one_pagination(client):
    for n in range(25):
        make_event(f"Seminar {n:02d}", start=timezone.now() + timedelta(days=n + 1))
    response = client.get(reverse("events:list"), {"format": "in-person"})
    assertContains(response, '<div class="govuk-grid-column-one-third">')
    assertContains(response, '<div class="govuk-grid-column-two-thirds">')
    assertContains(
        response,
        '<button type="submit" class="govuk-button" data-module="govuk-button">'
        "Apply filters</button>",
        html=True,
    )
    assertContains(
        response, f'<a class="govuk-link" href="{reverse("events:list")}">Clear filters</a>'
    )
    assertContains(response, '<li class="diz-card">', count=20)
    assertContains(response, '<nav class="govuk-pagination govuk-pagination--block"', count=1)
    assertContains(response, 'aria-label="Pages of events"')
    assertContains(response, "?format=in-person&amp;page=2")


def test_invalid_filter_shows_the_error_summary_above_the_heading(client):
    response = client.get(reverse("events:list"), {"series": "nope"})
    html = response.content.decode()
    assert response.status_code == 400
    assert html.index("govuk-error-summary") < html.index('<h1 class="govuk-heading-xl">')
    assertContains(
        response,
        '<a href="#id_series">Select a series from the list</a>',
        html=True,
        status_code=400,
    )
    assert "<title>Error: Events" in html


@pytest.mark.parametrize(
    ("status", "colour", "words"),
    [(Event.Status.CANCELLED, "red", "Cancelled"), (Event.Status.POSTPONED, "yellow", "Postponed")],
)
def test_cards_and_event_page_flag_events_not_going_ahead(client, status, colour, words):
    event = make_event("Called off", status=status)
    listing = client.get(reverse("events:list"))
    assertContains(
        listing, f'<strong class="govuk-tag govuk-tag--{colour}">{words}</strong>', html=True
    )
    page = client.get(event.get_absolute_url())
    assertContains(page, '<div class="govuk-warning-text">')
    assertContains(page, f"This event has been {words.lower()}.")
    # Registration is closed, and says why in an inset.
    assertContains(page, '<div class="govuk-inset-text">')
    assertNotContains(page, 'name="consent"')


def test_event_page_facts_are_a_summary_list_with_calendar_links(client):
    event = make_event("Gigabit breakfast", capacity=10)
    response = client.get(event.get_absolute_url())
    for key in ("When", "Where", "Format", "Places"):
        assertContains(response, f'<dt class="govuk-summary-list__key">{key}</dt>', html=True)
    assertContains(response, "Add to calendar:")
    assertContains(
        response,
        f'<a class="govuk-link" href="{event.get_calendar_url()}">download the event (.ics)</a>',
        html=True,
    )


def test_full_event_explains_the_waiting_list_in_an_inset(client):
    event = make_event("Popular seminar", capacity=1)
    register(event)
    response = client.get(event.get_absolute_url())
    assertContains(response, '<div class="govuk-inset-text"><strong>This event is full.</strong>')
    assertContains(response, "Join the waiting list")


@pytest.mark.parametrize(
    ("status", "title"),
    [
        (Registration.Status.CONFIRMED, "You are registered"),
        (Registration.Status.WAITING, "You are on the waiting list"),
        (Registration.Status.CANCELLED, "This registration is cancelled"),
    ],
)
def test_confirmation_is_a_gov_uk_panel(client, status, title):
    event = make_event("Panel seminar")
    registration = make_registration(event, status=status)
    response = client.get(reverse("events:confirmation", args=[registration.token]))
    assertContains(response, '<div class="govuk-panel govuk-panel--confirmation">')
    assertContains(response, f'<h1 class="govuk-panel__title">{title}</h1>', html=True)
    assertContains(response, f"<title>{title}")
    if status == Registration.Status.CONFIRMED:
        assertContains(response, "Add to calendar:")
        assertContains(response, f"webcal://testserver{event.get_calendar_url()}")
    else:
        assertNotContains(response, "Add to calendar:")


@pytest.mark.parametrize(
    ("status", "colour", "words"),
    [
        (Registration.Status.CONFIRMED, "green", "Confirmed"),
        (Registration.Status.WAITING, "yellow", "Waiting list"),
        (Registration.Status.CANCELLED, "red", "Cancelled"),
    ],
)
def test_manage_page_shows_the_status_as_a_coloured_tag(client, status, colour, words):
    registration = make_registration(make_event(), status=status)
    response = client.get(registration.get_absolute_url())
    assertContains(
        response, f'<strong class="govuk-tag govuk-tag--{colour}">{words}</strong>', html=True
    )
    assertContains(response, '<dt class="govuk-summary-list__key">Email</dt>', html=True)


def test_manage_page_of_a_cancelled_event_warns(client):
    registration = make_registration(make_event(status=Event.Status.CANCELLED))
    response = client.get(registration.get_absolute_url())
    assertContains(response, '<div class="govuk-warning-text">')
    assertContains(response, "The event has been cancelled.")
    assertNotContains(response, "Add to calendar:")


def test_cancel_page_uses_a_warning_button(client):
    registration = register(make_event())
    response = client.get(reverse("events:cancel", args=[registration.token]))
    assertContains(
        response,
        '<button type="submit" class="govuk-button govuk-button--warning" '
        'data-module="govuk-button">Yes, cancel my registration</button>',
        html=True,
    )


def test_dashboard_tables_stack_on_phones(client, member, partner_a):
    event = make_event("Hosted seminar", hosts=[partner_a])
    make_past_event("Old seminar", hosts=[partner_a])
    register(event, "attendee@example.org", name="Ada Attendee", needs="Hearing loop")
    client.force_login(member)
    index = client.get(reverse("dashboard:events-index"))
    assertContains(index, '<table class="govuk-table diz-table-stack">')
    for label in ("Starts", "State", "Confirmed", "Waiting", "Registrations"):
        assertContains(index, f'data-label="{label}"', count=2)
    assertContains(index, '<strong class="govuk-tag govuk-tag--teal">Scheduled</strong>', html=True)
    assertContains(
        index, '<strong class="govuk-tag govuk-tag--grey">Took place</strong>', html=True
    )
    registrations = client.get(reverse("dashboard:events-registrations", args=[event.slug]))
    assertContains(registrations, '<table class="govuk-table diz-table-stack">')
    for label in ("Email", "Organisation", "Needs", "Status", "Registered"):
        assertContains(registrations, f'data-label="{label}"', count=1)
    assertContains(
        registrations,
        '<td class="govuk-table__cell diz-break" data-label="Email">attendee@example.org</td>',
        html=True,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name"),
        ({"name": "x" * 201}, "name", "Your name must be 200 characters or fewer"),
        ({"email": ""}, "email", "Enter your email address"),
        ({"organisation": "x" * 201}, "organisation", "Organisation must be 200 characters"),
        ({"needs": "x" * 1001}, "needs", "Accessibility or dietary needs must be 1,000"),
    ],
)
def test_registration_errors_name_the_field_and_the_fix(client, overrides, field, message):
    event = make_event()
    data = {"name": "Grace Hopper", "email": "grace@example.org", "consent": "on", **overrides}
    response = client.post(event.get_absolute_url(), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assertContains(response, f'<a href="#id_{field}">')
    assertNotContains(response, "Ensure this value")
    assertNotContains(response, "This field is required")
    assert not Registration.objects.exists()
