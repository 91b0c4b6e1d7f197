"""Background jobs of the asset register: checking and applying CSV imports, and the
enquiries' clocks.

The import jobs run on the "imports" queue, so a long import never delays an email. Each
import job claims its import with a conditional UPDATE of the status, so a job run twice (a
retry, a second worker) does its work once.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from assets import importer
from assets.models import AssetImport
from diz_portal import outbox

logger = logging.getLogger(__name__)


@task(queue_name="imports")
def check_import(import_id: int):
    batch = AssetImport.objects.select_related("owner").filter(pk=import_id).first()
    if batch is None:
        return
    try:
        importer.check(batch)
    except Exception:
        # Whatever went wrong, the person watching the progress page must not wait forever.
        logger.exception("Import %s could not be checked", import_id)
        importer.give_up(batch, "The file could not be checked because of a fault on our side.")
        raise


@task(queue_name="imports")
def apply_import(import_id: int):
    batch = AssetImport.objects.select_related("owner", "uploaded_by").filter(pk=import_id).first()
    if batch is None:
        return
    try:
        importer.apply(batch)
    except Exception:
        logger.exception("Import %s could not be applied", import_id)
        importer.give_up(batch, "The import could not be applied because of a fault on our side.")
        raise
    finally:
        importer.discard_staging(batch)
    notify_uploader(batch)


def status_url(batch):
    if batch.owner_id is None:
        return settings.SITE_URL + reverse("admin:assets_asset_import_preview", args=[batch.pk])
    return settings.SITE_URL + reverse("dashboard:assets-import-preview", args=[batch.pk])


def notify_uploader(batch):
    """Tell the person who uploaded the file how it ended (through the outbox)."""
    user = batch.uploaded_by
    if user is None or not user.email:
        return
    applied = batch.status == AssetImport.Status.APPLIED
    context = {"batch": batch, "applied": applied, "url": status_url(batch)}
    subject = (
        f"Import of {batch.filename} complete"
        if applied
        else f"Import of {batch.filename} failed: nothing was changed"
    )
    message = EmailMessage(
        subject=subject,
        body=render_to_string("assets/email/import_finished.txt", context),
        to=[user.email],
    )
    outbox.queue(message, kind="import")


def _claim_and_notify(enquiries, stamp, now, notify):
    """Each of `enquiries` whose `stamp` is still empty: set it, then `notify`, in one
    transaction. The conditional UPDATE claims the enquiry, so two runs at once send one
    email. Returns how many were notified."""
    from assets.models import Enquiry

    notified = 0
    unclaimed = {f"{stamp}__isnull": True}
    for enquiry in enquiries.filter(**unclaimed).select_related("request", "owner"):
        with transaction.atomic():
            if Enquiry.objects.filter(pk=enquiry.pk, **unclaimed).update(**{stamp: now}):
                notify(enquiry)
                notified += 1
    return notified


@task(queue_name="default")
def send_enquiry_reminders():
    """The enquiries' clocks (run by `manage.py enquiry_clocks`, from cron). Idempotent: each
    enquiry is reminded once and escalated once, however often this runs.

    - Still waiting for a first response, due within REMINDER_WORKING_DAYS working days, not
      reminded yet: the owner's members are reminded.
    - Past its due time with no first response, not escalated yet: the programme team is told.

    Each enquiry is claimed with a conditional UPDATE before its email is queued, so two runs
    at the same moment send one email. Returns (reminded, escalated).
    """
    from assets.models import Enquiry
    from assets.notifications import notify_escalation, notify_reminder

    now = timezone.now()
    reminded = _claim_and_notify(
        Enquiry.objects.due_soon(now), "reminder_sent_at", now, notify_reminder
    )
    escalated = _claim_and_notify(
        Enquiry.objects.overdue(now), "escalated_at", now, notify_escalation
    )
    if reminded or escalated:
        logger.info("Enquiry clocks: %s reminded, %s escalated", reminded, escalated)
    return [reminded, escalated]


# --- freshness: the weekly "assets due for review" email ---------------------------------------

# Due: the review-by date has passed or falls within this many days.
REVIEW_WINDOW_DAYS = 30
# Assets listed in one email; the rest are counted, and the dashboard lists them all.
REVIEW_LIST_LIMIT = 50


@task(queue_name="default")
def send_review_reminders():
    """Email each partner's members the list of their assets due for review (review-by date
    passed or within REVIEW_WINDOW_DAYS days), at most once a week per partner however often
    this runs (run by `manage.py assets_review_reminders`, from cron). Each partner's week is
    claimed (AssetReviewReminder, unique per partner and week) before its email is queued, so
    two runs at the same moment send one email. Returns the number of partners emailed."""
    from datetime import timedelta

    from django.db import IntegrityError

    from assets.models import Asset, AssetReviewReminder
    from partners.models import Membership, Partner

    today = timezone.localdate()
    week = today - timedelta(days=today.weekday())
    due = (
        Asset.objects.due_for_review(today, within_days=REVIEW_WINDOW_DAYS)
        .exclude(owner__in=AssetReviewReminder.objects.filter(week=week).values("partner"))
        .order_by("owner_id", "review_by", "reference")
        .values_list("owner_id", "reference", "name", "review_by")
    )
    by_owner = {}
    for owner_id, reference, name, review_by in due.iterator(chunk_size=2000):
        by_owner.setdefault(owner_id, []).append((reference, name, review_by))
    if not by_owner:
        return 0
    emails = {}
    members = Membership.objects.filter(partner_id__in=by_owner, user__is_active=True)
    members = members.values_list("partner_id", "user__email")
    for partner_id, email in members:
        if email:
            emails.setdefault(partner_id, set()).add(email)
    sent = 0
    for partner in Partner.objects.filter(pk__in=by_owner).order_by("pk"):
        assets = by_owner[partner.pk]
        recipients = sorted(emails.get(partner.pk, ()))
        if not recipients:
            continue
        try:
            with transaction.atomic():
                AssetReviewReminder.objects.create(
                    partner=partner, week=week, asset_count=len(assets)
                )
                notify_review_due(partner, assets, recipients, today)
        except IntegrityError:
            continue  # another run has sent this partner's email for the week
        sent += 1
    if sent:
        logger.info("Review reminders sent to %s partners", sent)
    return sent


def notify_review_due(partner, assets, recipients, today):
    """One email to the partner's members listing its assets due for review."""
    overdue = sum(1 for _, _, review_by in assets if review_by < today)
    context = {
        "partner": partner,
        "assets": [
            {
                "reference": reference,
                "name": name,
                "review_by": review_by,
                "overdue": review_by < today,
            }
            for reference, name, review_by in assets[:REVIEW_LIST_LIMIT]
        ],
        "more": max(len(assets) - REVIEW_LIST_LIMIT, 0),
        "count": len(assets),
        "overdue": overdue,
        "days": REVIEW_WINDOW_DAYS,
        "url": settings.SITE_URL + reverse("dashboard:assets-list") + "#review",
        "site_url": settings.SITE_URL,
    }
    plural = "s" if len(assets) != 1 else ""
    subject = f"{len(assets):,} asset{plural} of {partner.name} due for review"
    message = EmailMessage(
        subject=subject,
        body=render_to_string("assets/email/review_due.txt", context),
        to=recipients,
    )
    outbox.queue(message, kind="asset-review")
