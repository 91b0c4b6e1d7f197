import datetime

import feedparser
import pytest
from django.urls import reverse

from tests.projects.factories import make_project, make_update

pytestmark = pytest.mark.django_db

FEED = reverse("projects:feed")


@pytest.fixture
def updates(partner_a, partner_b):
    fibre = make_project("Ultrafast GPs", slug="ultrafast-gps", lead=partner_a)
    homes = make_project("Living Smart at Home", slug="living-smart", lead=partner_b)
    hidden = make_project("Secret plan", slug="secret", lead=partner_a, published=False)
    return {
        "won": make_update(
            fibre, "Bid succeeds", date=datetime.date(2019, 3, 15), body="We **won**."
        ),
        "built": make_update(fibre, "74 sites live", date=datetime.date(2021, 12, 1)),
        "homes": make_update(homes, "Homes open", date=datetime.date(2020, 6, 1)),
        "draft": make_update(fibre, "Draft", date=datetime.date(2022, 1, 1), published=False),
        "secret": make_update(hidden, "Secret news", date=datetime.date(2022, 1, 1)),
    }


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def test_latest_updates_feed_is_valid_atom_of_published_updates(client, updates):
    feed = parse(client.get(FEED))
    assert feed.feed.title == "Essex + Herts DIZ: project updates"
    assert feed.feed.link == "http://testserver/projects/"
    assert [e.title for e in feed.entries] == [
        "Ultrafast GPs: 74 sites live",
        "Living Smart at Home: Homes open",
        "Ultrafast GPs: Bid succeeds",
    ]
    won = feed.entries[2]
    assert won.link == f"http://testserver/projects/ultrafast-gps/#update-{updates['won'].pk}"
    assert won.id == won.link
    assert "<strong>won</strong>" in won.summary
    assert won.author == "Alpha District Council"
    assert won.published_parsed[:3] == (2019, 3, 15)
    assert {link.rel: link.href for link in feed.feed.links}[
        "self"
    ] == "http://testserver/projects/feed/"


def test_project_feed_has_only_that_projects_updates(client, updates):
    feed = parse(client.get(reverse("projects:project-feed", kwargs={"slug": "ultrafast-gps"})))
    assert feed.feed.title == "Ultrafast GPs: updates from the Essex + Herts DIZ"
    assert feed.feed.link == "http://testserver/projects/ultrafast-gps/"
    assert [e.title for e in feed.entries] == ["74 sites live", "Bid succeeds"]
    assert all(
        e.link.startswith("http://testserver/projects/ultrafast-gps/#update-") for e in feed.entries
    )


def test_feed_uses_the_request_host_for_absolute_links(client, updates, settings):
    settings.ALLOWED_HOSTS = ["www.diz.org.uk"]
    feed = parse(client.get(FEED, HTTP_HOST="www.diz.org.uk", secure=True))
    assert feed.entries[0].link.startswith("https://www.diz.org.uk/projects/ultrafast-gps/")


@pytest.mark.parametrize("slug", ["secret", "no-such-project"])
def test_feeds_of_unpublished_or_missing_projects_are_404(client, updates, slug):
    response = client.get(reverse("projects:project-feed", kwargs={"slug": slug}))
    assert response.status_code == 404


def test_empty_feed_is_still_valid(client, db):
    feed = parse(client.get(FEED))
    assert feed.entries == []


@pytest.mark.parametrize("n", [5, 200])
def test_feed_queries_do_not_grow(client, django_assert_num_queries, partner_a, n):
    project = make_project(lead=partner_a)
    for _ in range(n):
        make_update(project)
    # the latest updates with their project and its lead partner
    with django_assert_num_queries(1):
        response = client.get(FEED)
    assert len(parse(response).entries) == min(n, 30)
    # the project, then its latest updates (with project and lead partner)
    with django_assert_num_queries(2):
        client.get(reverse("projects:project-feed", kwargs={"slug": project.slug}))
