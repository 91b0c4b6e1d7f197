"""Events sections on other apps' pages (see diz_portal/sections.py). One query each."""

from django.urls import reverse
from django.utils import timezone

from events.models import Event

HOME_EVENTS = 3
PARTNER_EVENTS = 6


def home(request):
    events = list(Event.objects.published().upcoming().select_related("series")[:HOME_EVENTS])
    return {"template": "events/includes/home_section.html", "events": events}


def partner_detail(request, partner):
    now = timezone.now()
    events = list(
        Event.objects.published()
        .filter(hosts=partner)
        .select_related("series")
        .order_by("-start", "-pk")[:PARTNER_EVENTS]
    )
    if not events:
        return None
    return {
        "template": "events/includes/partner_section.html",
        "events": events,
        "now": now,
        "partner": partner,
    }


def project_detail(request, project):
    events = list(
        Event.objects.published()
        .filter(projects=project)
        .select_related("series")
        .order_by("-start", "-pk")
    )
    if not events:
        return None
    return {"template": "events/includes/project_section.html", "events": events}


def dashboard(request, partners):
    if not partners:
        return None
    events = list(
        Event.objects.hosted_by(partners)
        .with_counts()
        .select_related("series")
        .order_by("-start", "-pk")[:5]
    )
    return {"template": "events/includes/dashboard_section.html", "events": events}


def attention(request):
    """Events partners proposed that wait for the programme team: one query."""
    waiting = Event.objects.filter(published=False, proposed_by__isnull=False)
    url = reverse("admin:events_event_changelist")
    return [
        {"label": "Event proposals waiting to be published", "count": waiting.count(),
         "url": f"{url}?published__exact=0"},
    ]  # fmt: skip


def partner_history():
    return [Event]
