from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from diz_portal.markdown import render_markdown

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
        max_length=200, blank=True, help_text="Where the key figures come from."
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

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300, blank=True, help_text="Shown in page lists.")
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
        """Partners-only entries (restricted assets) reach partner users and staff only."""
        if user.is_authenticated and (user.is_staff or user.memberships.exists()):
            return self
        return self.filter(restricted=False)


class SearchEntry(models.Model):
    """One searchable thing (partner, project, asset, event, page), kept in step by signals.

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

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.key
