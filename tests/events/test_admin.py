import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from events.models import Event, Registration
from tests.events.factories import (
    make_event,
    make_past_event,
    make_registration,
    register,
    with_totp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, manager):
    client.force_login(with_totp(manager))
    return client


def run_action(client, action, events):
    return client.post(
        reverse("admin:events_event_changelist"),
        {"action": action, "_selected_action": [e.pk for e in events]},
        follow=action != "export_attendees",
    )


def test_changelist_shows_counts_without_n_plus_one(admin_client, django_assert_max_num_queries):
    for i in range(30):
        event = make_event(f"Event number {i}", capacity=1)
        register(event)
        register(event)
    # session, user, 2FA check, permissions, counts and rows, filters (series, hosts)… fixed
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("admin:events_event_changelist"))
    assertContains(response, "Event number 29")
    assertContains(response, '<td class="field-confirmed">1</td>', count=30, html=False)
    assertContains(response, '<td class="field-waiting">1</td>', count=30, html=False)


def test_programme_manager_can_edit_with_speakers_inline_and_history(admin_client):
    event = make_event("Admin edit")
    url = reverse("admin:events_event_change", args=[event.pk])
    response = admin_client.get(url)
    assertContains(response, "Speakers")
    assert b"View on site" in response.content
    assert b"/admin/r/" in response.content  # the admin's shortcut to get_absolute_url
    response = admin_client.get(reverse("admin:events_event_history", args=[event.pk]))
    assert response.status_code == 200


def test_attendee_csv_export(admin_client):
    event = make_event("Exported", capacity=1)
    register(event, "one@example.org", name="One", organisation="=HYPERLINK(evil)")
    register(event, "two@example.org", name="Two")
    response = run_action(admin_client, "export_attendees", [event])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Event", "Event date", "Name", "Email"]
    assert [r[2:4] for r in rows[1:]] == [["One", "one@example.org"], ["Two", "two@example.org"]]
    assert rows[1][4] == "'=HYPERLINK(evil)"  # no formula injection into spreadsheets
    assert [r[6] for r in rows[1:]] == ["Confirmed", "Waiting list"]


def test_followup_emails_confirmed_attendees_once(admin_client, django_capture_on_commit_callbacks):
    event = make_past_event("Done", recording_url="https://example.org/recording")
    attended = make_registration(event, "came@example.org")
    make_registration(event, "waited@example.org", status=Registration.Status.WAITING)
    make_registration(event, "left@example.org", status=Registration.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "send_followup_email", [event])
    assertContains(response, "follow-up sent to 1 attendee")
    [message] = mail.outbox
    assert message.to == ["came@example.org"]
    assert "https://example.org/recording" in message.body
    assert "https://example.org/recording" in message.alternatives[0][0]
    attended.refresh_from_db()
    assert attended.followup_sent_at is not None
    # Running it again sends nothing more; a newly confirmed person gets theirs.
    make_registration(event, "late@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "send_followup_email", [event])
    assert [m.to for m in mail.outbox] == [["came@example.org"], ["late@example.org"]]


@pytest.mark.parametrize(
    "fields",
    [
        {"start": timezone.now() + timedelta(days=3), "slides_url": "https://example.org/s"},
        {"start": timezone.now() - timedelta(days=3)},  # no slides or recording yet
    ],
)
def test_followup_refused_before_the_event_or_without_resources(admin_client, fields):
    event = make_event(**fields)
    make_registration(event)
    response = run_action(admin_client, "send_followup_email", [event])
    assertContains(response, "nothing sent")
    assert mail.outbox == []
    assert not Registration.objects.filter(followup_sent_at__isnull=False).exists()


def test_registration_admin_searchable(admin_client):
    event = make_event()
    register(event, "findme@example.org")
    response = admin_client.get(reverse("admin:events_registration_changelist"), {"q": "findme"})
    assertContains(response, "findme@example.org")


def test_programme_manager_group_has_event_permissions(manager):
    for codename in ("change_event", "view_registration", "add_speaker", "change_eventseries"):
        assert manager.has_perm(f"events.{codename}")


def test_publishing_in_admin_makes_a_proposal_public(admin_client, client):
    event = make_event("To publish", published=False)
    event.published = True
    event.save()
    assert Event.objects.published().filter(pk=event.pk).exists()
    assert event.history.count() == 2


def test_raising_capacity_in_admin_promotes_the_waiting_list(
    admin_client, django_capture_on_commit_callbacks
):
    event = make_event("Popular", capacity=1)
    register(event, "first@example.org")
    waiting = register(event, "second@example.org")
    mail.outbox.clear()
    url = reverse("admin:events_event_change", args=[event.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data.update(
        {
            "capacity": "2",
            "start_0": timezone.localtime(event.start).strftime("%d/%m/%Y"),
            "start_1": timezone.localtime(event.start).strftime("%H:%M:%S"),
            "end_0": timezone.localtime(event.end).strftime("%d/%m/%Y"),
            "end_1": timezone.localtime(event.end).strftime("%H:%M:%S"),
            "registration_opens_0": "",
            "registration_opens_1": "",
            "registration_closes_0": "",
            "registration_closes_1": "",
            "hosts": [],
            "projects": [],
            "series": "",
            "waitlist_enabled": "on",
            "published": "on",
            "speakers-TOTAL_FORMS": "0",
            "speakers-INITIAL_FORMS": "0",
            "speakers-MIN_NUM_FORMS": "0",
            "speakers-MAX_NUM_FORMS": "1000",
        }
    )
    data = {k: v for k, v in data.items() if k not in ("start", "end") and v is not False}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    assertContains(response, "moved from the waiting list")
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["second@example.org"]]


def test_event_list_shows_upcoming_first_soonest_at_the_top(client, manager):
    from tests.assets.factories import enable_mfa
    from tests.events.factories import make_event, make_past_event

    enable_mfa(manager)
    client.force_login(manager)
    later = make_event("Later event", start=timezone.now() + timedelta(days=60))
    sooner = make_event("Sooner event", start=timezone.now() + timedelta(days=5))
    past = make_past_event("Past event")
    url = reverse("admin:events_event_changelist")
    shown = list(client.get(url).context["cl"].result_list)
    assert shown == [sooner, later]
    assert list(client.get(url + "?when=past").context["cl"].result_list) == [past]
    assert len(client.get(url + "?when=all").context["cl"].result_list) == 3
