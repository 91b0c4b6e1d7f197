"""The brokerage's emails, all through the outbox (sent by the worker once the transaction that
queued them commits).

Who hears what: the operator gets a receipt with the link to their own page, each stage change
and each owner's message; an owner's members (and the programme team) get their own enquiry
only, the operator's messages, reminders before the response target and nothing of any other
owner's enquiry; the programme team gets each new enquiry and the escalations.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from diz_portal import outbox


def member_emails(partner_id):
    """The active members of one partner, by email address. One query."""
    return sorted(
        set(
            get_user_model()
            .objects.filter(memberships__partner_id=partner_id, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _dashboard_url(enquiry):
    return settings.SITE_URL + reverse("dashboard:assets-enquiry", kwargs={"pk": enquiry.pk})


def _render(template, **context):
    return render_to_string(f"assets/email/{template}", {"site_url": settings.SITE_URL, **context})


def notify_request(request, enquiries):
    """A new basket: each owner's members hear of their own enquiry (with the programme team
    copied); the operator gets one receipt with the link to their page."""
    for enquiry in enquiries:
        assets = list(enquiry.assets.order_by("reference"))
        recipients = sorted({*member_emails(enquiry.owner_id), settings.PROGRAMME_MANAGER_EMAIL})
        count = len(assets)
        subject = (
            f"Enquiry about asset {assets[0].reference}: {assets[0].name}"
            if count == 1
            else f"Enquiry about {count} of your assets from {request.organisation}"
        )
        message = EmailMessage(
            subject=subject,
            body=_render(
                "enquiry.txt",
                enquiry=enquiry,
                request=request,
                assets=assets,
                url=_dashboard_url(enquiry),
            ),
            to=recipients,
            reply_to=[request.email],
        )
        outbox.queue(message, kind="enquiry")
    # The operator's receipt. It repeats none of what they typed: the form is public, and a
    # receipt that echoed the message would let anyone send their text to any address through
    # us. A reply reaches the programme team, not a no-reply address.
    total = sum(len(enquiry.assets.all()) for enquiry in enquiries)
    receipt = EmailMessage(
        subject=f"We have received your enquiry about {total} asset{'s' if total != 1 else ''}",
        body=_render(
            "enquiry_receipt.txt",
            request=request,
            enquiries=enquiries,
            url=request.operator_url(),
        ),
        to=[request.email],
        reply_to=[settings.PROGRAMME_MANAGER_EMAIL],
    )
    outbox.queue(receipt, kind="receipt")


def _to_owner(enquiry, subject, template, kind, /, **context):
    """An email to the owner's members (the programme team when it has none), linking to the
    enquiry on their dashboard. Positional-only: the template context holds `enquiry` too."""
    email = EmailMessage(
        subject=subject,
        body=_render(template, url=_dashboard_url(enquiry), **context),
        to=member_emails(enquiry.owner_id) or [settings.PROGRAMME_MANAGER_EMAIL],
    )
    outbox.queue(email, kind=kind)


def _to_operator(request, subject, template, kind, /, **context):
    """An email to the operator, linking to their own page; a reply reaches the programme team.
    Positional-only: the template context holds `request` too."""
    email = EmailMessage(
        subject=subject,
        body=_render(template, url=request.operator_url(), **context),
        to=[request.email],
        reply_to=[settings.PROGRAMME_MANAGER_EMAIL],
    )
    outbox.queue(email, kind=kind)


def notify_stage(enquiry, note):
    """A change of stage: the operator hears of the owner's move; when the operator withdraws,
    the owner's members hear of it."""
    request = enquiry.request
    context = {"enquiry": enquiry, "request": request, "owner": enquiry.owner, "note": note}
    if enquiry.status == enquiry.Status.WITHDRAWN:
        subject = f"{request.organisation} has withdrawn their enquiry"
        _to_owner(enquiry, subject, "enquiry_withdrawn.txt", "enquiry", **context)
    elif enquiry.status == enquiry.Status.AGREED:
        # Enquiry.agree made the agreement before the move: its dates go in the email.
        subject = f"Your agreement with {enquiry.owner.name} is recorded"
        context["agreement"] = enquiry.agreement
        _to_operator(request, subject, "enquiry_agreed.txt", "enquiry", **context)
    else:
        stage = enquiry.get_status_display().lower()
        subject = f"Your enquiry to {enquiry.owner.name}: {stage}"
        if enquiry.status == enquiry.Status.TERMS_OFFERED:
            context["template_url"] = agreement_template_url(enquiry.owner)
        _to_operator(request, subject, "enquiry_stage.txt", "enquiry", **context)


def agreement_template_url(partner):
    """The full address of the partner's standard access agreement, or "" when it has none."""
    if not partner.agreement_template:
        return ""
    return settings.SITE_URL + partner.agreement_template.url


def notify_message(message):
    """A message in the thread goes to the other side: the operator's to the owner's members,
    an owner's to the operator."""
    enquiry = message.enquiry
    request = enquiry.request
    context = {"message": message, "enquiry": enquiry, "request": request, "owner": enquiry.owner}
    if message.from_operator:
        subject = f"New message from {request.organisation} about their enquiry"
        _to_owner(enquiry, subject, "enquiry_message_to_owner.txt", "enquiry", **context)
    else:
        subject = f"New message from {enquiry.owner.name} about your enquiry"
        _to_operator(request, subject, "enquiry_message_to_operator.txt", "enquiry", **context)


def notify_reminder(enquiry):
    """The owner's members: a first response is due soon."""
    subject = f"Reminder: reply to {enquiry.request.organisation} by {_date(enquiry.due_at)}"
    _to_owner(
        enquiry,
        subject,
        "enquiry_reminder.txt",
        "reminder",
        enquiry=enquiry,
        request=enquiry.request,
    )


def notify_escalation(enquiry):
    """The programme team: an owner has missed its first-response target."""
    email = EmailMessage(
        subject=f"Enquiry past its response target: {enquiry.owner.name}",
        body=_render(
            "enquiry_escalation.txt",
            enquiry=enquiry,
            request=enquiry.request,
            url=settings.SITE_URL + reverse("admin:assets_enquiry_change", args=[enquiry.pk]),
        ),
        to=[settings.PROGRAMME_MANAGER_EMAIL],
    )
    outbox.queue(email, kind="escalation")


def _date(moment):
    return date_format(timezone.localtime(moment), "l j F Y")
