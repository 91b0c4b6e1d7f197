import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from diz_portal.markdown import render_markdown
from diz_portal.validators import validate_single_line

# Paths under /events/ that an event slug must not take.
RESERVED_SLUGS = {"past", "calendar.ics", "series", "registrations", "manage"}
MANAGE_SALT = "events.registration.manage"


def new_manage_key():
    return secrets.token_urlsafe(16)


def _not_after(later, earlier):
    """True when both moments are set and `later` is not after `earlier`."""
    return bool(later and earlier and later <= earlier)


class EventSeries(models.Model):
    name = models.CharField(max_length=120, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "event series"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('events:list')}?series={self.slug}"

    def get_calendar_url(self):
        return reverse("events:series-calendar", kwargs={"slug": self.slug})


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def upcoming(self, now=None):
        """Not yet finished, soonest first."""
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None):
        """Finished, most recent first."""
        return self.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")

    def hosted_by(self, partners):
        """Events any of these partners host (a partner queryset or list)."""
        hosting = Event.hosts.through.objects.filter(partner__in=partners)
        return self.filter(pk__in=hosting.values("event_id"))

    def with_counts(self):
        """Annotate confirmed_count and waiting_count (one aggregate query, no N+1)."""
        return self.annotate(
            confirmed_count=Count(
                "registrations",
                filter=Q(registrations__status=Registration.Status.CONFIRMED),
                distinct=True,
            ),
            waiting_count=Count(
                "registrations",
                filter=Q(registrations__status=Registration.Status.WAITING),
                distinct=True,
            ),
        )

    def for_list(self):
        return self.select_related("series").prefetch_related("hosts").with_counts()


class RegistrationRefused(Exception):
    """Registration is not possible; the message says why, in words for the public."""


class Event(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in-person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid (in person and online)"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    # Changing any of these changes what a calendar shows, so SEQUENCE goes up.
    CALENDAR_FIELDS = (
        "title", "summary", "description", "start", "end", "format", "venue_name", "address",
        "postcode", "joining_link", "status", "series_id", "published", "slug",
    )  # fmt: skip

    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=100, unique=True)
    series = models.ForeignKey(
        EventSeries, models.SET_NULL, null=True, blank=True, related_name="events"
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences for listings.",
        validators=[validate_single_line],
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    start = models.DateTimeField(db_index=True, help_text="UK time.")
    end = models.DateTimeField(help_text="UK time.")
    format = models.CharField(max_length=10, choices=Format, default=Format.IN_PERSON)
    venue_name = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=20, blank=True, validators=[validate_single_line])
    joining_link = models.URLField(
        "online joining link",
        max_length=500,
        blank=True,
        help_text="Never shown publicly: only in confirmation emails and registrants' pages.",
    )
    hosts = models.ManyToManyField(
        "partners.Partner", blank=True, related_name="events", verbose_name="host partners"
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="events", verbose_name="related projects"
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty: no limit."
    )
    waitlist_enabled = models.BooleanField(
        "waiting list", default=True, help_text="When full, new registrations join a waiting list."
    )
    registration_opens = models.DateTimeField(null=True, blank=True, help_text="Empty: now.")
    registration_closes = models.DateTimeField(
        null=True, blank=True, help_text="Empty: when the event starts."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.SCHEDULED)
    slides_url = models.URLField("slides link", max_length=500, blank=True)
    recording_url = models.URLField("recording link", max_length=500, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Calendar revision; increases on relevant changes."
    )
    published = models.BooleanField(default=False, db_index=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[hosts])

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="event_end_after_start"),
            models.CheckConstraint(
                condition=Q(format="online")
                | (~Q(venue_name="") & ~Q(address="") & ~Q(postcode="")),
                name="event_venue_unless_online",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens__isnull=True)
                | Q(registration_closes__isnull=True)
                | Q(registration_closes__gt=F("registration_opens")),
                name="event_registration_closes_after_opens",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Bumps SEQUENCE when a calendar-visible field changes (one extra query on update)."""
        if self.pk and not self._state.adding:
            old = Event.objects.filter(pk=self.pk).values(*self.CALENDAR_FIELDS).first()
            if old and any(old[f] != getattr(self, f) for f in self.CALENDAR_FIELDS):
                self.sequence += 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def get_calendar_url(self):
        return reverse("events:calendar", kwargs={"slug": self.slug})

    def absolute_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = "This address is used by the events pages; choose another."
        if _not_after(self.end, self.start):
            errors["end"] = "The end must be after the start."
        errors.update(self._missing_place_errors())
        if self._needs_joining_link():
            errors["joining_link"] = "Enter the joining link for an online or hybrid event."
        if _not_after(self.registration_closes, self.registration_opens):
            errors["registration_closes"] = "Registration must close after it opens."
        if errors:
            raise ValidationError(errors)

    def _missing_place_errors(self):
        """An in-person or hybrid event needs its venue, address and postcode."""
        if self.format == self.Format.ONLINE:
            return {}
        return {
            name: f"Enter the {self._meta.get_field(name).verbose_name}: it is needed unless "
            "the event is online."
            for name in ("venue_name", "address", "postcode")
            if not getattr(self, name).strip()
        }

    def _needs_joining_link(self):
        """An online or hybrid event that has not ended needs its joining link (a past one's
        record may lack it)."""
        upcoming = self.end is None or self.end > timezone.now()
        return self.format != self.Format.IN_PERSON and not self.joining_link and upcoming

    # --- presentation ---------------------------------------------------------------------

    @property
    def description_html(self):
        return render_markdown(self.description)

    @property
    def is_online(self):
        return self.format == self.Format.ONLINE

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self):
        return self.end < timezone.now()

    @property
    def state_label(self):
        """The event's state as the dashboard and admin show it: a scheduled event that has
        ended "took place"; proposals are "proposed" until published."""
        if not self.published:
            return "Proposed (not published)"
        if self.status == self.Status.SCHEDULED and self.is_past:
            return "Took place"
        return self.get_status_display()

    @property
    def location(self):
        """Public place text: the joining link never appears here."""
        if self.is_online:
            return "Online"
        parts = [self.venue_name, " ".join(self.address.split()), self.postcode]
        # Past events whose place the record lacks hold "not recorded" in each part: say so once.
        known = [p for p in parts if p and "not recorded" not in p.lower()]
        place = ", ".join(known) if known or not any(parts) else "Venue not recorded"
        return f"{place} (and online)" if self.format == self.Format.HYBRID else place

    @property
    def resources(self):
        return [
            (label, url)
            for label, url in (("Slides", self.slides_url), ("Recording", self.recording_url))
            if url
        ]

    def places_left(self, confirmed_count=None):
        """Needs confirmed_count (annotated by with_counts()); None means no limit."""
        if self.capacity is None:
            return None
        if confirmed_count is None:
            confirmed_count = self.confirmed_count
        return max(self.capacity - confirmed_count, 0)

    @property
    def is_full(self):
        return self.places_left() == 0

    def registration_problem(self, confirmed_count=None, now=None):
        """Why registration is refused now, in words for the public; None when it is open.

        A full event with a waiting list is open (people join the list)."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return "This event has been cancelled, so registration is closed."
        if self.end < now:
            return "This event has already taken place, so registration is closed."
        if self.status == self.Status.POSTPONED:
            return "This event has been postponed. Registration will reopen when a new date is set."
        if self.registration_opens and now < self.registration_opens:
            opens = timezone.localtime(self.registration_opens)
            return f"Registration opens on {date_format(opens, 'j F Y')} at {opens:%H:%M}."
        closes = self.registration_closes or self.start
        if now >= closes:
            return "Registration for this event has closed."
        places = self.places_left(confirmed_count)
        if places == 0 and not self.waitlist_enabled:
            return "This event is full and has no waiting list."
        return None

    # --- registration ---------------------------------------------------------------------

    def _confirmed_count(self):
        return self.registrations.filter(status=Registration.Status.CONFIRMED).count()

    def register(self, *, name, email, organisation="", needs="", consent=True):
        """Register someone, taking a place or a waiting-list spot.

        Returns (registration, created). created is False when this email already holds an
        active registration. Raises RegistrationRefused when registration is not possible.
        The event row is locked (SELECT ... FOR UPDATE) while places are counted, so two
        people cannot both take the last place; SQLite serialises writers itself.
        """
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=self.pk)
            existing = event.registrations.active().filter(email__iexact=email).first()
            if existing:
                return existing, False
            confirmed = event._confirmed_count()
            problem = event.registration_problem(confirmed_count=confirmed)
            if problem:
                raise RegistrationRefused(problem)
            if event.capacity is None or confirmed < event.capacity:
                status = Registration.Status.CONFIRMED
            else:
                status = Registration.Status.WAITING
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(
                        event=event,
                        name=name,
                        email=email,
                        organisation=organisation,
                        needs=needs,
                        consent=consent,
                        status=status,
                    )
            except IntegrityError:
                # The unique (event, lower(email)) constraint: a concurrent duplicate.
                return event.registrations.active().get(email__iexact=email), False
        return registration, True

    def promote_waiting(self):
        """Fill free places from the waiting list, first come first served.

        Call inside a transaction holding the event row lock. Returns the promoted rows."""
        promoted = []
        if self.is_past or self.status == self.Status.CANCELLED:
            return promoted
        free = None if self.capacity is None else self.capacity - self._confirmed_count()
        waiting = self.registrations.filter(status=Registration.Status.WAITING).order_by(
            "created_at", "pk"
        )
        if free is not None and free <= 0:
            return promoted
        for registration in waiting.select_for_update()[:free]:
            registration.status = Registration.Status.CONFIRMED
            registration.save(update_fields=["status", "updated_at"])
            promoted.append(registration)
        return promoted


class Speaker(models.Model):
    event = models.ForeignKey(Event, models.CASCADE, related_name="speakers")
    name = models.CharField(max_length=200, validators=[validate_single_line])
    role = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    organisation = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Confirmed or waiting: the rows that hold a place or a place in the queue."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def purgeable(self, days, now=None):
        """Personal data not yet removed, for events that ended more than `days` days ago."""
        cutoff = (now or timezone.now()) - timedelta(days=days)
        return self.filter(event__end__lt=cutoff, purged_at__isnull=True)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITING = "waiting", "Waiting list"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=200, validators=[validate_single_line])
    email = models.EmailField(max_length=254)
    organisation = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    needs = models.TextField(
        "accessibility or dietary needs",
        blank=True,
        max_length=1000,
        help_text="Optional. Tell us anything that would help you take part.",
    )
    consent = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.CONFIRMED)
    # Half of the manage link's secret: the link is this key and the row id, signed with
    # SECRET_KEY, so a link cannot be forged or altered, and a new key revokes old links.
    manage_key = models.CharField(max_length=40, default=new_manage_key, editable=False)
    followup_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When personal data was removed."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "manage_key"])

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~Q(status="cancelled") & Q(purged_at__isnull=True),
                name="registration_unique_active_email",
            ),
            models.CheckConstraint(
                condition=Q(consent=True) | Q(purged_at__isnull=False),
                name="registration_consent_given",
            ),
        ]

    def __str__(self):
        return f"Registration {self.pk} for event {self.event_id}"

    def get_absolute_url(self):
        return reverse("events:manage", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.dumps([self.pk, self.manage_key], salt=MANAGE_SALT, compress=False)

    @classmethod
    def from_token(cls, token):
        """The registration a manage link points at, or None if the link is not genuine."""
        try:
            pk, key = signing.loads(token, salt=MANAGE_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        if not isinstance(pk, int) or not isinstance(key, str):
            return None
        return (
            cls.objects.select_related("event", "event__series")
            .filter(pk=pk, manage_key=key, purged_at__isnull=True)
            .first()
        )

    def manage_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def is_active(self):
        return self.status != self.Status.CANCELLED

    def cancel(self):
        """Cancel and, if a place was freed, promote from the waiting list.

        Returns the promoted registrations (empty if none); they still need emailing."""
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=self.event_id)
            current = Registration.objects.select_for_update().get(pk=self.pk)
            if current.status == self.Status.CANCELLED:
                self.status = current.status
                return []
            was_confirmed = current.status == self.Status.CONFIRMED
            self.status = self.Status.CANCELLED
            self.cancelled_at = timezone.now()
            self.save(update_fields=["status", "cancelled_at", "updated_at"])
            return event.promote_waiting() if was_confirmed else []
