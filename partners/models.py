import hashlib
import secrets
import statistics
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from diz_portal.documents import RandomDocumentName, describe, validate_document
from diz_portal.images import RandomImageName, remove_replaced_file, validate_image
from diz_portal.markdown import render_markdown
from diz_portal.validators import validate_single_line
from diz_portal.working_days import working_days_between


class District(models.Model):
    """One of the five DIZ districts; created by a data migration, shared by every app."""

    class County(models.TextChoices):
        ESSEX = "essex", "Essex"
        HERTFORDSHIRE = "hertfordshire", "Hertfordshire"

    name = models.CharField(max_length=60, unique=True, validators=[validate_single_line])
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


SECTOR_ORDER = Case(
    *[When(sector=value, then=Value(position)) for position, value in enumerate(Sector.values)],
    default=Value(len(Sector.values)),
    output_field=IntegerField(),
)


class PartnerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def for_list(self):
        """In the partnership's own sector order, then by name; districts prefetched. The long
        description is left out: lists show the short one."""
        return (
            self.prefetch_related("districts").defer("description").order_by(SECTOR_ORDER, "name")
        )

    def sector_counts(self):
        """[(sector value, label, count)] in sector order, sectors with no partner left out.

        One query.
        """
        counts = dict(self.order_by().values_list("sector").annotate(n=Count("id")))
        return [(value, label, counts[value]) for value, label in Sector.choices if value in counts]

    def for_user(self, user):
        """Partners whose records this user may maintain (their memberships)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Partner(models.Model):
    # What a partner's own members may change from the dashboard; name, slug, sector and the
    # published flag stay with the programme manager.
    MEMBER_EDITABLE_FIELDS = [
        "short_description",
        "description",
        "website",
        "contact_email",
        "logo",
        "districts",
        "response_target_days",
        "agreement_template",
    ]
    # Uploaded files: a replaced or cleared one is removed from storage once saved.
    FILE_FIELDS = ("logo", "agreement_template")

    name = models.CharField(max_length=200, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=80, unique=True)
    sector = models.CharField(max_length=30, choices=Sector, db_index=True)
    districts = models.ManyToManyField(District, blank=True, related_name="partners")
    short_description = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    website = models.URLField(blank=True)
    contact_email = models.EmailField("public contact email", blank=True)
    logo = models.ImageField(
        upload_to=RandomImageName("partners/logos"),
        validators=[validate_image],
        blank=True,
        help_text="PNG, JPEG or WebP, up to 2 MB. Shown on the partner's public page.",
    )
    agreement_template = models.FileField(
        "standard access agreement",
        upload_to=RandomDocumentName("partners/agreements"),
        validators=[validate_document],
        blank=True,
        help_text="Your standard agreement for operators' equipment on your assets (such as a "
        "small-cell licence), as a PDF or Word (DOCX) file up to 10 MB. Shown on your public "
        "page and your assets' pages, and sent to operators with your terms.",
    )
    date_joined = models.DateField(null=True, blank=True)
    published = models.BooleanField(default=True, db_index=True)
    response_target_days = models.PositiveSmallIntegerField(
        "response target (working days)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How many working days you aim to take to answer an operator's enquiry for "
        "the first time: 1 to 60. Shown on your public page.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[districts])

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="partner_name_not_blank"),
            models.CheckConstraint(condition=~Q(slug=""), name="partner_slug_not_blank"),
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values), name="partner_sector_valid"
            ),
            models.CheckConstraint(
                condition=Q(response_target_days__gte=1, response_target_days__lte=60),
                name="partner_response_target_range",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        for name in self.FILE_FIELDS:
            if name in self.__dict__:
                remove_replaced_file(self, name, getattr(self, f"_stored_{name}", None))
                setattr(self, f"_stored_{name}", getattr(self, name).name)

    def get_absolute_url(self):
        return reverse("partners:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The files as stored, so that save() can remove them once replaced (absent when the
        # column was deferred: then the file cannot have changed).
        for name in cls.FILE_FIELDS:
            setattr(instance, f"_stored_{name}", instance.__dict__.get(name))
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        for name in self.FILE_FIELDS:
            if name in self.__dict__:
                setattr(self, f"_stored_{name}", getattr(self, name).name)

    def get_edit_url(self):
        return reverse("dashboard:partners-edit", kwargs={"slug": self.slug})

    @property
    def agreement_template_summary(self):
        """The kind and size ("PDF, 240 KB") the template link gives (no query)."""
        return describe(self.agreement_template)

    @property
    def description_html(self):
        return render_markdown(self.description)

    def first_response_stats(self, now=None):
        """How quickly this partner answers operators, over enquiries received in the last 12
        months: {"received": 14, "count": 12, "median": 3} where `median` is the median of
        the working days to a first response of the `count` that have had one (None when
        none has). None when no enquiry arrived. One query; the median is worked out here,
        over a short list."""
        now = now or timezone.now()
        rows = list(
            self.enquiries.filter(created_at__gte=now - timedelta(days=365)).values_list(
                "created_at", "first_response_at"
            )
        )
        if not rows:
            return None
        days = [working_days_between(created, first) for created, first in rows if first]
        return {
            "received": len(rows),
            "count": len(days),
            "median": statistics.median(days) if days else None,
        }


class PartnerChange(Partner.history.model):
    """Partner history rows, for the admin's "Recent changes by partners" list."""

    class Meta:
        proxy = True
        verbose_name = "recent change by partners"
        verbose_name_plural = "recent changes by partners"


class Membership(models.Model):
    """A person who maintains a partner's records on the portal."""

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

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
        """ "Jane Smith (jane@example.org) at Harlow Council". Reads the user and the partner:
        lists showing memberships select_related both (the admin's members inline does)."""
        name = self.user.get_full_name()
        person = f"{name} ({self.user.email})" if name else self.user.email
        return f"{person} at {self.partner.name}"


def can_see_restricted(user):
    """The one rule for partners-only content (the asset register and the site search alike):
    partner members and staff see it. Runs one query, once per request."""
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(user, "_can_see_restricted", None)
    if cached is None:
        cached = bool(user.is_staff or user.memberships.exists())
        user._can_see_restricted = cached
    return cached


class InvitationUnusable(Exception):
    """An invitation link that cannot be used; `message` says why, `status` is the HTTP code."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())

    def for_token(self, token: str):
        """The invitation a link's token belongs to, or None. One query; only the hash is stored."""
        return self.select_related("partner").filter(token_hash=hash_token(token)).first()


class Invitation(models.Model):
    """A single-use, expiring link that lets one person become a member of one partner.

    Only a hash of the token is stored, so a database leak cannot be turned into accounts.
    """

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    email = models.EmailField()
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_at__gte=models.F("created_at")),
                name="invitation_accepted_after_creation",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.email}"

    def new_token(self) -> str:
        """Give this invitation a fresh link and a fresh expiry; returns the token to email.

        Any earlier link stops working, because only the new token's hash is kept.
        """
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.created_at = timezone.now()
        self.expires_at = self.created_at + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
        return token

    def send(self, token: str):
        """Queue the email with the link; `token` is the one new_token() returned (only its
        hash is stored). Sent by the worker once the invitation is saved."""
        from django.core.mail import EmailMessage
        from django.template.loader import render_to_string

        from diz_portal import outbox

        context = {
            "invitation": self,
            "partner_name": self.partner.name,
            "url": settings.SITE_URL + reverse("partners:invitation", kwargs={"token": token}),
            "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
        }
        subject = render_to_string("partners/email/invitation_subject.txt", context)
        body = render_to_string("partners/email/invitation_message.txt", context)
        outbox.queue(EmailMessage(subject, body, to=[self.email]), kind="invitation")

    def accept(self, password: str):
        """Create the invited person's account, verified and a member of the partner.

        Locks the row, so a link used twice at the same moment still makes one account.
        Raises InvitationUnusable (and changes nothing) when the link is used, expired, or the
        address already has an account. Returns the new user. Several queries.
        """
        from allauth.account.adapter import get_adapter
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model

        User = get_user_model()
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update().select_related("partner").get(pk=self.pk)
            )
            invitation.check_usable()
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise InvitationUnusable(
                    "An account for this email address already exists. Sign in, or reset "
                    "your password from the sign-in page.",
                    status=400,
                )
            user = User(
                username=get_adapter().generate_unique_username([invitation.email, "partner"]),
                email=invitation.email,
            )
            user.set_password(password)
            user.save()
            EmailAddress.objects.create(
                user=user, email=invitation.email, verified=True, primary=True
            )
            membership = Membership(user=user, partner=invitation.partner)
            membership._history_user = user  # the history shows who joined, not "unknown"
            membership.save()
            invitation.accepted_at = timezone.now()
            invitation.accepted_by = user
            invitation._history_user = user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
        self.accepted_at, self.accepted_by = invitation.accepted_at, user
        return user

    def check_usable(self):
        if self.is_accepted:
            raise InvitationUnusable(
                "This invitation link has already been used. If that was you, sign in with "
                "your email address and password.",
                status=410,
            )
        if self.is_expired:
            raise InvitationUnusable(
                "This invitation link has expired. Ask the DIZ programme team to send you a "
                "new one.",
                status=410,
            )

    @property
    def is_accepted(self):
        return self.accepted_at is not None

    @property
    def is_expired(self):
        return not self.is_accepted and self.expires_at <= timezone.now()

    @property
    def status(self):
        if self.is_accepted:
            return "Accepted"
        return "Expired" if self.is_expired else "Pending"
