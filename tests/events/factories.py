"""Event factories for the events tests (shared persona factories live in tests.factories)."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from events.models import Event, EventSeries, Registration, Speaker

LONDON = ZoneInfo("Europe/London")
_seq = itertools.count(1)


def london(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def make_series(name=None, slug=None):
    n = next(_seq)
    return EventSeries.objects.create(
        name=name or f"Series {n}", slug=slug or f"series-{n}", description="A series."
    )


def make_event(title=None, *, start=None, hours=2, hosts=(), speakers=0, **fields):
    n = next(_seq)
    start = start or timezone.now() + timedelta(days=30 + n)
    fields.setdefault("slug", f"event-{n}")
    fields.setdefault("summary", f"Summary of event {n}.")
    fields.setdefault("published", True)
    fields.setdefault("format", Event.Format.IN_PERSON)
    if fields["format"] != Event.Format.ONLINE:
        fields.setdefault("venue_name", "Civic Centre")
        fields.setdefault("address", "1 High Street, Harlow")
        fields.setdefault("postcode", "CM20 1AA")
    if fields["format"] != Event.Format.IN_PERSON:
        fields.setdefault("joining_link", f"https://meet.example.org/secret-room-{n}")
    event = Event.objects.create(
        title=title or f"Event {n}", start=start, end=start + timedelta(hours=hours), **fields
    )
    if hosts:
        event.hosts.set(hosts)
    for i in range(speakers):
        Speaker.objects.create(event=event, name=f"Speaker {i}", role="Speaker", order=i)
    return event


def make_past_event(title=None, **fields):
    return make_event(title, start=timezone.now() - timedelta(days=10), **fields)


def register(event, email=None, name="Ada Lovelace", **fields):
    n = next(_seq)
    registration, created = event.register(
        name=name, email=email or f"person{n}@example.org", **fields
    )
    assert created
    return registration


def make_registration(event, email=None, status=Registration.Status.CONFIRMED, **fields):
    """Insert directly, bypassing the rules (for past events and fixtures)."""
    n = next(_seq)
    fields.setdefault("name", f"Person {n}")
    return Registration.objects.create(
        event=event, email=email or f"person{n}@example.org", status=status, consent=True, **fields
    )


def with_totp(user):
    """Staff must have an authenticator app to reach the admin and the dashboard."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "test"}}
    )
    return user
