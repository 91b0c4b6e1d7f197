from django.contrib import admin, messages
from django.db import models, transaction
from django.utils import timezone

from diz_portal.history import PortalHistoryAdmin
from events.emails import send_followup, send_registration_email
from events.exports import attendees_csv
from events.models import Event, EventSeries, Registration, Speaker


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 1
    fields = ["name", "role", "organisation", "order"]


@admin.register(EventSeries)
class EventSeriesAdmin(PortalHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class WhenFilter(admin.SimpleListFilter):
    """Upcoming events first (soonest at the top), unless the manager asks for past ones."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past"), ("all", "All")]

    def choices(self, changelist):
        # "Upcoming" is what the list shows with no choice made, so it is marked as chosen.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "upcoming") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "past":
            return queryset.filter(end__lt=now)
        if self.value() == "all" or (self.value() is None and request.method == "POST"):
            # The default only narrows what is shown: an action posted without a choice
            # applies to whichever events were ticked.
            return queryset
        return queryset.filter(end__gte=now)


@admin.register(Event)
class EventAdmin(PortalHistoryAdmin):
    list_display = [
        "title", "start", "format", "state", "published", "series", "confirmed", "waiting",
        "capacity",
    ]  # fmt: skip
    list_filter = [WhenFilter, "published", "status", "format", "series", "hosts", "start"]
    search_fields = ["title", "summary", "venue_name", "postcode"]
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["hosts", "projects"]
    readonly_fields = ["sequence", "proposed_by", "created_at", "updated_at"]
    inlines = [SpeakerInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["export_attendees", "send_followup_email"]

    def get_ordering(self, request):
        # Soonest first among upcoming events; most recent first among past ones.
        return ["start"] if request.GET.get("when", "upcoming") == "upcoming" else ["-start"]

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        return obj.state_label

    fieldsets = [
        (None, {"fields": ["title", "slug", "series", "summary", "description", "published"]}),
        ("When", {"fields": ["start", "end", "status"]}),
        ("Where", {"fields": ["format", "venue_name", "address", "postcode", "joining_link"]}),
        ("Who", {"fields": ["hosts", "projects"]}),
        (
            "Registration",
            {
                "fields": [
                    "capacity",
                    "waitlist_enabled",
                    "registration_opens",
                    "registration_closes",
                ]
            },
        ),
        ("After the event", {"fields": ["slides_url", "recording_url"]}),
        ("Record", {"fields": ["sequence", "proposed_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # More places (or no limit now): give them to the waiting list, in order.
            # Their emails go out only if the whole save commits (the outbox waits for it).
            with transaction.atomic():
                promoted = Event.objects.select_for_update().get(pk=obj.pk).promote_waiting()
                for registration in promoted:
                    send_registration_email(registration, promoted=True)
            if promoted:
                self.message_user(
                    request,
                    f"{len(promoted)} person(s) moved from the waiting list and emailed.",
                    messages.SUCCESS,
                )

    def get_queryset(self, request):
        # Counts come from one annotated query, not one query per row.
        return super().get_queryset(request).select_related("series").with_counts()

    @admin.display(description="Confirmed", ordering="confirmed_count")
    def confirmed(self, obj):
        return obj.confirmed_count

    @admin.display(description="Waiting", ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    @admin.action(description="Export attendees of the selected events (CSV)")
    def export_attendees(self, request, queryset):
        registrations = Registration.objects.filter(event__in=queryset)
        return attendees_csv(registrations, "attendees.csv")

    @admin.action(description="Email slides and recording links to confirmed attendees")
    def send_followup_email(self, request, queryset):
        now = timezone.now()
        for event in queryset:
            if event.end >= now:
                self.message_user(
                    request, f"“{event}” has not finished yet: nothing sent.", messages.WARNING
                )
                continue
            if not event.resources:
                self.message_user(
                    request,
                    f"“{event}” has no slides or recording link yet: nothing sent.",
                    messages.WARNING,
                )
                continue
            with transaction.atomic():
                # Lock the rows, mark them and queue their emails in one transaction: each
                # person is emailed at most once, even if two people run the action at once.
                due = list(
                    event.registrations.select_for_update()
                    .filter(
                        status=Registration.Status.CONFIRMED,
                        followup_sent_at__isnull=True,
                        purged_at__isnull=True,
                    )
                    .order_by("pk")
                )
                Registration.objects.filter(pk__in=[r.pk for r in due]).update(followup_sent_at=now)
                sent = send_followup(event, due)
            self.message_user(
                request, f"“{event}”: follow-up sent to {sent} attendee(s).", messages.SUCCESS
            )


@admin.register(Registration)
class RegistrationAdmin(PortalHistoryAdmin):
    list_display = ["name", "email", "event", "status", "created_at", "followup_sent_at"]
    list_filter = ["status", "event"]
    search_fields = ["name", "email", "organisation", "event__title"]
    list_select_related = ["event"]
    readonly_fields = ["created_at", "cancelled_at", "followup_sent_at", "purged_at"]
    raw_id_fields = ["event"]

    def view_on_site(self, obj):
        # The manage link is a secret for the registrant; the admin links the event instead.
        return obj.event.get_absolute_url()
