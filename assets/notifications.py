from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def notify_enquiry(enquiry):
    """Email a new enquiry to the asset owner's members and the programme manager."""
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
    EmailMessage(
        subject=f"Enquiry about asset {asset.reference}: {asset.name}",
        body=render_to_string("assets/email/enquiry.txt", context),
        to=recipients,
        reply_to=[enquiry.email],
    ).send()
