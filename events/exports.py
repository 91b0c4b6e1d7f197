"""The attendee list as CSV: for the programme team (admin action) and a host's members."""

import csv

from django.http import HttpResponse
from django.utils import timezone

from diz_portal.csvsafe import neutralise

HEADER = ["Event", "Event date", "Name", "Email", "Organisation", "Needs", "Status", "Registered"]


def _cell(value):
    """Spreadsheets run cells starting with =, +, -, @, tab or CR as formulas: the site-wide
    rule in diz_portal.csvsafe quotes them (and is undone exactly by csvsafe.restore)."""
    return neutralise(str(value))


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def attendees_csv(registrations, filename):
    """A CSV download of these registrations (purged ones left out), by event then date."""
    rows = (
        registrations.filter(purged_at__isnull=True)
        .select_related("event")
        .order_by("event__start", "event__pk", "created_at", "pk")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(HEADER)
    writer.writerows(
        [
            _cell(r.event.title),
            _when(r.event.start),
            _cell(r.name),
            _cell(r.email),
            _cell(r.organisation),
            _cell(r.needs),
            r.get_status_display(),
            _when(r.created_at),
        ]
        for r in rows
    )
    return response
