"""The outbox: every email is queued with the change that causes it and sent by the worker.

Tasks run at once in tests (DIZ_TASKS_BACKEND=immediate), so a queued email is sent when the
test's on-commit callbacks run; tests/portal/test_worker.py runs a real worker process.
"""

import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from assets.models import Asset, Enquiry
from diz_portal import outbox
from diz_portal.models import OutboundEmail
from events.emails import send_registration_email
from events.models import Registration
from tests.assets.factories import make_asset
from tests.events.factories import make_event, register
from tests.partners.factories import give_totp, make_invitation

pytestmark = pytest.mark.django_db

ENQUIRY = {
    "name": "Sam Operator",
    "organisation": "Example Networks Ltd",
    "email": "sam@operator.example",
    "message": "We would like to mount a small cell on this column in spring.",
}
REGISTRATION = {
    "name": "Grace Hopper",
    "email": "grace@example.org",
    "organisation": "Navy",
    "consent": "on",
}
CHANGELIST = reverse("admin:diz_portal_outboundemail_changelist")


@pytest.fixture
def smtp_down():
    """The mail server refuses connections, as when it is down; call it to bring it back."""

    def refuse(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        yield patch.undo


@pytest.fixture
def clock(monkeypatch):
    """Move the clock on: `clock(minutes=5)`, for retries that are due later."""
    moved = timedelta()
    real_now = timezone.now

    def move(**delta):
        nonlocal moved
        moved += timedelta(**delta)

    monkeypatch.setattr(timezone, "now", lambda: real_now() + moved)
    return move


def queue_simple(to="jo@example.org", **kwargs):
    message = EmailMessage("Hello", "Body text.", to=[to], **kwargs)
    with transaction.atomic():
        return outbox.queue(message, kind="test")


# --- Requests never fail because of the mail server ----------------------------------------


def test_enquiry_succeeds_with_the_mail_server_down_and_is_sent_later(
    client, partner_a, member, settings, smtp_down, clock, django_capture_on_commit_callbacks
):
    settings.PROGRAMME_MANAGER_EMAIL = "programme@diz.example.org"
    asset = make_asset(reference="ALP-LC-0001", name="Edinburgh Way column", owner=partner_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assets:enquiry", args=[asset.reference]), ENQUIRY)
    assert response.status_code == 302
    assert Enquiry.objects.count() == 1
    assert mail.outbox == []
    emails = OutboundEmail.objects.order_by("pk")
    assert [e.kind for e in emails] == ["enquiry", "receipt"]
    for email in emails:
        assert (email.status, email.attempts) == ("queued", 1)
        assert email.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
        wait = email.next_attempt_at - email.created_at
        assert timedelta(minutes=1) <= wait < timedelta(minutes=1, seconds=10)

    # The server is back; a minute later the retry goes out.
    smtp_down()
    clock(minutes=1, seconds=1)
    call_command("send_queued_email", older_than=0, stdout=StringIO())
    assert [m.to for m in mail.outbox] == [
        ["member@alpha.example.org", "programme@diz.example.org"],
        [ENQUIRY["email"]],
    ]
    assert {e.status for e in OutboundEmail.objects.all()} == {"sent"}
    assert {e.attempts for e in OutboundEmail.objects.all()} == {2}


def test_registration_succeeds_with_the_mail_server_down(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    def fail(self, messages):
        raise smtplib.SMTPException("451 try again later")

    monkeypatch.setattr(EmailBackend, "send_messages", fail)
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(event.get_absolute_url(), REGISTRATION)
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("events:confirmation", args=[registration.token])
    email = OutboundEmail.objects.get()
    assert (email.kind, email.status, email.attempts) == ("registration", "queued", 1)
    assert email.last_error == "SMTPException: 451 try again later"


def test_retries_back_off_then_the_email_is_marked_failed(smtp_down, clock):
    email = queue_simple()  # its task waits for a commit that never comes in this test
    assert outbox.deliver.call(email.pk) == "retrying"
    waits = []
    for attempts in range(1, outbox.MAX_ATTEMPTS):
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("queued", attempts)
        waits.append(email.next_attempt_at - timezone.now())
        # Not due yet: nothing happens before the wait is over.
        assert outbox.deliver.call(email.pk) == "skipped"
        clock(seconds=waits[-1].total_seconds() + 1)
        outbox.deliver.call(email.pk)
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5, 15, 60, 180]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", 6, None)
    assert "Connection refused" in email.last_error
    assert mail.outbox == []


# --- Transactions ---------------------------------------------------------------------------


def test_a_rolled_back_transaction_queues_and_sends_nothing(django_capture_on_commit_callbacks):
    event = make_event()
    registration = register(event)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_registration_email(registration)
        assert OutboundEmail.objects.count() == 1
        raise RuntimeError("something later in the same change failed")
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_nothing_is_sent_before_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = queue_simple()
    assert len(callbacks) == 1
    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("queued", 0)
    callbacks[0]()
    assert len(mail.outbox) == 1


# --- At most once -----------------------------------------------------------------------------


def test_an_email_is_never_sent_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_simple()
    assert len(mail.outbox) == 1
    # A duplicate task (send_queued_email, a second worker) finds it sent.
    assert outbox.deliver.call(email.pk) == "skipped"
    call_command("send_queued_email", older_than=0, stdout=StringIO())
    assert outbox.send_again(OutboundEmail.objects.all()) == 0
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


def test_an_email_another_worker_is_sending_is_left_to_it():
    email = queue_simple()  # outside a commit callback: not sent yet
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending", attempts=1, next_attempt_at=timezone.now() + outbox.CLAIM_TIMEOUT
    )
    assert outbox.deliver.call(email.pk) == "skipped"
    call_command("send_queued_email", older_than=0, stdout=StringIO())
    assert mail.outbox == []


def test_a_claim_left_by_a_dead_worker_is_taken_up_again(clock):
    email = queue_simple()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending", attempts=1, next_attempt_at=timezone.now() + outbox.CLAIM_TIMEOUT
    )
    clock(minutes=11)
    out = StringIO()
    call_command("send_queued_email", dry_run=True, stdout=out)
    assert out.getvalue() == "1 email(s) would be queued again.\n"
    assert mail.outbox == []
    call_command("send_queued_email", stdout=out)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


def test_send_queued_email_leaves_fresh_emails_to_their_task():
    queue_simple()
    out = StringIO()
    call_command("send_queued_email", stdout=out)  # due for less than 10 minutes
    assert out.getvalue() == "0 email(s) queued again.\n"
    assert mail.outbox == []


def test_a_delivered_email_keeps_no_one_time_link(partner_a, django_capture_on_commit_callbacks):
    invitation, token = make_invitation(partner_a)
    with django_capture_on_commit_callbacks(execute=True):
        invitation.send(token)
    assert token in mail.outbox[0].body
    email = OutboundEmail.objects.get()
    assert (email.kind, email.status, email.to) == ("invitation", "sent", [invitation.email])
    assert "Alpha District Council" in email.subject  # who, what and when stay
    assert (email.body, email.html, email.attachments) == ("", "", [])


# --- Bad data already stored ------------------------------------------------------------------


def test_line_breaks_in_stored_names_still_give_a_sendable_email(
    client, partner_a, django_capture_on_commit_callbacks
):
    asset = make_asset(reference="ALP-LC-0002", owner=partner_a)
    # Stored before names were checked: a line break that would start a new header.
    Asset.objects.filter(pk=asset.pk).update(name="Column\r\nBcc: victim@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assets:enquiry", args=[asset.reference]), ENQUIRY)
    assert response.status_code == 302
    assert {e.status for e in OutboundEmail.objects.all()} == {"sent"}
    message = mail.outbox[0].message()
    assert message["Subject"] == "Enquiry about asset ALP-LC-0002: Column Bcc: victim@example.org"
    assert message["Bcc"] is None
    assert all("victim" not in address for m in mail.outbox for address in m.recipients())


def test_a_row_with_unsafe_headers_is_cleaned_when_sent():
    email = OutboundEmail.objects.create(
        kind="test",
        from_email="DIZ\nPortal <noreply@diz.example.org>",
        to=["Jo\r\nBloggs <jo@example.org>"],
        reply_to=["Sam\u2028Operator <sam@example.org>"],
        subject="Line one\nLine two\t",
        body="Line one\nLine two.",
    )
    assert outbox.deliver.call(email.pk) == "sent"
    [sent] = mail.outbox
    message = sent.message()
    assert message["Subject"] == "Line one Line two"
    assert message["From"] == "DIZ Portal <noreply@diz.example.org>"
    assert message["To"] == "Jo Bloggs <jo@example.org>"
    assert message["Reply-To"] == "Sam Operator <sam@example.org>"
    assert sent.body == "Line one\nLine two."


def test_nul_characters_are_removed_before_they_reach_the_database(
    django_capture_on_commit_callbacks,
):
    # PostgreSQL refuses NUL in text and JSON alike, so it must go before the row is stored.
    message = EmailMultiAlternatives(
        "Hello\x00there", "Body\x00 text.", to=["Jo\x00Bloggs <jo@example.org>"]
    )
    message.attach_alternative("<p>HTML\x00</p>", "text/html")
    message.attach("note.txt", "Note\x00.", "text/plain")
    with django_capture_on_commit_callbacks() as callbacks:
        email = outbox.queue(message, kind="test")
    email.refresh_from_db()
    assert (email.subject, email.to, email.body) == (
        "Hello there",
        ["Jo Bloggs <jo@example.org>"],
        "Body text.",
    )
    assert (email.html, email.attachments[0]["content"]) == ("<p>HTML</p>", "Note.")
    callbacks[0]()
    assert mail.outbox[0].subject == "Hello there"


# --- What the outbox keeps ----------------------------------------------------------------------


def test_html_part_and_attachments_survive_the_queue(django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(
        "Calendar", "Text part.", to=["jo@example.org"], reply_to=["team@example.org"]
    )
    message.attach_alternative("<p>HTML part.</p>", "text/html")
    message.attach("event.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("logo.png", b"\x89PNG\r\n\x1a\n\x00binary", "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.queue(message, kind="test")
    assert email.attachments[0]["base64"] is False  # an .ics stays readable text
    [sent] = mail.outbox
    assert sent.reply_to == ["team@example.org"]
    assert sent.alternatives[0][:2] == ("<p>HTML part.</p>", "text/html")
    assert [a[0] for a in sent.attachments] == ["event.ics", "logo.png"]
    assert sent.attachments[0][1] == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert sent.attachments[1][1] == b"\x89PNG\r\n\x1a\n\x00binary"


@pytest.mark.parametrize(
    "extra",
    [{"cc": ["cc@example.org"]}, {"bcc": ["bcc@example.org"]}, {"headers": {"X-Tag": "1"}}],
)
def test_what_the_outbox_cannot_keep_is_refused_not_dropped(extra):
    with pytest.raises(ValueError):
        queue_simple(**extra)
    assert not OutboundEmail.objects.exists()


# --- The admin ----------------------------------------------------------------------------------


def failed_email(subject="Broken"):
    return OutboundEmail.objects.create(
        kind="test",
        from_email="noreply@diz.example.org",
        to=["jo@example.org"],
        subject=subject,
        body="Body.",
        status=OutboundEmail.Status.FAILED,
        attempts=6,
        last_error="SMTPException: mailbox unavailable",
    )


def test_programme_manager_sees_failed_emails_and_sends_them_again(
    client, manager, django_capture_on_commit_callbacks
):
    give_totp(manager)
    client.force_login(manager)
    failed = failed_email()
    with django_capture_on_commit_callbacks(execute=True):
        done = queue_simple("done@example.org")
    response = client.get(CHANGELIST, {"status__exact": "failed"})
    assertContains(response, "Broken")
    assertContains(response, "mailbox unavailable")
    assert "done@example.org" not in response.content.decode()
    assertContains(client.get(CHANGELIST, {"q": "done@example"}), "done@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "send_again", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
    assertContains(response, "1 email(s) queued to be sent again. 1 already sent")
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("sent", 1, "")
    assert [m.subject for m in mail.outbox] == ["Hello", "Broken"]  # the sent one not again


def test_outbox_admin_is_a_record_nobody_edits(client, manager):
    give_totp(manager)
    client.force_login(manager)
    email = failed_email()
    change_url = reverse("admin:diz_portal_outboundemail_change", args=[email.pk])
    response = client.get(change_url)
    assertContains(response, "mailbox unavailable")
    assert 'name="_save"' not in response.content.decode()
    client.post(change_url, {"subject": "Changed"})
    email.refresh_from_db()
    assert email.subject == "Broken"
    add_url = reverse("admin:diz_portal_outboundemail_add")
    assert client.get(add_url).status_code == 403


def test_only_staff_reach_the_outbox(client, member):
    client.force_login(member)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
