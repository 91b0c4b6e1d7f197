"""The Common Asset Register: assets partners offer to telecoms operators, and enquiries about them.

Field set follows UK practice: the Local Government Transparency Code (reference, UPRN, tenure,
location), GeoPlace identifiers (UPRN, USRN), and what operators need to judge a site (height,
kerb offset, material, power, constraints, access model).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from pyproj import Transformer
from simple_history.models import HistoricalRecords

from diz_portal.validators import validate_single_line
from partners.models import can_see_restricted  # the rule, shared with the site search

# Great Britain (mainland and islands, not Northern Ireland), in WGS84 degrees.
GB_LATITUDE = (49.8, 60.9)
GB_LONGITUDE = (-8.7, 1.8)

# WGS84 longitude/latitude to British National Grid easting/northing (OSGB36, EPSG:27700).
_TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)

POSTCODE_RE = re.compile(
    r"^(GIR 0AA|[A-PR-UWYZ]"
    r"([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" [0-9][ABD-HJLNP-UW-Z]{2})$"
)
REFERENCE_RE = r"^[A-Z0-9](?:[A-Z0-9-]{0,38}[A-Z0-9])?$"


def normalise_postcode(value):
    """'cm20 1hh', 'CM201HH' and ' CM20  1HH ' all become 'CM20 1HH'."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value):
    if value and not POSTCODE_RE.match(value):
        raise ValidationError(
            "Enter a full UK postcode, such as CM20 1HH.", code="invalid_postcode"
        )


def to_british_national_grid(latitude, longitude):
    """(easting, northing) in whole metres for a WGS84 latitude/longitude."""
    easting, northing = _TO_BNG.transform(float(longitude), float(latitude))
    return round(easting), round(northing)


def to_british_national_grid_many(latitudes, longitudes):
    """to_british_national_grid for many points in one call to PROJ."""
    eastings, northings = _TO_BNG.transform(
        [float(x) for x in longitudes], [float(y) for y in latitudes]
    )
    return [round(e) for e in eastings], [round(n) for n in northings]


class PostcodeField(models.CharField):
    """A UK postcode, stored upper case with one space before the inward code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_postcode(value) if value else value


class AssetQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)

    def public(self):
        return self.active().filter(visibility=Asset.Visibility.PUBLIC)

    def visible_to(self, user):
        """The one place that decides who sees what: anonymous visitors and signed-in users
        without a partner membership see public assets only; partner members and staff see
        partners-only assets too. Retired assets leave every public view."""
        if can_see_restricted(user):
            return self.active()
        return self.public()

    def for_list(self):
        return self.select_related("owner", "district")

    def not_verified_recently(self):
        """Assets in the register whose data nobody has confirmed for a year (or ever)."""
        cutoff = timezone.localdate() - timedelta(days=365)
        return self.active().filter(Q(last_verified__lt=cutoff) | Q(last_verified__isnull=True))

    def owned_by(self, partners):
        """Assets of these partners, retired ones included (the dashboard)."""
        return self.filter(owner__in=partners)


class Availability(models.TextChoices):
    AVAILABLE = "available", "Available"
    UNDER_DISCUSSION = "under_discussion", "Under discussion"
    IN_USE = "in_use", "In use"
    NOT_AVAILABLE = "not_available", "Not available"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PARTNERS = "partners", "Partners only"


class Asset(models.Model):
    class AssetType(models.TextChoices):
        BUILDING = "building", "Building"
        LAND = "land", "Land"
        ROOFTOP = "rooftop", "Rooftop"
        LAMP_COLUMN = "lamp_column", "Lamp column"
        CCTV_COLUMN = "cctv_column", "CCTV column"
        TRAFFIC_SIGNAL = "traffic_signal", "Traffic signal"
        BUS_SHELTER = "bus_shelter", "Bus shelter"
        DUCT_CHAMBER = "duct_chamber", "Duct or chamber"
        MAST_TOWER = "mast_tower", "Mast or tower"
        OTHER = "other", "Other"

    Availability = Availability
    Visibility = Visibility

    class Material(models.TextChoices):
        ALUMINIUM = "aluminium", "Aluminium"
        STEEL = "steel", "Steel"
        CONCRETE = "concrete", "Concrete"
        CAST_IRON = "cast_iron", "Cast iron"
        TIMBER = "timber", "Timber"
        COMPOSITE = "composite", "Composite or polymer"
        MASONRY = "masonry", "Brick or masonry"
        OTHER = "other", "Other"

    class PowerSupply(models.TextChoices):
        NONE = "none", "None"
        UNMETERED = "unmetered", "Unmetered supply (UMS)"
        METERED = "metered", "Metered supply"
        SOLAR_BATTERY = "solar_battery", "Solar or battery"
        THREE_PHASE_NEARBY = "three_phase_nearby", "Three-phase supply nearby"

    class Tenure(models.TextChoices):
        FREEHOLD_OCCUPIED = "freehold_occupied", "Freehold, occupied by the owner"
        FREEHOLD_LEASED = "freehold_leased", "Freehold, leased out"
        LEASEHOLD = "leasehold", "Leasehold"
        LICENCE = "licence", "Licence"
        HIGHWAY = "highway", "Highway asset"
        OTHER = "other", "Other"

    class AccessModel(models.TextChoices):
        OPEN = "open", "Open access"
        CONCESSION = "concession", "Concession"
        OUTSOURCED = "outsourced", "Outsourced"
        PPP = "ppp", "Public-private partnership"

    reference = models.CharField(
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                REFERENCE_RE,
                "Use capital letters, digits and hyphens only (at most 40), such as HDC-LC-000123.",
            )
        ],
        help_text="Unique and permanent, e.g. HDC-LC-000123: owner code, type code, number.",
    )
    name = models.CharField(max_length=200, validators=[validate_single_line])
    asset_type = models.CharField(max_length=20, choices=AssetType, db_index=True)
    owner = models.ForeignKey("partners.Partner", models.PROTECT, related_name="assets")
    district = models.ForeignKey("partners.District", models.PROTECT, related_name="assets")
    address = models.CharField(
        max_length=300, validators=[validate_single_line], help_text="Street, place and town."
    )
    postcode = PostcodeField(blank=True, validators=[validate_postcode])
    uprn = models.CharField(
        "UPRN",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{1,12}$", "A UPRN is 1 to 12 digits.")],
        help_text="Unique Property Reference Number, if the asset has one.",
    )
    usrn = models.CharField(
        "USRN",
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{1,8}$", "A USRN is 1 to 8 digits.")],
        help_text="Unique Street Reference Number of the street the asset is on.",
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        validators=[MinValueValidator(GB_LATITUDE[0]), MaxValueValidator(GB_LATITUDE[1])],
        help_text="WGS84 decimal degrees, within Great Britain (49.8 to 60.9).",
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        validators=[MinValueValidator(GB_LONGITUDE[0]), MaxValueValidator(GB_LONGITUDE[1])],
        help_text="WGS84 decimal degrees, within Great Britain (-8.7 to 1.8).",
    )
    easting = models.IntegerField(null=True, editable=False)
    northing = models.IntegerField(null=True, editable=False)
    height_m = models.DecimalField(
        "height (metres)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    power_available = models.BooleanField(default=False, db_index=True)
    power_supply = models.CharField(max_length=20, choices=PowerSupply, blank=True)
    fibre_connected = models.BooleanField(default=False, db_index=True)
    material = models.CharField(max_length=20, choices=Material, blank=True)
    kerb_offset_mm = models.PositiveIntegerField(
        "kerb offset (mm)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text="Distance from the kerb or carriageway edge, for street furniture.",
    )
    tenure = models.CharField(max_length=20, choices=Tenure, blank=True)
    access_model = models.CharField(max_length=20, choices=AccessModel, blank=True)
    current_use = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    availability = models.CharField(
        max_length=20, choices=Availability, default=Availability.AVAILABLE, db_index=True
    )
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.PUBLIC)
    viability_confirmed = models.BooleanField(
        default=False, help_text="The owner has confirmed the site is viable for telecoms use."
    )
    structural_check_date = models.DateField(null=True, blank=True)
    known_constraints = models.TextField(
        blank=True, help_text="Conservation area, listed building, rights of way, Green Belt…"
    )
    notes = models.TextField(blank=True)
    last_verified = models.DateField(null=True, blank=True)
    data_source = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Retired assets leave the public register but keep their history.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        indexes = [
            # The public register (visible_to an anonymous visitor) and the partners' view, in
            # list order: counts are index-only and pages come without a sort. They also
            # serve as the indexes on visibility and retired_at.
            models.Index(
                fields=["visibility", "retired_at", "reference"], name="asset_public_list_idx"
            ),
            models.Index(fields=["retired_at", "reference"], name="asset_active_list_idx"),
            # An owner's visible assets: partner pages and the owner filter's choices.
            models.Index(
                fields=["owner", "visibility", "retired_at"], name="asset_owner_visible_idx"
            ),
            # The map's bounding box; visibility and retired_at make its count index-only.
            models.Index(
                fields=["latitude", "longitude", "visibility", "retired_at"],
                name="asset_map_bbox_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=GB_LATITUDE[0], latitude__lte=GB_LATITUDE[1]),
                name="asset_latitude_in_gb",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=GB_LONGITUDE[0], longitude__lte=GB_LONGITUDE[1]),
                name="asset_longitude_in_gb",
            ),
            models.CheckConstraint(
                condition=Q(height_m__isnull=True) | Q(height_m__gte=0),
                name="asset_height_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(uprn="") | Q(uprn__regex=r"^[0-9]{1,12}$"),
                name="asset_uprn_digits",
            ),
            models.CheckConstraint(
                condition=Q(usrn="") | Q(usrn__regex=r"^[0-9]{1,8}$"),
                name="asset_usrn_digits",
            ),
            models.CheckConstraint(
                condition=Q(availability__in=Availability.values), name="asset_availability_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="asset_visibility_valid"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.name}"

    def save(self, *args, **kwargs):
        self.postcode = normalise_postcode(self.postcode) if self.postcode else ""
        if self.latitude is not None and self.longitude is not None:
            self.easting, self.northing = to_british_national_grid(self.latitude, self.longitude)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("assets:detail", kwargs={"reference": self.reference})

    def clean(self):
        if self.reference:
            self.reference = self.reference.strip().upper()
        errors = self.cross_field_errors(self.power_supply, self.power_available)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def cross_field_errors(cls, power_supply, power_available):
        """Rules between fields, as {field: message}: for forms and the CSV importer alike."""
        if power_supply == cls.PowerSupply.NONE and power_available:
            return {"power_available": "Power cannot be available when the power supply is none."}
        return {}

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_retired(self):
        return self.retired_at is not None

    def retire(self):
        """Take the asset out of the register; its history stays."""
        self.retired_at = timezone.now()
        self.availability = self.Availability.NOT_AVAILABLE
        self._change_reason = "Retired"
        self.save()


class EnquiryQuerySet(models.QuerySet):
    def for_partners(self, partners):
        return self.filter(asset__owner__in=partners)

    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, now=None):
        """Still waiting for a first response after the response target."""
        now = now or timezone.now()
        return self.filter(
            status=Enquiry.Status.RECEIVED, created_at__lt=now - Enquiry.RESPONSE_TARGET
        )


class Enquiry(models.Model):
    """An operator asking an asset owner about using an asset: the brokerage step."""

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        UNDER_REVIEW = "under_review", "Under review"
        TERMS_OFFERED = "terms_offered", "Terms offered"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"

    CLOSED = {Status.AGREED, Status.DECLINED}
    # Ten working days to a first response (the DCIA brokerage pilots' norm), as two weeks.
    RESPONSE_TARGET = timedelta(days=14)

    asset = models.ForeignKey(Asset, models.PROTECT, related_name="enquiries")
    name = models.CharField("your name", max_length=100, validators=[validate_single_line])
    organisation = models.CharField(max_length=200, validators=[validate_single_line])
    email = models.EmailField("email address")
    message = models.TextField(max_length=5000)
    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "enquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["received", "under_review", "terms_offered"])
                | Q(closed_at__isnull=False),
                name="enquiry_closed_has_date",
            )
        ]

    def __str__(self):
        return f"Enquiry {self.pk} from {self.organisation}"

    def save(self, *args, **kwargs):
        # Closing stops the clock; reopening starts it again.
        if self.status in self.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status not in self.CLOSED:
            self.closed_at = None
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status not in self.CLOSED

    @property
    def waiting_time(self) -> timedelta:
        """How long the operator has waited: until now while open, until closing otherwise."""
        end = self.closed_at or timezone.now()
        return end - self.created_at

    @property
    def waited_text(self) -> str:
        """The waiting time in words ("3 days, 2 hours"), never "0 minutes"."""
        if self.created_at is None:
            return ""
        if self.waiting_time < timedelta(minutes=1):
            return "less than a minute"
        return timesince(self.created_at, self.closed_at or timezone.now())


class EnquiryNote(models.Model):
    """A dated note on an enquiry, optionally recording a change of status."""

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    enquiry = models.ForeignKey(Enquiry, models.CASCADE, related_name="notes")
    note = models.TextField(max_length=5000)
    status = models.CharField(
        "status set to",
        max_length=20,
        choices=Enquiry.Status,
        blank=True,
        help_text="Leave empty when the status does not change.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note on enquiry {self.enquiry_id}"


class ImportStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    INVALID = "invalid", "Problems found"
    CHECKED = "checked", "Checked, waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed, waiting to be applied"
    APPLYING = "applying", "Being applied"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed, nothing changed"


class AssetImportQuerySet(models.QuerySet):
    def for_partners(self, partners):
        return self.filter(owner__in=partners)


class AssetImport(models.Model):
    """An uploaded CSV and the background job that checks and then applies it.

    The file is kept as text (at most ASSET_IMPORT_MAX_BYTES); the check job streams it row by
    row, records every problem (AssetImportProblem) and stages every good row (StagedAsset).
    Nothing reaches the register until someone confirms a clean check; the apply job then
    writes every staged row in one transaction with set-based SQL (assets.importer).
    """

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    Status = ImportStatus

    # While one of these, the progress page refreshes itself.
    RUNNING = {Status.WAITING, Status.CHECKING, Status.CONFIRMED, Status.APPLYING}

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    owner = models.ForeignKey(
        "partners.Partner",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="When set, every row must belong to this partner.",
    )
    filename = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    rows_total = models.PositiveIntegerField(
        default=0, help_text="Rows in the file (an estimate until the check has finished)."
    )
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why applying failed.")
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)

    objects = AssetImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values),
                name="asset_import_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
                name="asset_import_applied_has_date",
            ),
        ]

    def __str__(self):
        return f"Import of {self.filename}"

    @property
    def is_running(self):
        return self.status in self.RUNNING

    @property
    def percent_done(self):
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def can_confirm(self):
        return self.status == self.Status.CHECKED and (self.created_count or self.updated_count)

    def progress(self):
        """The job's state, for the progress page's script."""
        return {
            "status": self.status,
            "label": self.get_status_display(),
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "percent": self.percent_done,
            "running": self.is_running,
        }

    def describe(self):
        """What the import does (or would do), in one sentence."""
        if self.problem_count:
            return (
                f"{self.problem_count:,} problem{'s' if self.problem_count != 1 else ''} found; "
                "nothing was changed."
            )
        verb = "" if self.status == self.Status.APPLIED else "would be "
        rows = self.created_count + self.updated_count + self.unchanged_count
        return (
            f"{rows:,} row{'s' if rows != 1 else ''}: {self.created_count:,} {verb}created, "
            f"{self.updated_count:,} {verb}updated, {self.unchanged_count:,} unchanged."
        )

    def start_check(self):
        """Queue the check job once this upload is committed (`assets.tasks.check_import`)."""
        from assets.tasks import check_import

        pk = self.pk
        transaction.on_commit(lambda: check_import.enqueue(pk))

    def confirm(self, *, queue=True):
        """Queue the apply job (unless queue=False: the caller applies it now). Returns False,
        and queues nothing, unless a clean check is waiting: confirming twice, or confirming a
        file with problems, does nothing."""
        confirmed = (
            AssetImport.objects.filter(pk=self.pk, status=self.Status.CHECKED).update(
                status=self.Status.CONFIRMED
            )
            == 1
        )
        if confirmed:
            self.status = self.Status.CONFIRMED
        if confirmed and queue:
            from assets.tasks import apply_import

            pk = self.pk
            transaction.on_commit(lambda: apply_import.enqueue(pk))
        return confirmed


class AssetImportProblem(models.Model):
    """One problem in an uploaded file, by spreadsheet row (the header is row 1) and column."""

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    batch = models.ForeignKey(AssetImport, models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["batch", "row", "pk"]
        indexes = [models.Index(fields=["batch", "row"], name="asset_import_problem_idx")]

    def __str__(self):
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class StagedAsset(models.Model):
    """A checked row of an import, waiting in the register's own column types.

    Its data columns are copies of Asset's (added below), so applying an import is one
    INSERT … SELECT and one UPDATE … FROM, not 100,000 saves.
    """

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    class Action(models.TextChoices):
        CREATE = "create", "New asset"
        UPDATE = "update", "Update"

    batch = models.ForeignKey(AssetImport, models.CASCADE, related_name="staged")
    row = models.PositiveIntegerField()
    action = models.CharField(max_length=6, choices=Action)
    asset_id = models.BigIntegerField(
        null=True, blank=True, help_text="The asset an update changes."
    )
    changed = models.CharField(max_length=500, blank=True)
    reference = models.CharField(max_length=40)
    owner_id = models.BigIntegerField()
    district_id = models.BigIntegerField()

    class Meta:
        ordering = ["batch", "row"]
        indexes = [models.Index(fields=["batch", "row"], name="staged_asset_batch_idx")]

    def __str__(self):
        return f"Row {self.row}: {self.reference}"


# The register's data columns, copied without their indexes: what an import may write.
STAGED_COLUMNS = [
    "name", "asset_type", "address", "postcode", "uprn", "usrn", "latitude", "longitude",
    "easting", "northing", "height_m", "power_available", "power_supply", "fibre_connected",
    "material", "kerb_offset_mm", "tenure", "access_model", "current_use", "availability",
    "visibility", "viability_confirmed", "structural_check_date", "known_constraints", "notes",
    "last_verified", "data_source",
]  # fmt: skip


def _staging_copy(name):
    _, path, args, kwargs = Asset._meta.get_field(name).deconstruct()
    kwargs.pop("db_index", None)
    kwargs.pop("unique", None)
    return Asset._meta.get_field(name).__class__(*args, **kwargs)


for _name in STAGED_COLUMNS:
    StagedAsset.add_to_class(_name, _staging_copy(_name))
