"""What the events app publishes: event pages in site search and the sitemap, an Event in
JSON-LD and the events calendar as open data (see diz_portal/hooks.py)."""

from django.db.models import Max
from django.urls import reverse

from diz_portal.catalogue import Dataset, Distribution
from diz_portal.search import Searchable, text
from diz_portal.sitemaps import PortalSitemap
from diz_portal.structured_data import absolute
from events.models import Event

EVENT_STATUS = {
    Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Event.Status.POSTPONED: "https://schema.org/EventPostponed",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
}
ATTENDANCE = {
    Event.Format.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Event.Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Event.Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def event_document(event):
    if not event.published:
        return None
    return {
        "title": event.title,
        "summary": event.summary,
        "body": text(event.description, event.venue_name),
    }


def search_documents():
    return [Searchable(Event, "event", "Events", event_document)]


def structured_data(event):
    """Public facts only: the joining link is never published; the page URL stands in."""
    url = absolute(event.get_absolute_url())
    places = []
    if event.format != Event.Format.ONLINE:
        places.append(
            {
                "@type": "Place",
                "name": event.venue_name or "Venue to be confirmed",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": " ".join(event.address.split()),
                    "postalCode": event.postcode,
                    "addressCountry": "GB",
                },
            }
        )
    if event.format != Event.Format.IN_PERSON:
        places.append({"@type": "VirtualLocation", "url": url})
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": event.start.isoformat(),
        "endDate": event.end.isoformat(),
        "eventStatus": EVENT_STATUS.get(event.status, EVENT_STATUS[Event.Status.SCHEDULED]),
        "eventAttendanceMode": ATTENDANCE.get(event.format, ATTENDANCE[Event.Format.IN_PERSON]),
        "location": places[0] if len(places) == 1 else places,
        "organizer": [
            {"@type": "Organization", "name": host.name, "url": absolute(host.get_absolute_url())}
            for host in event.hosts.all()
        ],
        "isAccessibleForFree": True,
        "url": url,
    }


class EventSitemap(PortalSitemap):
    def items(self):
        return Event.objects.published().order_by("pk")


def sitemap_sections():
    return ["events:list", "events:past"]


def sitemaps():
    return {"events": EventSitemap}


def datasets(request):
    """The events calendar: one query, for its last change."""
    url = request.build_absolute_uri
    return [
        Dataset(
            slug="events",
            title="DIZ events calendar",
            description=(
                "Events run by the partnership and its partners: meetings, workshops and "
                "webinars on digital infrastructure and services, in iCalendar format."
            ),
            keywords=["events", "calendar", "webinars", "workshops"],
            landing_page=url(reverse("events:list")),
            modified=Event.objects.published().aggregate(at=Max("updated_at"))["at"],
            distributions=[
                Distribution(
                    "iCalendar",
                    url(reverse("events:feed")),
                    "text/calendar",
                    "ICS",
                    "Every published event; subscribe to it from a calendar app.",
                    download=False,
                )
            ],
        )
    ]
