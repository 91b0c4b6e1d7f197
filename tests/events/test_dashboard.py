import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from events.models import Event
from tests.events.factories import make_event, register, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas):
    # Staff need an authenticator app to reach /dashboard/ at all; give them one so the
    # matrix tests this app's own rules.
    for name in ("manager", "superuser"):
        with_totp(personas[name])
    return personas


@pytest.fixture
def hosted(partner_a, partner_b):
    mine = make_event("Alpha seminar", hosts=[partner_a], capacity=5)
    register(mine, "attendee@example.org", name="Ada Attendee", needs="Hearing loop")
    theirs = make_event("Beta seminar", hosts=[partner_b])
    register(theirs, "beta.person@example.org", name="Bea Beta")
    return mine, theirs


def proposal(partner, **overrides):
    data = {
        "partner": partner.pk,
        "title": "Broadband for villages",
        "series": "",
        "summary": "How rural parishes can get gigabit broadband.",
        "description": "## Agenda\n\nTalks and questions.",
        "start": "2027-05-20T10:00",
        "end": "2027-05-20T12:00",
        "format": "in-person",
        "venue_name": "Village hall",
        "address": "Church Lane, Thaxted",
        "postcode": "CM6 2LD",
        "joining_link": "",
        "capacity": "40",
        "waitlist_enabled": "on",
        "registration_closes": "",
    }
    data.update(overrides)
    return data


# name -> expected status per persona (anonymous is always redirected to sign in)
MATRIX = {
    "index": {"member": 200, "outsider": 200, "manager": 200, "superuser": 200},
    "propose": {"member": 200, "outsider": 200, "manager": 404, "superuser": 404},
    "registrations-mine": {"member": 200, "outsider": 404, "manager": 404, "superuser": 404},
}


def test_permission_matrix_get(client, people, hosted):
    mine, _ = hosted
    urls = {
        "index": reverse("dashboard:events-index"),
        "propose": reverse("dashboard:events-propose"),
        "registrations-mine": reverse("dashboard:events-registrations", args=[mine.slug]),
    }
    for name, url in urls.items():
        for persona, user in people.items():
            client.logout()
            if user:
                client.force_login(user)
            response = client.get(url)
            if user is None:
                assert response.status_code == 302, (name, persona)
                assert response.url.startswith(reverse("account_login")), (name, persona)
                continue
            assert response.status_code == MATRIX[name][persona], (name, persona)
            if response.status_code == 200 and name == "registrations-mine":
                assertContains(response, "attendee@example.org")
                assertContains(response, "Hearing loop")


def test_permission_matrix_propose_post(client, people, partner_a):
    for persona, user in people.items():
        client.logout()
        if user:
            client.force_login(user)
        before = Event.objects.count()
        response = client.post(reverse("dashboard:events-propose"), proposal(partner_a))
        if persona == "member":
            assert response.status_code == 302
            assert Event.objects.count() == before + 1
        else:
            # Anonymous to sign in; others may not propose for partner A: nothing changes.
            assert response.status_code in (302, 200, 404), persona
            if response.status_code == 302:
                assert reverse("account_login") in response.url
            assert Event.objects.count() == before, persona


def test_outsider_cannot_see_another_partners_registrations(client, outsider, hosted):
    mine, theirs = hosted
    client.force_login(outsider)
    response = client.get(reverse("dashboard:events-registrations", args=[mine.slug]))
    assert response.status_code == 404
    response = client.get(reverse("dashboard:events-index"))
    assertContains(response, "Beta seminar")
    assertNotContains(response, "Alpha seminar")
    response = client.get(reverse("dashboard:events-registrations", args=[theirs.slug]))
    assertContains(response, "Bea Beta")
    assertNotContains(response, "Ada Attendee")


def test_registrations_page_bad_slug_is_404(client, member):
    client.force_login(member)
    url = reverse("dashboard:events-registrations", args=["no-such-event"])
    assert client.get(url).status_code == 404


def test_proposal_saved_unpublished_hosted_and_emailed(
    client, member, partner_a, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboard:events-propose"), proposal(partner_a), follow=True
        )
    assertContains(response, "programme team has been told")
    event = Event.objects.get(title="Broadband for villages")
    assert event.published is False
    assert list(event.hosts.all()) == [partner_a]
    assert event.proposed_by == member
    assert event.slug == "broadband-for-villages-2027-05-20"
    assert event.start.isoformat() == "2027-05-20T09:00:00+00:00"  # 10:00 BST
    [message] = mail.outbox
    assert message.to == [settings.PROGRAMME_MANAGER_EMAIL]
    assert "Broadband for villages" in message.subject
    assert message.alternatives[0][1] == "text/html"
    # History records who proposed it.
    assert event.history.get(history_type="+").history_user == member
    assert all(record.history_user == member for record in event.history.all())
    # Not public until the programme manager publishes it.
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == 404


def test_proposal_for_another_partner_is_refused(client, member, partner_b):
    client.force_login(member)
    response = client.post(reverse("dashboard:events-propose"), proposal(partner_b))
    assert response.status_code == 200
    assertContains(response, "Select one of your organisations from the list")
    assertNotContains(response, "Select a valid choice")
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end": "2027-05-20T09:00"}, "The end must be after the start."),
        ({"postcode": ""}, "Enter the postcode"),
        ({"format": "online", "joining_link": ""}, "Enter the joining link"),
        ({"start": "not a date"}, "Start must be a real date and time, for example"),
        ({"start": ""}, "Enter the date and time the event starts"),
        ({"end": ""}, "Enter the date and time the event ends"),
        ({"title": ""}, "Enter a title"),
        ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
        ({"summary": "x" * 301}, "Summary must be 300 characters or fewer"),
        ({"format": "telepathy"}, "Select in person, online or hybrid"),
        ({"joining_link": "not a link"}, "Enter the joining link as a web address"),
        ({"capacity": "0"}, "Number of places must be 1 or more, or leave it empty"),
        ({"capacity": "-3"}, "Number of places must be 1 or more, or leave it empty"),
        ({"capacity": "lots"}, "Enter the number of places as a whole number, for example 40"),
        ({"series": "999999"}, "Select a series from the list, or None"),
        ({"registration_closes": "soon"}, "Registration closes must be a real date and time"),
    ],
)
def test_proposal_errors_are_explained_and_change_nothing(
    client, member, partner_a, overrides, message
):
    client.force_login(member)
    response = client.post(reverse("dashboard:events-propose"), proposal(partner_a, **overrides))
    assert response.status_code == 200
    assertContains(response, '<h2 class="govuk-error-summary__title">There is a problem</h2>')
    assertContains(response, message)
    for generic in ("This field is required", "Ensure this value", "Select a valid choice"):
        assertNotContains(response, generic)
    assert not Event.objects.exists()
    assert mail.outbox == []


def test_online_proposal_needs_no_venue(client, member, partner_a):
    client.force_login(member)
    data = proposal(
        partner_a,
        format="online",
        venue_name="",
        address="",
        postcode="",
        joining_link="https://meet.example.org/x",
    )
    response = client.post(reverse("dashboard:events-propose"), data)
    assert response.status_code == 302
    assert Event.objects.get().format == "online"


@pytest.mark.parametrize("n", [5, 60])
def test_dashboard_index_queries_do_not_grow(
    client, member, partner_a, django_assert_max_num_queries, n
):
    for _ in range(n):
        register(make_event(hosts=[partner_a]))
    client.force_login(member)
    # session, user, the user's partners, events (+series, counts) they host
    with django_assert_max_num_queries(4):
        response = client.get(reverse("dashboard:events-index"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 60])
def test_registrations_queries_do_not_grow(
    client, member, partner_a, django_assert_max_num_queries, n
):
    event = make_event(hosts=[partner_a], capacity=None)
    for _ in range(n):
        register(event)
    client.force_login(member)
    # session, user, event (+counts), registrations
    with django_assert_max_num_queries(4):
        response = client.get(reverse("dashboard:events-registrations", args=[event.slug]))
    assert response.status_code == 200
