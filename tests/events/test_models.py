from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import MANAGE_SALT, Event, Registration, RegistrationRefused
from tests.events.factories import make_event, make_registration, register

pytestmark = pytest.mark.django_db


def test_end_must_be_after_start_in_the_database():
    event = make_event()
    event.end = event.start
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(end=event.start)
    with pytest.raises(ValidationError) as exc:
        event.full_clean()
    assert "end" in exc.value.message_dict


def test_venue_address_postcode_required_unless_online():
    event = make_event(format=Event.Format.HYBRID)
    event.postcode = ""
    with pytest.raises(ValidationError) as exc:
        event.full_clean()
    assert "postcode" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(postcode="")
    online = make_event(format=Event.Format.ONLINE)
    assert online.venue_name == ""
    online.full_clean()  # no venue needed


def test_reserved_slug_refused():
    event = make_event(slug="past")
    with pytest.raises(ValidationError) as exc:
        event.full_clean()
    assert "slug" in exc.value.message_dict


def test_sequence_goes_up_only_on_calendar_changes():
    event = make_event()
    assert event.sequence == 0
    event.capacity = 10  # not shown in calendars
    event.save()
    assert event.sequence == 0
    event.start += timedelta(hours=1)
    event.end += timedelta(hours=1)
    event.save()
    assert event.sequence == 1
    event.status = Event.Status.CANCELLED
    event.save()
    event.refresh_from_db()
    assert event.sequence == 2


def test_capacity_fills_then_waiting_list_then_promotion_on_cancel():
    event = make_event(capacity=2)
    first = register(event, "a@example.org")
    second = register(event, "b@example.org")
    third = register(event, "c@example.org")
    fourth = register(event, "d@example.org")
    assert [first.status, second.status] == ["confirmed", "confirmed"]
    assert [third.status, fourth.status] == ["waiting", "waiting"]

    promoted = first.cancel()

    assert [p.pk for p in promoted] == [third.pk]  # first come, first served
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == "confirmed"
    assert fourth.status == "waiting"
    assert event.registrations.filter(status="confirmed").count() == 2


def test_cancelling_a_waiting_place_promotes_nobody():
    event = make_event(capacity=1)
    register(event)
    waiting = register(event)
    later = register(event)
    assert waiting.cancel() == []
    later.refresh_from_db()
    assert later.status == "waiting"


def test_cancelling_twice_is_harmless():
    event = make_event(capacity=1)
    first = register(event)
    register(event)
    assert len(first.cancel()) == 1
    assert first.cancel() == []
    assert event.registrations.filter(status="confirmed").count() == 1


def test_full_without_waiting_list_refuses():
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event)
    with pytest.raises(RegistrationRefused, match="full"):
        event.register(name="Late", email="late@example.org")
    assert event.registrations.count() == 1


def test_same_email_any_case_makes_no_second_row():
    event = make_event()
    original = register(event, "Ada@Example.org")
    again, created = event.register(name="Ada", email="ada@EXAMPLE.ORG")
    assert created is False
    assert again.pk == original.pk
    assert event.registrations.count() == 1


def test_database_refuses_a_duplicate_active_email_but_allows_after_cancelling():
    event = make_event()
    first = make_registration(event, "x@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_registration(event, "X@EXAMPLE.ORG")
    first.cancel()
    again, created = event.register(name="X", email="x@example.org")
    assert created and again.pk != first.pk


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"status": Event.Status.POSTPONED}, "postponed"),
        ({"registration_closes_in": -1}, "closed"),
        ({"registration_opens_in": 1}, "opens on"),
    ],
)
def test_registration_refused_with_reason(change, message):
    now = timezone.now()
    fields = {}
    if "status" in change:
        fields["status"] = change["status"]
    if "registration_closes_in" in change:
        fields["registration_opens"] = now - timedelta(days=5)
        fields["registration_closes"] = now - timedelta(days=1)
    if "registration_opens_in" in change:
        fields["registration_opens"] = now + timedelta(days=1)
    event = make_event(**fields)
    with pytest.raises(RegistrationRefused, match=message):
        event.register(name="N", email="n@example.org")
    assert not event.registrations.exists()


def test_past_event_refuses():
    event = make_event(start=timezone.now() - timedelta(days=2))
    with pytest.raises(RegistrationRefused, match="already taken place"):
        event.register(name="N", email="n@example.org")


def test_manage_token_round_trip_and_tampering():
    registration = register(make_event())
    assert Registration.from_token(registration.token) == registration
    token = registration.token
    assert Registration.from_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert Registration.from_token("not-a-token") is None
    assert Registration.from_token("") is None
    other = register(registration.event)
    # Signed with another salt (or key): refused.
    forged = signing.dumps([other.pk, other.manage_key], salt="something-else")
    assert Registration.from_token(forged) is None
    # Even correctly signed, this row's key does not open another row.
    swapped = signing.dumps([other.pk, registration.manage_key], salt=MANAGE_SALT)
    assert Registration.from_token(swapped) is None
    assert Registration.from_token(signing.dumps(["1", "x"], salt=MANAGE_SALT)) is None
    # A new key revokes old links.
    registration.manage_key = "rotated"
    registration.save()
    assert Registration.from_token(token) is None


def test_with_counts_annotates_confirmed_and_waiting():
    event = make_event(capacity=1)
    register(event)
    register(event)
    register(event)
    annotated = Event.objects.with_counts().get(pk=event.pk)
    assert (annotated.confirmed_count, annotated.waiting_count) == (1, 2)
    assert annotated.places_left() == 0


def test_location_never_includes_joining_link():
    event = make_event(format=Event.Format.HYBRID)
    assert "meet.example.org" not in event.location
    assert event.location.endswith("(and online)")
    online = make_event(format=Event.Format.ONLINE)
    assert online.location == "Online"
