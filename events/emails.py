"""Emails to registrants and the programme team. Each has a plain text and an HTML part.

All go through the outbox: queued with the change that causes them, sent by the worker once it
commits, so a rollback sends nothing and a mail server outage fails no request.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from diz_portal import outbox
from events.calendar import build_calendar


def _message(subject, template, context, to):
    context = {**context, "site_url": settings.SITE_URL}
    text = render_to_string(f"events/emails/{template}.txt", context)
    html = render_to_string(f"events/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=to)
    message.attach_alternative(html, "text/html")
    return message


def _attach_calendar(message, event):
    """The registrant's own copy: it may carry the joining link, never a public feed."""
    ics = build_calendar([event], event.title, joining_link=True)
    message.attach(f"{event.slug}.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")


def send_registration_email(registration, *, promoted=False, reminder=False):
    """Confirmation (or waiting-list notice, or promotion) with the manage link.

    A confirmed place gets the event's .ics attached; a waiting-list spot does not yet."""
    event = registration.event
    confirmed = registration.status == registration.Status.CONFIRMED
    if promoted:
        subject = f"A place has come up: you are now registered for {event.title}"
    elif confirmed:
        subject = f"You are registered: {event.title}"
    else:
        subject = f"You are on the waiting list: {event.title}"
    context = {
        "event": event,
        "registration": registration,
        "confirmed": confirmed,
        "promoted": promoted,
        "reminder": reminder,
        "manage_url": registration.manage_url(),
    }
    message = _message(subject, "registration", context, [registration.email])
    if confirmed:
        _attach_calendar(message, event)
    outbox.queue(message, kind="registration")


def send_cancellation_email(registration):
    """Confirms a cancelled registration, so someone who did not ask for it can say so."""
    event = registration.event
    context = {"event": event, "registration": registration, "event_url": event.get_absolute_url()}
    message = _message(
        f"Your registration is cancelled: {event.title}", "cancelled", context, [registration.email]
    )
    outbox.queue(message, kind="registration")


def send_followup(event, registrations):
    """Queue the after-event links to each registrant; returns how many were queued.

    Call it in the transaction that marks them as sent, so that each person gets it once."""
    for registration in registrations:
        message = _message(
            f"Slides and recording: {event.title}",
            "followup",
            {"event": event, "registration": registration},
            [registration.email],
        )
        outbox.queue(message, kind="follow-up")
    return len(registrations)


def notify_proposal(event, partner, user):
    admin_path = reverse("admin:events_event_change", args=[event.pk])
    context = {
        "event": event,
        "partner": partner,
        "user": user,
        "admin_url": settings.SITE_URL + admin_path,
    }
    message = _message(
        f"Event proposed by {partner.name}: {event.title}",
        "proposal",
        context,
        [settings.PROGRAMME_MANAGER_EMAIL],
    )
    outbox.queue(message, kind="proposal")
