"""iCalendar (.ics) files for events, built with the icalendar library.

Public feeds never contain the joining link; only the registrant's own copy (attached to the
confirmation email) carries it, in DESCRIPTION.

Every text value goes through one_line or plain_text: rows stored before names were validated
may hold line breaks or NULs, which would end a content line early (icalendar refuses an
unescaped newline in X-WR-CALNAME outright) or put control characters calendars reject.
"""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from diz_portal.validators import one_line, plain_text

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Essex + Herts Digital Innovation Zone//DIZ Portal events//EN"
STATUS = {"scheduled": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}


def uid_for(event):
    """Stable for the event's whole life, whatever else changes."""
    domain = urlsplit(settings.SITE_URL).hostname or "diz.org.uk"
    return f"event-{event.pk}@{domain.removeprefix('www.')}"


def event_component(event, *, joining_link=False, now=None):
    """One VEVENT. `event.hosts` should be prefetched and `series` selected."""
    vevent = icalendar.Event()
    vevent.add("uid", uid_for(event))
    vevent.add("dtstamp", now or timezone.now())
    vevent.add("last-modified", event.updated_at)
    vevent.add("created", event.created_at)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstart", event.start.astimezone(LONDON))
    vevent.add("dtend", event.end.astimezone(LONDON))
    title = one_line(event.title)
    if event.status == event.Status.CANCELLED:
        title = f"Cancelled: {title}"
    elif event.status == event.Status.POSTPONED:
        title = f"Postponed: {title}"
    vevent.add("summary", title)
    description = [plain_text(event.summary), "", f"Details: {event.absolute_url()}"]
    if joining_link and event.joining_link and not event.is_cancelled:
        description += ["", f"Join online: {event.joining_link}"]
    vevent.add("description", "\n".join(description))
    vevent.add("location", one_line(event.location))
    vevent.add("url", event.absolute_url())
    vevent.add("status", STATUS[event.status])
    vevent.add("transp", "OPAQUE")
    if event.series_id:
        vevent.add("categories", [one_line(event.series.name)])
    return vevent


def build_calendar(events, name, *, joining_link=False):
    """A whole VCALENDAR as bytes, with the Europe/London VTIMEZONE it refers to."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # icalendar writes an X- property as it is, unescaped, so the name must be one clean line.
    cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", "Europe/London")
    now = timezone.now()
    events = list(events)
    for event in events:
        cal.add_component(event_component(event, joining_link=joining_link, now=now))
    if events:
        # Only the transitions these events need, which keeps the file small.
        first = min(e.start for e in events).date() - timedelta(days=366)
        last = max(e.end for e in events).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()
