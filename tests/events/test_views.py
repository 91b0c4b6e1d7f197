import re
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from events.models import Event, Registration
from tests import factories
from tests.events.factories import (
    london,
    make_event,
    make_past_event,
    make_registration,
    make_series,
    register,
)

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "organisation": "Harlow College",
        "needs": "Step-free access",
        "consent": "on",
    }
    data.update(overrides)
    return data


# --- Listings ------------------------------------------------------------------------------


def test_list_shows_upcoming_published_soonest_first(client):
    later = make_event("Later seminar", start=timezone.now() + timedelta(days=60))
    sooner = make_event("Sooner seminar", start=timezone.now() + timedelta(days=5))
    make_event("Hidden proposal", published=False)
    make_past_event("Old meeting")
    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(sooner.title) < html.index(later.title)
    assertNotContains(response, "Hidden proposal")
    assertNotContains(response, "Old meeting")


def test_past_page_lists_past_events_with_resources(client):
    make_past_event("Smart Place Seminar", slides_url="https://example.org/slides.pdf")
    make_event("Future seminar")
    response = client.get(reverse("events:past"))
    assertContains(response, "Smart Place Seminar")
    assertContains(response, "https://example.org/slides.pdf")
    assertNotContains(response, "Future seminar")


def test_filters_by_series_format_and_partner(client):
    partner = factories.make_partner("Harlow Council", slug="harlow-council")
    series = make_series("Smart Place Seminar Series", "smart-place")
    make_event("Seminar in Harlow", series=series, hosts=[partner])
    make_event("Online meeting", format=Event.Format.ONLINE)
    url = reverse("events:list")
    response = client.get(url, {"series": "smart-place"})
    assertContains(response, "Seminar in Harlow")
    assertNotContains(response, "Online meeting")
    response = client.get(url, {"format": "online"})
    assertContains(response, "Online meeting")
    assertNotContains(response, "Seminar in Harlow")
    response = client.get(url, {"partner": "harlow-council"})
    assertContains(response, "Seminar in Harlow")
    assertNotContains(response, "Online meeting")


@pytest.mark.parametrize(
    "query, message",
    [
        ({"series": "no-such"}, "Select a series from the list"),
        ({"format": "telepathy"}, "Select a format from the list"),
        ({"partner": "nobody"}, "Select a host partner from the list"),
    ],
)
def test_invalid_filter_gives_400_with_a_clear_message(client, query, message):
    make_event("Any event")
    response = client.get(reverse("events:list"), query)
    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, message, status_code=400)
    assertNotContains(response, "Select a valid choice", status_code=400)
    assertNotContains(response, "Any event", status_code=400)


def test_bad_page_number_does_not_500(client):
    make_event()
    assert client.get(reverse("events:list"), {"page": "abc"}).status_code == 200
    assert client.get(reverse("events:past"), {"page": "999"}).status_code == 200


def _make_events(n):
    partner = factories.make_partner()
    series = make_series()
    for i in range(n):
        event = make_event(series=series, hosts=[partner], capacity=10)
        if i % 3 == 0:
            make_registration(event)


@pytest.mark.parametrize("n", [5, 100])
def test_list_queries_do_not_grow(client, django_assert_max_num_queries, n):
    _make_events(n)
    # series choices, partner choices, page count, events (+series, counts), hosts prefetch
    with django_assert_max_num_queries(5):
        response = client.get(reverse("events:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 100])
def test_detail_queries_do_not_grow(client, django_assert_max_num_queries, n):
    partners = [factories.make_partner() for _ in range(3)]
    event = make_event(hosts=partners, speakers=n, capacity=500)
    for _ in range(n):
        make_registration(event)
    # event (+series, counts), hosts, speakers, related projects
    with django_assert_max_num_queries(4):
        response = client.get(event.get_absolute_url())
    assertContains(response, "Speaker 0")
    assertContains(response, f"{500 - n} of 500 left")


# --- Detail --------------------------------------------------------------------------------


def test_detail_shows_hosts_speakers_places_and_calendar_links(client):
    partner = factories.make_partner("Epping Forest District Council", slug="efdc")
    event = make_event("Small cells", hosts=[partner], speakers=2, capacity=10)
    register(event)
    response = client.get(event.get_absolute_url())
    assertContains(response, "Epping Forest District Council")
    assertContains(response, "Speaker 1")
    assertContains(response, "9 of 10 left")
    assertContains(response, reverse("events:calendar", args=[event.slug]))
    assertContains(response, f"webcal://testserver{reverse('events:calendar', args=[event.slug])}")
    assertContains(response, 'name="consent"')


def test_unpublished_event_is_404_for_public_but_previewable_by_staff(client, manager):
    event = make_event(published=False)
    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(manager)
    response = client.get(event.get_absolute_url())
    assertContains(response, "Preview")
    response = client.post(event.get_absolute_url(), form_data())
    assert response.status_code == 409
    assert not event.registrations.exists()


def test_bad_slug_is_404(client):
    assert client.get("/events/no-such-event/").status_code == 404
    assert client.get("/events/no-such-event/calendar.ics").status_code == 404
    assert client.get("/events/series/nope/calendar.ics").status_code == 404


def test_time_zone_across_clock_change_on_the_page(client):
    # 10:00 in London: British Summer Time (UTC+1) after 28 March 2027, GMT in November.
    summer = make_event("Spring seminar", start=london(2027, 3, 30, 10))
    winter = make_event("Autumn seminar", start=london(2027, 11, 18, 10))
    assert summer.start.astimezone(UTC).hour == 9
    response = client.get(summer.get_absolute_url())
    assertContains(response, 'datetime="2027-03-30T10:00:00+01:00"')
    assertContains(response, "Tuesday 30 March 2027, 10:00")
    response = client.get(winter.get_absolute_url())
    assertContains(response, 'datetime="2027-11-18T10:00:00+00:00"')
    assertContains(response, "Thursday 18 November 2027, 10:00")


# --- Registration --------------------------------------------------------------------------


def test_registration_confirms_and_emails_text_html_and_ics(
    client, django_capture_on_commit_callbacks
):
    event = make_event(
        "Online partnership meeting",
        format=Event.Format.ONLINE,
        joining_link="https://meet.example.org/private-room",
        start=london(2027, 1, 14, 10),
    )
    # The email is queued with the registration and sent once that is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(event.get_absolute_url(), form_data())
    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    assert registration.email == "grace@example.org"
    assert response.status_code == 302
    assert response.url == reverse("events:confirmation", args=[registration.token])
    response = client.get(response.url)
    assertContains(response, "You are registered")
    assertNotContains(response, "private-room")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["grace@example.org"]
    assert "You are registered" in message.subject
    assert "Thursday 14 January 2027" in message.body
    assert "10:00 to 12:00" in message.body
    assert "https://meet.example.org/private-room" in message.body
    assert manage_link_in(message.body) == registration
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "https://meet.example.org/private-room" in html
    assert manage_link_in(html) == registration
    name, ics, ics_type = message.attachments[0]
    ics = ics.encode() if isinstance(ics, str) else ics
    assert name == f"{event.slug}.ics"
    assert ics_type.startswith("text/calendar")
    assert b"private-room" in ics  # the registrant's own copy may carry the link
    assert b"BEGIN:VEVENT" in ics


def test_in_person_confirmation_states_the_place(client, django_capture_on_commit_callbacks):
    event = make_event(venue_name="Fletcher's Lea", address="Ware", postcode="SG12 9AB")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(event.get_absolute_url(), form_data())
    assert "Place: Fletcher's Lea, Ware, SG12 9AB" in mail.outbox[0].body


def test_waiting_list_is_clearly_told(client, django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    register(event)
    response = client.get(event.get_absolute_url())
    assertContains(response, "Join the waiting list")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(event.get_absolute_url(), form_data(), follow=True)
    assertContains(response, "You are on the waiting list")
    assert Registration.objects.get(email="grace@example.org").status == "waiting"
    message = mail.outbox[-1]
    assert "waiting list" in message.subject
    assert message.attachments == []  # no calendar entry until a place is confirmed
    assert "meet.example.org" not in message.body


def test_full_without_waiting_list_says_so_and_refuses_post(client):
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event)
    response = client.get(event.get_absolute_url())
    assertContains(response, "This event is full and has no waiting list.")
    assertNotContains(response, 'name="consent"')
    response = client.post(event.get_absolute_url(), form_data())
    assert response.status_code == 409
    assertContains(response, "full", status_code=409)
    assert event.registrations.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "This event has been cancelled"),
        ({"start": timezone.now() - timedelta(days=3)}, "already taken place"),
        ({"registration_closes": timezone.now() - timedelta(minutes=1)}, "has closed"),
    ],
)
def test_closed_cancelled_and_past_events_say_so_and_refuse(client, fields, message):
    event = make_event(**fields)
    response = client.get(event.get_absolute_url())
    assertContains(response, message)
    assertNotContains(response, 'name="consent"')
    response = client.post(event.get_absolute_url(), form_data())
    assert response.status_code == 409
    assertContains(response, message, status_code=409)
    assert not event.registrations.exists()


def test_registering_twice_makes_no_second_row_and_says_so(
    client, django_capture_on_commit_callbacks
):
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(event.get_absolute_url(), form_data())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            event.get_absolute_url(), form_data(email="GRACE@Example.ORG", name="G"), follow=True
        )
    assertContains(response, "already registered")
    assert event.registrations.count() == 1
    assert len(mail.outbox) == 2  # the manage link is sent again to the address itself
    assert mail.outbox[1].to == ["grace@example.org"]


def test_invalid_form_shows_errors_and_changes_nothing(client):
    event = make_event()
    response = client.post(event.get_absolute_url(), form_data(email="not-an-email", consent=""))
    assert response.status_code == 200
    assertContains(response, '<h2 class="govuk-error-summary__title">There is a problem</h2>')
    assertContains(
        response,
        '<a href="#id_email">Enter an email address in the correct format, '
        "like name@example.org</a>",
        html=True,
    )
    assertContains(response, "Tick the box to agree that we may keep your details")
    assertContains(response, 'aria-invalid="true"')
    assert not Registration.objects.exists()
    assert mail.outbox == []


# --- Manage link ---------------------------------------------------------------------------


def test_manage_page_shows_details_and_joining_link_only_when_confirmed(client):
    event = make_event(format=Event.Format.ONLINE, capacity=1)
    confirmed = register(event, needs="Captions please")
    waiting = register(event)
    response = client.get(confirmed.get_absolute_url())
    assertContains(response, event.joining_link)
    assertContains(response, "Captions please")
    assertContains(response, "Cancel my registration")
    response = client.get(waiting.get_absolute_url())
    assertNotContains(response, event.joining_link)
    assertContains(response, "number 1 in the queue")


def test_tampered_or_garbage_manage_links_are_404(client):
    registration = register(make_event())
    token = registration.token
    for bad in [token[:-2] + "xx", "garbage", token.split(":")[0] + ":AAAA"]:
        assert client.get(reverse("events:manage", args=[bad])).status_code == 404
        assert client.get(reverse("events:confirmation", args=[bad])).status_code == 404
        assert client.post(reverse("events:cancel", args=[bad])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_cancel_through_manage_link_promotes_and_emails_the_first_waiting(
    client, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1, format=Event.Format.HYBRID)
    first = register(event, "first@example.org")
    second = register(event, "second@example.org")
    third = register(event, "third@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:cancel", args=[first.token]), follow=True)
    assertContains(response, "Your registration is cancelled")
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, second.status, third.status) == ("cancelled", "confirmed", "waiting")
    assert len(mail.outbox) == 2
    cancelled, message = mail.outbox
    assert cancelled.to == ["first@example.org"]
    assert cancelled.subject == f"Your registration is cancelled: {event.title}"
    assert "register again" in cancelled.body
    assert message.to == ["second@example.org"]
    assert "A place has come up" in message.subject
    assert event.joining_link in message.body
    assert message.attachments[0][0] == f"{event.slug}.ics"
    # Cancelling again changes nothing and emails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:cancel", args=[first.token]))
    assert len(mail.outbox) == 2


def test_cancel_asks_first(client):
    registration = register(make_event(title="Rural 5G seminar"))
    manage = client.get(reverse("events:manage", args=[registration.token]))
    # The manage page links to the question (tokens are signed with the time, so the link is
    # read from the page rather than built again).
    link = re.search(r'href="(/events/registrations/[^"]+/cancel/)"', manage.content.decode())
    assert link, manage.content.decode()
    page = client.get(link.group(1))
    assertContains(page, "Are you sure you want to cancel your registration?")
    assertContains(page, "Yes, cancel my registration")
    assertContains(page, "No, keep my registration")
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_cannot_cancel_after_the_event(client):
    event = make_past_event()
    registration = make_registration(event)
    response = client.post(reverse("events:cancel", args=[registration.token]), follow=True)
    assertContains(response, "already taken place")
    registration.refresh_from_db()
    assert registration.status == "confirmed"


# --- Privacy -------------------------------------------------------------------------------


def test_joining_link_and_attendees_never_public(client):
    event = make_event(format=Event.Format.HYBRID, capacity=5)
    register(event, "secret.person@example.org", name="Secret Person")
    secret = event.joining_link
    for url in [
        reverse("events:list"),
        reverse("events:past"),
        event.get_absolute_url(),
        reverse("events:calendar", args=[event.slug]),
        reverse("events:feed"),
        reverse("home"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert secret not in body, url
        assert "secret.person@example.org" not in body, url
        assert "Secret Person" not in body, url


def test_mail_server_outage_does_not_lose_the_registration(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from smtplib import SMTPException

    from django.core.mail.backends.locmem import EmailBackend

    from diz_portal.models import OutboundEmail

    def broken(self, messages):
        raise SMTPException("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(event.get_absolute_url(), form_data())
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("events:confirmation", args=[registration.token])
    # The confirmation waits in the outbox for a retry (tests/portal/test_outbox.py).
    email = OutboundEmail.objects.get()
    assert (email.kind, email.to, email.status) == ("registration", ["grace@example.org"], "queued")
    assert email.attempts == 1
    assert "mail server down" in email.last_error


def test_event_page_carries_schema_org_event_without_the_joining_link(client):
    import json
    import re

    from tests.events.factories import make_event

    event = make_event(
        title="Small cells <on> columns",
        format="hybrid",
        joining_link="https://meet.example.org/secret-room",
    )
    response = client.get(event.get_absolute_url())
    body = response.content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Event"
    assert data["name"] == "Small cells <on> columns"
    assert data["eventAttendanceMode"].endswith("MixedEventAttendanceMode")
    assert data["startDate"] == event.start.isoformat()
    assert "secret-room" not in match.group(1)
    assert "<on>" not in match.group(1)  # escaped inside the script element


def manage_link_in(text):
    """The registration the email's manage link opens. The link is signed with a timestamp,
    so it is compared by what it opens, not as text (a second can pass before the check)."""
    prefix = settings.SITE_URL + "/events/registrations/"
    tokens = re.findall(re.escape(prefix) + r"([^/\s\"<]+)/", text)
    assert tokens, text
    registrations = {Registration.from_token(token) for token in tokens}
    assert len(registrations) == 1, tokens
    return registrations.pop()
