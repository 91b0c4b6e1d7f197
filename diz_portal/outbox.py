"""The outbox: the one way the portal sends email.

Build the message as usual, then hand it over instead of calling `.send()`:

    from django.core.mail import EmailMessage
    from diz_portal import outbox

    outbox.queue(EmailMessage(subject, body, to=[user.email]), kind="import")

`queue` stores an OutboundEmail row and, once the current transaction commits, enqueues the
`deliver` task on the "email" queue, which a worker (`manage.py db_worker --queue-name '*'`)
runs. So a request never waits for the mail server nor fails because it is down, and a
transaction that rolls back sends nothing. An EmailMultiAlternatives keeps its text/html part
and its attachments (text such as an .ics as it is, bytes in base64); cc, bcc and extra headers
are refused rather than silently dropped.

Delivery: a worker claims the row (locked, status "sending"), sends it, and marks it sent,
emptying its body and attachments (they may hold one-time links); only a queued row can be
claimed, so two workers, or a task enqueued twice, send it once. When
sending fails the attempt and the error are recorded and the task is enqueued again after 1, 5,
15, 60 and 180 minutes; after the sixth failed attempt the row is marked failed, and the
admin's "Send again" action puts it back in the queue.

A worker that dies after the mail server accepted a message but before it recorded so leaves the
row "sending"; `manage.py send_queued_email` queues such rows again once their claim has run
out (which may send a second copy: better than none), and queues rows whose task was lost.
Where tasks run at once, in-process (the tests, DIZ_TASKS_BACKEND=immediate), a failed email
has no delayed retry: `send_queued_email` sends whatever is due.
"""

import base64
import logging
import re
from datetime import timedelta
from email.mime.base import MIMEBase
from functools import partial

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from diz_portal.models import OutboundEmail

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd… failed attempt; one more attempt after the last wait, then "failed".
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# How long a worker may take over one email before it counts as abandoned. Far longer than
# EMAIL_TIMEOUT, so a slow mail server never gets the same email sent twice.
CLAIM_TIMEOUT = timedelta(minutes=10)

# Control characters (CR, LF, NUL, tab…) and Unicode line separators: in a header they would
# start a new header line (Django refuses with BadHeaderError) or cut the value short.
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def header_text(value) -> str:
    """One clean header line: unsafe characters and runs of spaces become a single space."""
    return " ".join(_HEADER_UNSAFE.sub(" ", str(value)).split())


def body_text(value) -> str:
    """Bodies keep their line breaks; only NUL goes (mail servers and PostgreSQL refuse it)."""
    return str(value).replace("\x00", "")


def queue(message, *, kind: str) -> OutboundEmail:
    """Store `message` (an EmailMessage or EmailMultiAlternatives) and send it from the worker
    once the current transaction commits. Returns the stored row. One query, plus the task."""
    kind = header_text(kind)[:20]
    if not kind:
        raise ValueError("Say what kind of email this is, for example kind='registration'.")
    if message.cc or message.bcc or message.extra_headers:
        raise ValueError("The outbox does not keep cc, bcc or extra headers.")
    if not message.to:
        raise ValueError("An email needs at least one recipient.")
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype != "text/html" or html:
            raise ValueError("The outbox keeps one alternative part, and only text/html.")
        html = content
    email = OutboundEmail.objects.create(
        kind=kind,
        from_email=header_text(message.from_email),
        to=[header_text(address) for address in message.to],
        reply_to=[header_text(address) for address in message.reply_to],
        subject=header_text(message.subject)[:998],
        body=body_text(message.body),
        html=body_text(html),
        attachments=[_stored_attachment(attachment) for attachment in message.attachments],
    )
    # robust: should the enqueue itself fail, the row stays queued for send_queued_email,
    # and the request that queued it still succeeds.
    transaction.on_commit(partial(enqueue, email.pk), robust=True)
    return email


def _stored_attachment(attachment) -> dict:
    if isinstance(attachment, MIMEBase):
        raise ValueError("The outbox keeps attachments given as (filename, content, mimetype).")
    filename, content, mimetype = attachment
    stored = {"filename": header_text(filename or "attachment"), "mimetype": mimetype}
    if isinstance(content, bytes):
        return {**stored, "content": base64.b64encode(content).decode("ascii"), "base64": True}
    return {**stored, "content": body_text(content), "base64": False}


def build_message(email: OutboundEmail, connection=None) -> EmailMultiAlternatives:
    """The message to send, rebuilt from the row; headers are cleaned again here, so even a
    row stored before this code (or edited by hand) cannot raise BadHeaderError."""
    message = EmailMultiAlternatives(
        subject=header_text(email.subject),
        body=body_text(email.body),
        from_email=header_text(email.from_email) or None,
        to=[header_text(address) for address in email.to],
        reply_to=[header_text(address) for address in email.reply_to],
        connection=connection,
    )
    if email.html:
        message.attach_alternative(body_text(email.html), "text/html")
    for item in email.attachments:
        content = base64.b64decode(item["content"]) if item["base64"] else item["content"]
        message.attach(header_text(item["filename"]), content, item["mimetype"])
    return message


def enqueue(outbound_email_id: int, *, run_after=None) -> None:
    """Enqueue the delivery task. A delayed retry needs a backend that can defer (the database
    one); where tasks run at once, the row waits for send_queued_email instead."""
    deliver_task = deliver
    if run_after is not None:
        if not deliver.get_backend().supports_defer:
            return
        deliver_task = deliver.using(run_after=run_after)
    deliver_task.enqueue(outbound_email_id)


@task(queue_name="email")
def deliver(outbound_email_id: int) -> str:
    """Send one queued email. A failure is recorded and retried later, never raised: the
    outbox, not the task queue, keeps count of attempts. Returns what happened."""
    email = _claim(outbound_email_id)
    if email is None:
        return "skipped"
    try:
        build_message(email).send()
    except Exception as exc:
        return _record_failure(email, exc)
    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.next_attempt_at = None
    # Once delivered, only who, what and when are kept. The content goes: invitation and
    # registration emails carry one-time links that the database otherwise never holds.
    email.body, email.html, email.attachments = "", "", []
    email.save(
        update_fields=["status", "sent_at", "next_attempt_at", "body", "html", "attachments"]
    )
    return "sent"


def _claim(outbound_email_id: int) -> OutboundEmail | None:
    """Take the row for one attempt, or None when it is not ours to send: already sent or
    failed, being sent by another worker, or not due yet.

    The lock is held only for this short transaction, never while talking to the mail server:
    on SQLite a transaction locks the whole database. PostgreSQL skips a row another worker has
    locked; SQLite runs one such transaction at a time.
    """
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbound_email_id)
            .first()
        )
        if email is None or not email.is_due(now):
            return None
        email.status = OutboundEmail.Status.SENDING
        email.attempts += 1
        email.next_attempt_at = now + CLAIM_TIMEOUT
        email.save(update_fields=["status", "attempts", "next_attempt_at"])
    return email


def _record_failure(email: OutboundEmail, exc: Exception) -> str:
    email.last_error = body_text(f"{type(exc).__name__}: {exc}")[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = OutboundEmail.Status.FAILED
        email.next_attempt_at = None
        logger.error("Email %s failed %s times, giving up: %s", email.pk, email.attempts, exc)
    else:
        email.status = OutboundEmail.Status.QUEUED
        email.next_attempt_at = timezone.now() + RETRY_DELAYS[email.attempts - 1]
        logger.warning("Email %s not sent (attempt %s): %s", email.pk, email.attempts, exc)
    email.save(update_fields=["status", "last_error", "next_attempt_at"])
    if email.status == OutboundEmail.Status.FAILED:
        return "failed"
    enqueue(email.pk, run_after=email.next_attempt_at)
    return "retrying"


def send_again(emails) -> int:
    """Give failed (and stuck queued) emails a fresh set of attempts, starting now. Emails sent,
    or being sent, are left alone. Returns how many were queued."""
    with transaction.atomic():
        ids = list(
            emails.select_for_update()
            .filter(status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.QUEUED])
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.QUEUED, attempts=0, next_attempt_at=None, last_error=""
        )
        for pk in ids:
            transaction.on_commit(partial(enqueue, pk), robust=True)
    return len(ids)


def requeue_stalled(*, older_than: timedelta, dry_run: bool = False) -> int:
    """Queue delivery again for emails due for longer than `older_than` (their task was lost,
    or tasks run at once and a retry is due) and for claims a dead worker left behind.
    Returns how many."""
    now = timezone.now()
    cutoff = now - older_than
    due = OutboundEmail.objects.due(cutoff).filter(created_at__lte=cutoff)
    abandoned = OutboundEmail.objects.abandoned(now)
    ids = sorted({*due.values_list("pk", flat=True), *abandoned.values_list("pk", flat=True)})
    if dry_run:
        return len(ids)
    abandoned.filter(pk__in=ids).update(status=OutboundEmail.Status.QUEUED, next_attempt_at=now)
    for pk in ids:
        enqueue(pk)
    return len(ids)
