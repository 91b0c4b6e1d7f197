"""schema.org JSON-LD for search engines: Event on event pages, Organization on partner pages."""

import json

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

from diz_portal.validators import one_line

# Escaped like Django's json_script, so text can never close the <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

_EVENT_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "postponed": "https://schema.org/EventPostponed",
    "cancelled": "https://schema.org/EventCancelled",
}
_ATTENDANCE = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def _one_line(value):
    """Every string on one line, however old the row: search engines show these as snippets."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, dict):
        return {key: _one_line(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_one_line(item) for item in value]
    return value


def script(data: dict) -> SafeString:
    payload = json.dumps(_one_line(data), ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))


def _absolute(path):
    return f"{settings.SITE_URL}{path}"


def event_data(event) -> dict:
    """Public facts only: the joining link is never published; the page URL stands in."""
    url = _absolute(event.get_absolute_url())
    places = []
    if event.format != "online":
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
    if event.format != "in-person":
        places.append({"@type": "VirtualLocation", "url": url})
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": event.start.isoformat(),
        "endDate": event.end.isoformat(),
        "eventStatus": _EVENT_STATUS.get(event.status, _EVENT_STATUS["scheduled"]),
        "eventAttendanceMode": _ATTENDANCE.get(event.format, _ATTENDANCE["in-person"]),
        "location": places[0] if len(places) == 1 else places,
        "organizer": [
            {"@type": "Organization", "name": host.name, "url": _absolute(host.get_absolute_url())}
            for host in event.hosts.all()
        ],
        "isAccessibleForFree": True,
        "url": url,
    }


def partner_data(partner) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": partner.name,
        "description": partner.short_description,
        "url": partner.website or _absolute(partner.get_absolute_url()),
        "mainEntityOfPage": _absolute(partner.get_absolute_url()),
        "memberOf": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
    }
    if partner.contact_email:
        data["email"] = partner.contact_email
    if partner.logo:
        data["logo"] = _absolute(partner.logo.url)
    return {k: v for k, v in data.items() if v}
