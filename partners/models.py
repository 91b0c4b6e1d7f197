from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from diz_portal.markdown import render_markdown


class District(models.Model):
    """One of the five DIZ districts; created by a data migration, shared by every app."""

    class County(models.TextChoices):
        ESSEX = "essex", "Essex"
        HERTFORDSHIRE = "hertfordshire", "Hertfordshire"

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    county = models.CharField(max_length=15, choices=County)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sector(models.TextChoices):
    """The partnership's make-up as the DIZ itself describes it."""

    LOCAL_AUTHORITY = "local-authority", "Local authority"
    HEALTH_COMMISSIONER = "health-commissioner", "Health: commissioner"
    HEALTH_ACUTE = "health-acute", "Health: acute hospital"
    HEALTH_COMMUNITY = "health-community", "Health: community health"
    VOLUNTARY = "voluntary", "Community and voluntary sector"
    HIGHER_EDUCATION = "higher-education", "Higher education"
    FURTHER_EDUCATION = "further-education", "Further education"
    CONSULTANT = "consultant", "Strategic digital consultant"
    GOVERNMENT = "government", "Government and national body"
    PRIVATE_INFRASTRUCTURE = "private-infrastructure", "Private sector: digital infrastructure"
    PRIVATE_DATA_CENTRE = "private-data-centre", "Private sector: data centre"
    PRIVATE_PROPERTY = "private-property", "Private sector: property"
    PRIVATE_BUSINESS_GROUP = "private-business-group", "Private sector: business group"
    PRIVATE_INDUSTRY = "private-industry", "Private sector: industry"
    PRIVATE_AIRPORT = "private-airport", "Private sector: airport"
    PRIVATE_INNOVATOR = "private-innovator", "Private sector: innovator"
    PRIVATE_IT = "private-it", "Private sector: IT and business process"


class PartnerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def for_user(self, user):
        """Partners whose records this user may maintain (their memberships)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Partner(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    sector = models.CharField(max_length=30, choices=Sector, db_index=True)
    districts = models.ManyToManyField(District, blank=True, related_name="partners")
    short_description = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    website = models.URLField(blank=True)
    contact_email = models.EmailField("public contact email", blank=True)
    logo = models.ImageField(upload_to="partners/logos/", blank=True)
    date_joined = models.DateField(null=True, blank=True)
    published = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[districts])

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:detail", kwargs={"slug": self.slug})

    @property
    def description_html(self):
        return render_markdown(self.description)


class Membership(models.Model):
    """A person who maintains a partner's records on the portal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partner"], name="membership_unique_user_partner"
            )
        ]

    def __str__(self):
        return f"{self.user_id} in {self.partner_id}"
