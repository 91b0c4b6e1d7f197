from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from diz_portal.hooks import hooks
from diz_portal.markdown import render_markdown
from diz_portal.validators import validate_single_line

# Slugs that would shadow the portal's own top-level URLs.
RESERVED_SLUGS = {
    "admin", "accounts", "assets", "dashboard", "events", "health", "media", "partners",
    "projects", "search", "sitemap.xml", "robots.txt", "static",
}  # fmt: skip


class SiteContentQuerySet(models.QuerySet):
    def current(self):
        """The single row of site-wide content, created with defaults when missing (one query)."""
        obj, _ = self.get_or_create(pk=1)
        return obj


class SiteContent(models.Model):
    """Home page text and "The place" key figures, edited by the programme manager."""

    vision = models.TextField(
        default=(
            "To be the best connected place of its type in the UK. A place of innovation and "
            "inclusion. A place where the benefits of digital investment are harnessed, "
            "maximised and shared across residents, commuters, businesses and borders."
        ),
        help_text="The vision statement shown at the top of the home page.",
    )
    introduction = models.TextField(
        blank=True, help_text="A short paragraph under the vision (Markdown)."
    )
    districts = models.PositiveIntegerField(default=5)
    counties = models.PositiveIntegerField(default=2)
    leps = models.PositiveIntegerField("LEPs", default=2)
    population = models.PositiveIntegerField(default=550_000)
    businesses = models.PositiveIntegerField(default=32_500)
    figures_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the key figures come from.",
        validators=[validate_single_line],
    )
    contact_email = models.EmailField(default="programme@diz.org.uk")

    history = HistoricalRecords()

    objects = SiteContentQuerySet.as_manager()

    class Meta:
        verbose_name = "site content"
        verbose_name_plural = "site content"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="site_content_one_row")
        ]

    def __str__(self):
        return "Site content"

    @property
    def introduction_html(self):
        return render_markdown(self.introduction)


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def in_navigation(self):
        return self.published().filter(show_in_navigation=True).order_by("nav_order", "title")


class Page(models.Model):
    """An admin-edited content page (About, Background, Accessibility statement…)."""

    class Section(models.TextChoices):
        ABOUT = "about", "About the DIZ"
        FOOTER = "footer", "Footer (legal and contact)"

    title = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown in page lists.",
        validators=[validate_single_line],
    )
    body = models.TextField(help_text="Markdown. HTML is removed except safe formatting.")
    section = models.CharField(max_length=10, choices=Section, default=Section.ABOUT)
    nav_order = models.PositiveSmallIntegerField(default=100, db_index=True)
    show_in_navigation = models.BooleanField(default=True)
    published = models.BooleanField(default=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["nav_order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("page", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "This address is used by another part of the site."})

    @property
    def body_html(self):
        return render_markdown(self.body)


class ContentVersion(models.Model):
    """A counter bumped by every content change; part of every cached page's key.

    Kept in the database, not the cache, so that every app server sees a change at once even
    with per-process memory caches.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="content_version_one_row")
        ]

    def __str__(self):
        return f"Content version {self.value}"


class SearchEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Partners-only entries (restricted assets) reach whoever the register shows them to:
        the same rule as Asset.objects.visible_to, not a copy of it. The app that owns the
        rule answers through its publishing.sees_restricted hook; with none, nobody does."""
        if any(func(user) for func in hooks("publishing", "sees_restricted")):
            return self
        return self.filter(restricted=False)


class SearchEntry(models.Model):
    """One searchable thing (a content page, or anything an app publishes), kept in step by
    signals (diz_portal/search.py).

    A single table lets one query search every kind; on PostgreSQL `vector` holds a weighted
    tsvector (title A, summary B, body C) behind a GIN index.
    """

    key = models.CharField(max_length=80, unique=True)  # "<app_label>.<model>:<pk>"
    kind = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    restricted = models.BooleanField(default=False, db_index=True)
    vector = SearchVectorField(null=True, editable=False)

    objects = SearchEntryQuerySet.as_manager()

    # Derived from the models it indexes, whose own changes refresh cached pages.
    changes_public_pages = False

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.key


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Queued emails whose next attempt may start now."""
        now = now or timezone.now()
        return self.filter(status=OutboundEmail.Status.QUEUED).filter(
            models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
        )

    def abandoned(self, now=None):
        """Emails a worker claimed but never finished (it died mid-send): the claim expired."""
        now = now or timezone.now()
        return self.filter(status=OutboundEmail.Status.SENDING, next_attempt_at__lte=now)


class OutboundEmail(models.Model):
    """One email the portal sends, kept until it is delivered: the outbox.

    Requests only store the message (diz_portal/outbox.py); the worker sends it, retrying with
    a growing delay while the mail server is unreachable. Fields hold plain data, so the row
    alone rebuilds the message; headers are cleaned again when it is rebuilt. Once sent, the
    body, HTML and attachments are emptied: some carry one-time links (invitations).
    """

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    kind = models.CharField(
        max_length=20, help_text="What the email is: registration, enquiry, invitation, import…"
    )
    from_email = models.CharField("from", max_length=400)
    to = models.JSONField(default=list, help_text="Recipient addresses.")
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)  # the longest line RFC 5322 allows
    body = models.TextField()
    html = models.TextField("HTML body", blank=True)
    # [{"filename", "content", "mimetype", "base64"}]: text (an .ics) as is, bytes in base64.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Queued: the earliest time of the next try. Sending: when the claim runs out.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_email_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed"]),
                name="outbound_email_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="outbound_email_sent_has_date",
            ),
            models.CheckConstraint(condition=~models.Q(kind=""), name="outbound_email_has_kind"),
        ]

    def __str__(self):
        return f"{self.kind} email {self.pk}: {self.subject}"

    def is_due(self, now):
        """Queued, and its next attempt may start at `now` (the same rule as `due()`)."""
        return self.status == self.Status.QUEUED and (
            self.next_attempt_at is None or self.next_attempt_at <= now
        )
