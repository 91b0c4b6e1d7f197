from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q, Sum
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from diz_portal.images import RandomImageName, validate_image
from diz_portal.markdown import render_markdown
from diz_portal.validators import validate_single_line

# The programme's themes, in display order. A data migration creates these rows; the admin can
# rename them, and `Theme.objects.ensure_defaults()` restores any that are missing.
DEFAULT_THEMES = [
    ("connectivity", "Connectivity and infrastructure"),
    ("health", "Health and care"),
    ("digital-inclusion", "Digital inclusion"),
    ("skills", "Skills"),
    ("smart-places", "Smart places"),
    ("economy", "Economy and business"),
    ("covid-19", "COVID-19 response"),
]


# /projects/feed/ is the programme-wide feed, so no project may take that slug.
RESERVED_SLUGS = {"feed"}


def format_gbp(amount) -> str:
    """£1,700,000 for whole pounds, £1,250.50 otherwise (no locale settings involved)."""
    amount = Decimal(amount or 0)
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


class ThemeQuerySet(models.QuerySet):
    def ensure_defaults(self):
        """Create any missing default theme (one query per missing row); returns slug -> Theme."""
        themes = {theme.slug: theme for theme in self.all()}
        for order, (slug, name) in enumerate(DEFAULT_THEMES):
            if slug not in themes:
                themes[slug] = self.create(slug=slug, name=name, order=order)
        return themes


class Theme(models.Model):
    """A programme theme such as "Health and care"; projects carry several."""

    name = models.CharField(max_length=80, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def featured(self):
        return self.published().filter(featured=True)

    def for_list(self):
        """Rows for a list of cards: lead partner joined, themes in one extra query."""
        return self.select_related("lead_partner").prefetch_related("themes")

    def for_detail(self):
        """Everything the public project page shows: one query per related list."""
        from partners.models import Partner

        return self.select_related("lead_partner").prefetch_related(
            "themes",
            "districts",
            Prefetch("partners", queryset=Partner.objects.order_by("name")),
            "funding_lines",
            "outcomes",
            Prefetch(
                "updates",
                queryset=ProjectUpdate.objects.filter(published=True),
                to_attr="published_updates",
            ),
        )

    def led_by(self, partners):
        """Projects whose lead partner is one of `partners` (a queryset or a list)."""
        return self.filter(lead_partner__in=partners)

    def involving(self, partner):
        """Projects a partner leads or takes part in, without duplicate rows."""
        joined = Project.partners.through.objects.filter(partner=partner).values("project_id")
        return self.filter(Q(lead_partner=partner) | Q(pk__in=joined))

    def involving_any(self, partners):
        """Projects any of `partners` leads or takes part in (a partner user's dashboard)."""
        joined = Project.partners.through.objects.filter(partner__in=partners).values("project_id")
        return self.filter(Q(lead_partner__in=partners) | Q(pk__in=joined))

    def involving_slug(self, slug):
        joined = Project.partners.through.objects.filter(partner__slug=slug).values("project_id")
        return self.filter(Q(lead_partner__slug=slug) | Q(pk__in=joined))

    def newest_first(self):
        return self.order_by(F("start_date").desc(nulls_last=True), "-created_at", "title")

    def funding_secured(self) -> Decimal:
        """Total of awarded and received funding lines of these projects (one query)."""
        total = FundingLine.objects.filter(
            project__in=self.values("pk"), status__in=FundingLine.SECURED
        ).aggregate(total=Sum("amount"))["total"]
        return total or Decimal("0")


class Project(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ON_HOLD = "on-hold", "On hold"

    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=100, unique=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.PROPOSED, db_index=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="projects")
    summary = models.TextField(
        max_length=600, help_text="One or two sentences shown in lists and at the top of the page."
    )
    body = models.TextField(blank=True, help_text="Markdown.")
    lead_partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="led_projects"
    )
    partners = models.ManyToManyField(
        "partners.Partner",
        blank=True,
        related_name="projects",
        verbose_name="partner organisations",
        help_text="Organisations taking part, besides the lead partner.",
    )
    districts = models.ManyToManyField("partners.District", blank=True, related_name="projects")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    image = models.ImageField(
        upload_to=RandomImageName("projects/images"),
        validators=[validate_image],
        blank=True,
        help_text="PNG, JPEG or WebP.",
    )
    image_alt = models.CharField(
        "image description",
        max_length=200,
        blank=True,
        help_text="What the image shows, for people who cannot see it.",
        validators=[validate_single_line],
    )
    featured = models.BooleanField(default=False, help_text="Shown on the home page.")
    published = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=[themes, partners, districts]
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="project_end_not_before_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"“{self.slug}” is used by the site itself; choose another slug."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date cannot be before the start date."
        if errors:
            raise ValidationError(errors)

    @property
    def body_html(self):
        return render_markdown(self.body)


class FundingLine(models.Model):
    class Status(models.TextChoices):
        BID = "bid", "Bid"
        AWARDED = "awarded", "Awarded"
        RECEIVED = "received", "Received"

    # Money the project can count on: what the funding total on the list page adds up.
    SECURED = [Status.AWARDED, Status.RECEIVED]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding_lines")
    funder = models.CharField(max_length=200, validators=[validate_single_line])
    programme = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. DCMS Local Full Fibre Networks",
        validators=[validate_single_line],
    )
    amount = models.DecimalField(
        "amount (£)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.BID)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.funder}: {format_gbp(self.amount)}"

    @property
    def amount_display(self):
        return format_gbp(self.amount)

    @property
    def is_secured(self):
        return self.status in self.SECURED


class Outcome(models.Model):
    """A short labelled figure, e.g. "GP sites connected: 74"."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    label = models.CharField(max_length=120, validators=[validate_single_line])
    value = models.CharField(max_length=60, validators=[validate_single_line])
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.label}: {self.value}"


class ProjectUpdateQuerySet(models.QuerySet):
    def published(self):
        """Published updates of published projects: what the public timeline and feeds show."""
        return self.filter(published=True, project__published=True)

    def for_feed(self):
        return self.published().select_related("project__lead_partner").order_by("-date", "-pk")


class ProjectUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    date = models.DateField(default=timezone.localdate)
    body = models.TextField(help_text="Markdown.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_updates",
    )
    published = models.BooleanField(
        default=True, help_text="Show this update on the project's public timeline and feeds."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProjectUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.project.slug}) + self.anchor

    @property
    def anchor(self):
        return f"#update-{self.pk}"

    @property
    def body_html(self):
        return render_markdown(self.body)
