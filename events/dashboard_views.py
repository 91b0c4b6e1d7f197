"""Partner self-service for events under /dashboard/events/.

Events are found through the user's organisations (Event.objects.hosted_by), so another
organisation's event answers 404 and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from events.emails import notify_proposal
from events.exports import attendees_csv
from events.forms import ProposalForm
from events.models import Event
from partners.models import Partner


@login_required
@require_safe
def dashboard_index(request):
    partners = list(Partner.objects.for_user(request.user))
    events = (
        Event.objects.hosted_by(partners)
        .select_related("series")
        .with_counts()
        .order_by("-start", "-pk")
    )
    return render(request, "events/dashboard/index.html", {"events": events, "partners": partners})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard_propose(request):
    partners = Partner.objects.for_user(request.user).order_by("name")
    if not partners.exists():
        raise Http404("You are not a member of a partner organisation.")
    form = ProposalForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        event = form.save(user=request.user)
        notify_proposal(event, form.cleaned_data["partner"], request.user)
        messages.success(
            request,
            f"Thank you. “{event.title}” is saved and the programme team has been told; "
            "it appears on the site once they publish it.",
        )
        return redirect("dashboard:events-index")
    return render(request, "events/dashboard/propose.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard_proposal_edit(request, slug):
    """A host's members correct their proposal until the programme team publishes it; after
    that the event is the team's to change (a published event has registrants)."""
    partners = Partner.objects.for_user(request.user).order_by("name")
    event = get_object_or_404(Event.objects.hosted_by(partners).filter(published=False), slug=slug)
    form = ProposalForm(
        request.POST or None,
        instance=event,
        partners=partners,
        initial={"partner": event.hosts.filter(pk__in=partners).first()},
    )
    if request.method == "POST" and form.is_valid():
        form.save(user=request.user)
        messages.success(
            request, f"Saved your changes to “{event.title}”. The programme team will see them."
        )
        return redirect("dashboard:events-index")
    return render(request, "events/dashboard/propose.html", {"form": form, "event": event})


@login_required
@require_safe
def dashboard_registrations_csv(request, slug):
    """The registrations of an event an organisation of the user hosts, as CSV (else 404)."""
    hosted = Event.objects.hosted_by(Partner.objects.for_user(request.user))
    event = get_object_or_404(hosted, slug=slug)
    return attendees_csv(event.registrations.all(), f"{event.slug}-registrations.csv")


@login_required
@require_safe
def dashboard_registrations(request, slug):
    """Only for events an organisation of the user hosts; anything else is a 404."""
    hosted = Event.objects.hosted_by(Partner.objects.for_user(request.user))
    event = get_object_or_404(hosted.with_counts().select_related("series"), slug=slug)
    registrations = event.registrations.filter(purged_at__isnull=True).order_by("created_at", "pk")
    return render(
        request,
        "events/dashboard/registrations.html",
        {
            "event": event,
            "registrations": registrations,
            "back": reverse("dashboard:events-index"),
            "csv_url": reverse("dashboard:events-registrations-csv", args=[event.slug]),
        },
    )
