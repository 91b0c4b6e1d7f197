from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from diz_portal import outbox


def notify_enquiry(enquiry):
    """Queue the new enquiry to the asset owner's members and the programme manager, and a
    receipt to the operator who sent it. Sent by the worker once the enquiry is saved."""
    asset = enquiry.asset
    members = (
        get_user_model()
        .objects.filter(memberships__partner_id=asset.owner_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    recipients = sorted({*members, settings.PROGRAMME_MANAGER_EMAIL})
    context = {"enquiry": enquiry, "asset": asset, "site_url": settings.SITE_URL}
    owners = EmailMessage(
        subject=f"Enquiry about asset {asset.reference}: {asset.name}",
        body=render_to_string("assets/email/enquiry.txt", context),
        to=recipients,
        reply_to=[enquiry.email],
    )
    outbox.queue(owners, kind="enquiry")
    # The operator's receipt. It repeats none of what they typed: the form is public, and a
    # receipt that echoed the message would let anyone send their text to any address through
    # us. A reply reaches the programme team, not a no-reply address.
    receipt = EmailMessage(
        subject=f"We have received your enquiry about {asset.name}",
        body=render_to_string("assets/email/enquiry_receipt.txt", context),
        to=[enquiry.email],
        reply_to=[settings.PROGRAMME_MANAGER_EMAIL],
    )
    outbox.queue(receipt, kind="receipt")
