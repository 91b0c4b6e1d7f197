from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from events import sections
from tests import factories
from tests.events.factories import make_event, register, with_totp

pytestmark = pytest.mark.django_db


def test_home_shows_the_next_few_upcoming(client):
    for i in range(5):
        make_event(f"Upcoming {i}", start=timezone.now() + timedelta(days=i + 1))
    make_event("Unpublished", published=False, start=timezone.now() + timedelta(hours=5))
    response = client.get(reverse("home"))
    assertContains(response, "Upcoming events")
    html = response.content.decode()
    assert "Upcoming 0" in html and "Upcoming 2" in html
    assert "Upcoming 3" not in html and "Unpublished" not in html


@pytest.mark.parametrize("n", [3, 50])
def test_section_hooks_run_one_query(django_assert_num_queries, partner_a, n):
    request = RequestFactory().get("/")
    for _ in range(n):
        event = make_event(hosts=[partner_a])
    # Each hook: one query (events with series, and counts for the dashboard).
    with django_assert_num_queries(1):
        assert len(sections.home(request)["events"]) == 3
    with django_assert_num_queries(1):
        assert sections.partner_detail(request, partner_a)["events"]
    with django_assert_num_queries(1):
        assert sections.dashboard(request, [partner_a])["events"][0].confirmed_count == 0
    assert event


def test_partner_page_lists_its_events(client, partner_a, partner_b):
    make_event("Alpha hosts this", hosts=[partner_a])
    make_event("Beta hosts this", hosts=[partner_b])
    section = sections.partner_detail(RequestFactory().get("/"), partner_a)
    titles = [e.title for e in section["events"]]
    assert titles == ["Alpha hosts this"]
    response = client.get(partner_a.get_absolute_url())
    if response.status_code == 200:  # the partners app renders the sections
        assertContains(response, "Alpha hosts this")


def test_partner_without_events_gets_no_section(partner_a):
    assert sections.partner_detail(RequestFactory().get("/"), partner_a) is None


def test_project_section_lists_related_published_events():
    from projects.models import Project

    field_names = {f.name for f in Project._meta.get_fields()}
    assert {"slug", "title", "published"} <= field_names
    project = Project.objects.create(
        **_project_fields(Project), slug="smart-place", title="Smart Place", published=True
    )
    related = make_event("Related seminar")
    related.projects.add(project)
    hidden = make_event("Hidden seminar", published=False)
    hidden.projects.add(project)
    section = sections.project_detail(RequestFactory().get("/"), project)
    assert [e.title for e in section["events"]] == ["Related seminar"]


def _project_fields(Project):
    """Required fields the projects app may add beyond slug/title/published."""
    from django.db import models

    values = {}
    for field in Project._meta.concrete_fields:
        if field.name in {"id", "slug", "title", "published"} or field.has_default():
            continue
        if field.null or field.blank or getattr(field, "auto_now_add", False):
            continue
        if isinstance(field, models.ForeignKey):
            values[field.name] = factories.make_partner()
        elif isinstance(field, models.CharField | models.TextField):
            values[field.name] = "x"
    return values


def test_dashboard_section_shows_own_events_and_counts(client, member, partner_a, partner_b):
    event = make_event("Our seminar", hosts=[partner_a], capacity=3)
    register(event)
    make_event("Their seminar", hosts=[partner_b])
    client.force_login(member)
    response = client.get(reverse("dashboard:index"))
    assertContains(response, "Our seminar")
    assertContains(response, reverse("dashboard:events-propose"))
    assert "Their seminar" not in response.content.decode()
    assert sections.dashboard(RequestFactory().get("/"), []) is None
    assert with_totp  # staff variants are covered in test_dashboard
