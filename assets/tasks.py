"""Background jobs of the asset register: checking and applying CSV imports.

Both run on the "imports" queue, so a long import never delays an email. Each job claims its
import with a conditional UPDATE of the status, so a job run twice (a retry, a second worker)
does its work once.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
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
