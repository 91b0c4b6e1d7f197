from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from events.calendar import build_calendar
from events.emails import send_cancellation_email, send_registration_email
from events.filters import EventFilter
from events.forms import RegistrationForm
from events.models import Event, EventSeries, Registration, RegistrationRefused
from partners.models import Partner

# Feeds keep recently finished events so subscribed calendars do not lose them at once.
FEED_KEEPS_PAST_DAYS = 90


def _listing(request, *, past):
    events = Event.objects.published().for_list()
    events = events.past() if past else events.upcoming()
    filterset = EventFilter(request.GET or None, queryset=events)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        # Say what was wrong and show nothing rather than guess.
        status = 400
        results = Event.objects.none()
    else:
        results = filterset.qs
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "past": past}
    return render(request, "events/event_list.html", context, status=status)


@require_safe
def event_list(request):
    return _listing(request, past=False)


@require_safe
def event_past(request):
    return _listing(request, past=True)


def _detail_queryset(user):
    Project = Event._meta.get_field("projects").related_model
    events = (
        Event.objects.with_counts()
        .select_related("series")
        .prefetch_related(
            Prefetch("hosts", queryset=Partner.objects.published()),
            "speakers",
            Prefetch("projects", queryset=Project.objects.filter(published=True)),
        )
    )
    # Staff may preview an unpublished event from the admin's "view on site".
    return events if user.is_staff else events.published()


def _webcal(request, path):
    return f"webcal://{request.get_host()}{path}"


@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request, slug):
    event = get_object_or_404(_detail_queryset(request.user), slug=slug)
    problem = event.registration_problem()
    if not event.published:
        problem = "This event is not published yet, so registration is not open."
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if problem:
            status = 409
        elif form.is_valid():
            try:
                registration, created = event.register(**form.cleaned_data)
            except RegistrationRefused as exc:
                # The last place went, or the event changed, while the form was open.
                problem, status = str(exc), 409
            else:
                if created:
                    send_registration_email(registration)
                    return redirect("events:confirmation", token=registration.token)
                send_registration_email(registration, reminder=True)
                messages.info(
                    request,
                    "This email address is already registered for this event, so we have not "
                    "registered it again. We have sent its confirmation and manage link to it "
                    "once more.",
                )
                return redirect(event.get_absolute_url() + "#register")
    context = {
        "event": event,
        "form": form,
        "problem": problem,
        "places_left": event.places_left(),
        "webcal_url": _webcal(request, event.get_calendar_url()),
    }
    return render(request, "events/event_detail.html", context, status=status)


def _registration_or_404(token):
    registration = Registration.from_token(token)
    if registration is None:
        raise Http404("No such registration link.")
    return registration


@require_safe
def registration_confirmation(request, token):
    registration = _registration_or_404(token)
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "webcal_url": _webcal(request, event.get_calendar_url()),
    }
    return render(request, "events/registration_confirmation.html", context)


@require_safe
def registration_manage(request, token):
    """The registrant's own page: their details, joining link (when confirmed), cancel."""
    registration = _registration_or_404(token)
    position = None
    if registration.status == Registration.Status.WAITING:
        earlier = Q(created_at__lt=registration.created_at) | Q(
            created_at=registration.created_at, pk__lte=registration.pk
        )
        waiting = registration.event.registrations.filter(status=Registration.Status.WAITING)
        position = waiting.filter(earlier).count()
    context = {
        "registration": registration,
        "event": registration.event,
        "position": position,
        "can_cancel": registration.is_active and not registration.event.is_past,
        "token": token,
        "webcal_url": _webcal(request, registration.event.get_calendar_url()),
    }
    return render(request, "events/registration_manage.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel(request, token):
    """Ask first (GET), then cancel (POST): the registrant is emailed that it is done."""
    registration = _registration_or_404(token)
    if not registration.is_active:
        messages.info(request, "This registration was already cancelled.")
    elif registration.event.is_past:
        messages.error(
            request, "This event has already taken place, so there is nothing to cancel."
        )
    elif request.method != "POST":
        context = {"registration": registration, "event": registration.event, "token": token}
        return render(request, "events/registration_cancel.html", context)
    else:
        with transaction.atomic():
            promoted = registration.cancel()
            send_cancellation_email(registration)
            for other in promoted:
                send_registration_email(other, promoted=True)
        messages.success(
            request,
            "Your registration is cancelled. We have emailed you to confirm it. Thank you for "
            "letting us know.",
        )
    return redirect("events:manage", token=token)


def _calendar_response(ics, filename=None):
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _feed_events():
    since = timezone.now() - timedelta(days=FEED_KEEPS_PAST_DAYS)
    # Cancelled events stay in the feed with STATUS:CANCELLED so calendars remove them.
    return Event.objects.published().filter(end__gte=since).select_related("series")


@require_safe
def event_calendar(request, slug):
    event = get_object_or_404(Event.objects.published().select_related("series"), slug=slug)
    return _calendar_response(build_calendar([event], event.title), f"{event.slug}.ics")


@require_safe
def calendar_feed(request):
    return _calendar_response(build_calendar(_feed_events(), "DIZ events"))


@require_safe
def series_calendar(request, slug):
    series = get_object_or_404(EventSeries, slug=slug)
    events = _feed_events().filter(series=series)
    return _calendar_response(build_calendar(events, f"DIZ: {series.name}"))
