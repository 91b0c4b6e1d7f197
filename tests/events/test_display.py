"""How events read to people: times, places, states and calendar links."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from events.emails import notify_proposal
from events.models import Event
from tests.events.factories import london, make_event, make_past_event

pytestmark = pytest.mark.django_db


def test_uk_time_has_a_space_before_it(client):
    event = make_event("Gigabit breakfast", start=london(2027, 5, 10, 13))
    page = client.get(event.get_absolute_url())
    assertContains(page, "</time> <span")
    assertContains(page, "(UK time)")


def test_past_events_offer_no_calendar_and_take_place(client, member, partner_a):
    past = make_past_event("Smart places seminar", hosts=[partner_a])
    upcoming = make_event("Rural 5G seminar", hosts=[partner_a])
    assertNotContains(client.get(past.get_absolute_url()), "Add to calendar")
    assertContains(client.get(upcoming.get_absolute_url()), "Add to calendar")
    assert past.state_label == "Took place"
    assert upcoming.state_label == "Scheduled"
    Event.objects.filter(pk=upcoming.pk).update(published=False)
    upcoming.refresh_from_db()
    assert upcoming.state_label == "Proposed (not published)"
    client.force_login(member)
    dashboard = client.get(reverse("dashboard:index"))
    took_place = '<strong class="govuk-tag govuk-tag--grey">Took place</strong>'
    assertContains(dashboard, took_place, html=True)
    assertContains(dashboard, '<td class="govuk-table__cell" data-label="State">')
    assertNotContains(dashboard, ">Scheduled</strong>")


def test_an_event_with_no_recorded_place_says_so_once(client):
    event = make_past_event(
        "LGA showcase",
        venue_name="Venue not recorded",
        address="Not recorded",
        postcode="Not recorded",
    )
    assert event.location == "Venue not recorded"
    assertContains(client.get(reverse("events:past")), "Venue not recorded")
    assertNotContains(client.get(reverse("events:past")), "Not recorded, Not recorded")


def test_proposal_email_gives_the_date_once(partner_a, member, django_capture_on_commit_callbacks):
    start = london(2027, 5, 10, 10)
    event = make_event("Proposed workshop", start=start, hours=2, published=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify_proposal(event, partner_a, member)
    [message] = mail.outbox
    assert "Monday 10 May 2027, 10:00 to 12:00 (UK time)" in message.body
    assert message.body.count("10 May 2027") == 1


def test_multi_day_events_give_both_dates(partner_a, member, django_capture_on_commit_callbacks):
    start = timezone.now() + timedelta(days=40)
    event = make_event("Two-day hackathon", start=start, hours=30, published=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify_proposal(event, partner_a, member)
    assert mail.outbox[0].body.count(" to ") >= 1
    assert (
        event.end.astimezone(timezone.get_current_timezone()).strftime("%Y") in mail.outbox[0].body
    )
