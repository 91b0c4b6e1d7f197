"""Rows stored before names were validated (or by bulk updates, which skip validation) never
break a page, a calendar feed, an Atom feed, JSON-LD or an export (issue 10, item 4).

QuerySet.update() writes the bad text straight to the table, as an old row would hold it."""

import csv
import io
import json
import re

import feedparser
import icalendar
import pytest
from django.conf import settings
from django.urls import reverse

from assets.models import Asset
from events.models import Event, EventSeries, Registration
from partners.models import Partner
from projects.models import Project, ProjectUpdate
from tests.assets.factories import make_asset
from tests.events.factories import make_event, make_series, register
from tests.projects.factories import make_project, make_update

pytestmark = pytest.mark.django_db

# Each is "Small" + bad characters + "cells". PostgreSQL cannot store NUL at all, so that
# case exists only where the database is SQLite: it is not collected on PostgreSQL rather than
# reported as skipped.
BAD = {
    "lf": "Small\ncells",
    "crlf": "Small\r\ncells",
    "cr": "Small\rcells",
    "vertical-tab": "Small\x0bcells",
    "line-separator": "Small\u2028cells",
    "escape": "Small\x1bcells",
}
if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
    BAD["nul"] = "Small\x00cells"


@pytest.fixture(params=BAD, ids=list(BAD))
def bad(request):
    return BAD[request.param]


@pytest.fixture
def bad_event(bad, partner_a):
    series = make_series("Seminars", "seminars")
    event = make_event("Placeholder", series=series, hosts=[partner_a])
    Event.objects.filter(pk=event.pk).update(
        title=bad, summary=bad, venue_name=bad, postcode=bad, address=bad
    )
    EventSeries.objects.filter(pk=series.pk).update(name=bad)
    Partner.objects.filter(pk=partner_a.pk).update(name=bad)
    event.refresh_from_db()
    return event


def calendar(response):
    assert response.status_code == 200
    # Every content line of the file is one physical line: no bare CR, LF or control char.
    for line in response.content.split(b"\r\n"):
        assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line), line
    return icalendar.Calendar.from_ical(response.content)


def test_event_calendar_file_survives_a_line_break_in_the_title(client, bad_event):
    cal = calendar(client.get(reverse("events:calendar", args=[bad_event.slug])))
    assert str(cal["X-WR-CALNAME"]) == "Small cells"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Small cells"
    assert str(vevent["LOCATION"]) == "Small cells, Small cells, Small cells"
    assert vevent["CATEGORIES"].cats == ["Small cells"]
    assert str(vevent["DESCRIPTION"]).startswith("Small")


def test_feeds_survive_bad_rows(client, bad_event):
    for url in (reverse("events:feed"), reverse("events:series-calendar", args=["seminars"])):
        cal = calendar(client.get(url))
        [vevent] = cal.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Small cells"
    cal = calendar(client.get(reverse("events:series-calendar", args=["seminars"])))
    assert str(cal["X-WR-CALNAME"]) == "DIZ: Small cells"


def test_event_pages_and_json_ld_survive_bad_rows(client, bad_event):
    assert client.get(reverse("events:list")).status_code == 200
    response = client.get(bad_event.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(script.group(1))
    assert data["name"] == "Small cells"
    assert data["description"] == "Small cells"
    assert data["location"]["name"] == "Small cells"
    assert data["organizer"][0]["name"] == "Small cells"


def test_partner_page_json_ld_survives_bad_rows(client, bad, partner_a):
    Partner.objects.filter(pk=partner_a.pk).update(name=bad, short_description=bad)
    response = client.get(partner_a.get_absolute_url())
    assert response.status_code == 200
    script = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    data = json.loads(script.group(1))
    assert data["name"] == "Small cells"
    assert data["description"] == "Small cells"
    assert client.get(reverse("partners:list")).status_code == 200


def test_project_atom_feeds_survive_bad_rows(client, bad, partner_a):
    project = make_project("Placeholder", lead=partner_a)
    update = make_update(project, "Placeholder")
    Project.objects.filter(pk=project.pk).update(title=bad, summary=bad)
    ProjectUpdate.objects.filter(pk=update.pk).update(title=bad, body=bad)
    Partner.objects.filter(pk=partner_a.pk).update(name=bad)
    feeds = {
        reverse("projects:feed"): "Small cells: Small cells",  # project: update
        reverse("projects:project-feed", args=[project.slug]): "Small cells",
    }
    for url, title in feeds.items():
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception  # well-formed XML
        [entry] = feed.entries
        assert entry.title == title
        assert entry.author == "Small cells"
    feed = feedparser.parse(
        client.get(reverse("projects:project-feed", args=[project.slug])).content
    )
    assert feed.feed.title == "Small cells: updates from the Essex + Herts DIZ"
    assert client.get(project.get_absolute_url()).status_code == 200


def test_asset_pages_and_exports_survive_bad_rows(client, bad, partner_a):
    asset = make_asset(owner=partner_a, name="Placeholder")
    Asset.objects.filter(pk=asset.pk).update(name=bad)
    assert client.get(reverse("assets:list")).status_code == 200
    assert client.get(asset.get_absolute_url()).status_code == 200
    response = client.get(reverse("assets:export-csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["name"] for row in rows] == [bad]  # quoted by csv.writer, read back intact
    response = client.get(reverse("assets:export-geojson"))
    data = json.loads(b"".join(response.streaming_content))
    assert data["features"][0]["properties"]["name"] == bad


def test_attendee_export_survives_bad_rows(client, bad, manager):
    from tests.events.factories import with_totp

    event = make_event("Exported")
    registration = register(event, "one@example.org", name="One")
    Registration.objects.filter(pk=registration.pk).update(name=bad, organisation=bad)
    client.force_login(with_totp(manager))
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "export_attendees", "_selected_action": [event.pk]},
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
