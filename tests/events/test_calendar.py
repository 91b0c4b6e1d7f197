from datetime import UTC, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.events.factories import london, make_event, make_series

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(cal):
    return [c for c in cal.walk("VEVENT")]


def test_event_ics_parses_back_with_everything(client):
    series = make_series("Smart Place Seminar Series", "smart-place")
    event = make_event(
        "Small cells",
        series=series,
        start=london(2027, 3, 18, 10),
        venue_name="Harlow Civic Centre",
        address="Water Gardens",
        postcode="CM20 1WG",
    )
    response = client.get(reverse("events:calendar", args=[event.slug]))
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    cal = parse(response)
    assert str(cal["X-WR-CALNAME"]) == "Small cells"
    assert str(cal["VERSION"]) == "2.0"
    [vevent] = vevents(cal)
    assert str(vevent["UID"]) == f"event-{event.pk}@diz.org.uk"
    assert vevent["DTSTAMP"].dt.tzinfo is not None
    assert str(vevent["SUMMARY"]) == "Small cells"
    assert str(vevent["LOCATION"]) == "Harlow Civic Centre, Water Gardens, CM20 1WG"
    assert str(vevent["URL"]) == f"https://www.diz.org.uk/events/{event.slug}/"
    assert vevent["CATEGORIES"].cats == ["Smart Place Seminar Series"]
    assert vevent["SEQUENCE"] == 0
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.start == event.start
    assert vevent.end == event.end
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/London"


@pytest.mark.parametrize(
    ("start", "offset_hours", "utc_hour"),
    [(london(2027, 3, 30, 10), 1, 9), (london(2027, 11, 18, 10), 0, 10)],
    ids=["after-spring-clock-change", "november"],
)
def test_ics_times_across_clock_change(client, start, offset_hours, utc_hour):
    event = make_event(start=start)
    response = client.get(reverse("events:calendar", args=[event.slug]))
    text = response.content.decode()
    assert f"DTSTART;TZID=Europe/London:{start:%Y%m%d}T100000" in text
    [vevent] = vevents(parse(response))
    dtstart = vevent["DTSTART"].dt
    assert (dtstart.hour, dtstart.minute) == (10, 0)
    assert dtstart.utcoffset() == timedelta(hours=offset_hours)
    assert dtstart.astimezone(UTC).hour == utc_hour
    # The VTIMEZONE lets calendars without a time zone database get it right too.
    assert "BEGIN:VTIMEZONE" in text
    assert "TZOFFSETTO:+0100" in text and "TZOFFSETTO:+0000" in text


def test_sequence_increases_when_the_event_changes(client):
    event = make_event()
    url = reverse("events:calendar", args=[event.slug])
    [before] = vevents(parse(client.get(url)))
    event.start += timedelta(hours=2)
    event.end += timedelta(hours=2)
    event.save()
    [after] = vevents(parse(client.get(url)))
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert str(after["UID"]) == str(before["UID"])


def test_feed_has_upcoming_and_keeps_cancelled(client):
    upcoming = make_event("Upcoming one")
    cancelled = make_event("Called off", status=Event.Status.CANCELLED)
    make_event("Proposal", published=False)
    make_event("Long ago", start=timezone.now() - timedelta(days=400))
    cal = parse(client.get(reverse("events:feed")))
    assert str(cal["X-WR-CALNAME"]) == "DIZ events"
    by_uid = {str(v["UID"]): v for v in vevents(cal)}
    assert set(by_uid) == {f"event-{upcoming.pk}@diz.org.uk", f"event-{cancelled.pk}@diz.org.uk"}
    assert str(by_uid[f"event-{cancelled.pk}@diz.org.uk"]["STATUS"]) == "CANCELLED"
    assert str(by_uid[f"event-{upcoming.pk}@diz.org.uk"]["STATUS"]) == "CONFIRMED"


def test_series_feed_only_has_its_series(client):
    series = make_series("Partnership meeting", "partnership-meetings")
    mine = make_event("Monthly meeting", series=series, format=Event.Format.ONLINE)
    make_event("Other")
    cal = parse(client.get(reverse("events:series-calendar", args=[series.slug])))
    assert str(cal["X-WR-CALNAME"]) == "DIZ: Partnership meeting"
    assert [str(v["UID"]) for v in vevents(cal)] == [f"event-{mine.pk}@diz.org.uk"]
    assert str(vevents(cal)[0]["LOCATION"]) == "Online"


def test_public_calendars_never_contain_the_joining_link(client):
    series = make_series()
    event = make_event(series=series, format=Event.Format.ONLINE)
    for url in [
        reverse("events:calendar", args=[event.slug]),
        reverse("events:feed"),
        reverse("events:series-calendar", args=[series.slug]),
    ]:
        response = client.get(url)
        assert event.joining_link.encode() not in response.content, url
        assert b"meet.example.org" not in response.content, url


def test_unpublished_event_has_no_calendar(client):
    event = make_event(published=False)
    assert client.get(reverse("events:calendar", args=[event.slug])).status_code == 404


@pytest.mark.parametrize("n", [5, 100])
def test_feed_queries_do_not_grow(client, django_assert_max_num_queries, n):
    series = make_series()
    for _ in range(n):
        make_event(series=series)
    # events (+series); the series feed adds the series lookup
    with django_assert_max_num_queries(1):
        client.get(reverse("events:feed"))
    with django_assert_max_num_queries(2):
        client.get(reverse("events:series-calendar", args=[series.slug]))
