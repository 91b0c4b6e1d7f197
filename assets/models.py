"""The Common Asset Register: assets partners offer to telecoms operators, and enquiries about them.

Field set follows UK practice: the Local Government Transparency Code (reference, UPRN, tenure,
location), GeoPlace identifiers (UPRN, USRN), and what operators need to judge a site (height,
kerb offset, material, power, constraints, access model).
"""

import re
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from pyproj import Transformer
from simple_history.models import HistoricalRecords

from diz_portal.documents import (
    RandomDocumentName,
    describe,
    get_private_storage,
    validate_document,
)
from diz_portal.images import remove_replaced_file
from diz_portal.validators import validate_single_line
from diz_portal.working_days import add_working_days
from partners.models import Membership, can_see_restricted  # the rule, shared with search

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


# Generalised positions are rounded to this many decimal places of a degree (about 100 m
# north-south, 70 m east-west here) and grid references to this many metres.
GENERALISED_PLACES = 3
GENERALISED_METRES = 100
GENERALISED_NOTE = "Location shown to about 100 metres"
POSITION_COLUMNS = ("latitude", "longitude", "easting", "northing")


def add_months(day, months):
    """The same day of the month `months` later; the month's last day when it has fewer."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def round_half_up(value, places):
    """A coordinate rounded as the database rounds it (half away from zero)."""
    if value is None:
        return None
    step = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(step, rounding=ROUND_HALF_UP)


class PlanningConstraint(models.TextChoices):
    CONSERVATION_AREA = "conservation_area", "Conservation area"
    LISTED_BUILDING = "listed_building", "Listed building"
    GREEN_BELT = "green_belt", "Green Belt"
    AONB = "aonb", "National Landscape (Area of Outstanding Natural Beauty)"
    NONE_KNOWN = "none_known", "None known"


PLANNING_SEPARATOR = ";"


def split_codes(value):
    """'green_belt; conservation_area' (or a list) as a list of distinct codes, in the order
    of PlanningConstraint, unknown codes last as written."""
    if isinstance(value, (list, tuple)):
        parts = [str(part).strip() for part in value]
    else:
        parts = [part.strip() for part in re.split(r"[;,]", value or "")]
    parts = list(dict.fromkeys(part.lower() for part in parts if part))
    order = {code: i for i, code in enumerate(PlanningConstraint.values)}
    return sorted(parts, key=lambda code: order.get(code, len(order)))


def validate_planning_constraints(value):
    codes = split_codes(value)
    unknown = [code for code in codes if code not in PlanningConstraint.values]
    if unknown:
        raise ValidationError(
            "Use only these planning constraint codes, separated by semicolons: "
            + ", ".join(PlanningConstraint.values)
            + f" (“{'; '.join(unknown)}” is not one of them)",
            code="unknown_constraint",
        )
    if PlanningConstraint.NONE_KNOWN in codes and len(codes) > 1:
        raise ValidationError(
            "Enter none_known on its own, or remove it: it cannot go with other planning "
            "constraints",
            code="none_known_with_others",
        )


class PlanningConstraintsField(models.CharField):
    """Planning constraint codes as one text, ';'-separated in PlanningConstraint's order:
    the same text in the database, the CSV and the GeoJSON."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return PLANNING_SEPARATOR.join(split_codes(value)) if value else ""


class ShownPosition(models.Func):
    """A position column as someone may see it: rounded (GENERALISED_PLACES of a degree, or
    GENERALISED_METRES of grid) for assets whose location is generalised, unless the asset's
    owner is one of the partners user `member_id` belongs to. Written without query
    parameters (the user id is an integer written into the SQL), so the exports' SQL can use
    it as it uses a plain column (assets.exports.GeoJsonFeature), and the membership check
    is part of the one query rather than a query of its own."""

    def __init__(self, column, member_id=None, **extra):
        self.column = column
        self.member_id = None if member_id is None else int(member_id)
        output_field = Asset._meta.get_field(column).clone()
        super().__init__(
            F(column), F("location_generalised"), F("owner_id"), output_field=output_field, **extra
        )

    def as_sql(self, compiler, connection, **extra_context):
        (value, v_params), (flag, f_params), (owner, o_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        if v_params or f_params or o_params:
            raise ValueError("ShownPosition takes plain columns")
        if self.column in ("latitude", "longitude"):
            rounded = f"ROUND({value}, {GENERALISED_PLACES})"
            if connection.vendor == "postgresql":
                rounded = f"CAST({rounded} AS NUMERIC(8, 6))"
        else:
            rounded = (
                f"CAST(ROUND({value} / {GENERALISED_METRES}.0) * {GENERALISED_METRES} AS INTEGER)"
            )
        condition = f"{flag}" if connection.vendor != "sqlite" else f"{flag} = 1"
        if self.member_id is not None:
            quote = connection.ops.quote_name
            membership = Membership._meta
            partner = quote(membership.get_field("partner").column)
            user = quote(membership.get_field("user").column)
            # Names from _meta and an integer: nothing here comes from a visitor.
            members = f"SELECT {partner} FROM {quote(membership.db_table)} WHERE {user} = "  # noqa: S608
            condition += f" AND {owner} NOT IN ({members}{self.member_id})"
        return f"CASE WHEN {condition} THEN {rounded} ELSE {value} END", []


def sees_every_position(user):
    """Staff see every position exactly."""
    return user is not None and user.is_authenticated and user.is_staff


def exact_owner_ids(user):
    """None when `user` sees every position exactly (staff); else the ids of the partners whose
    assets they see exactly (their own: empty for anonymous visitors). One query, once per
    request, for a signed-in user; only asked when an asset's location is generalised."""
    if user is None or not user.is_authenticated:
        return ()
    if user.is_staff:
        return None
    cached = getattr(user, "_exact_owner_ids", None)
    if cached is None:
        cached = tuple(user.memberships.values_list("partner_id", flat=True))
        user._exact_owner_ids = cached
    return cached


class AssetQuerySet(models.QuerySet):
    def with_position_for(self, user):
        """The ONE rule for location precision: shown_latitude, shown_longitude, shown_easting
        and shown_northing as `user` may see them. An asset whose location is generalised shows
        its position rounded to about 100 m to everyone except members of its owner and staff
        (Asset.position_for is the same rule for one asset)."""
        if sees_every_position(user):
            return self.annotate(**{f"shown_{column}": F(column) for column in POSITION_COLUMNS})
        member_id = user.pk if user is not None and user.is_authenticated else None
        return self.annotate(
            **{
                f"shown_{column}": ShownPosition(column, member_id=member_id)
                for column in POSITION_COLUMNS
            }
        )

    def in_shown_bbox(self, min_lon, min_lat, max_lon, max_lat):
        """Assets whose shown position (with_position_for, applied first) is in the box. The
        stored columns, widened by the rounding, let the index do the work first; the shown
        position decides, so a small box never tells where a generalised asset really is."""
        margin = 10**-GENERALISED_PLACES
        return self.filter(
            latitude__gte=min_lat - margin,
            latitude__lte=max_lat + margin,
            longitude__gte=min_lon - margin,
            longitude__lte=max_lon + margin,
            shown_latitude__gte=min_lat,
            shown_latitude__lte=max_lat,
            shown_longitude__gte=min_lon,
            shown_longitude__lte=max_lon,
        )

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

    def due_for_review(self, today=None, within_days=30):
        """Active assets whose review-by date has passed or falls within `within_days`."""
        today = today or timezone.localdate()
        return self.active().filter(review_by__lte=today + timedelta(days=within_days))


class Availability(models.TextChoices):
    AVAILABLE = "available", "Available"
    UNDER_DISCUSSION = "under_discussion", "Under discussion"
    IN_USE = "in_use", "In use"
    NOT_AVAILABLE = "not_available", "Not available"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PARTNERS = "partners", "Partners only"


# The fields Asset.profile_errors reads.
PROFILE_RULES = (
    "asset_type",
    "duct_internal_diameter_mm",
    "duct_fill_percent",
    "structural_assessed_on",
    "structural_next_due",
)


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
        PART_NIGHT = "part_night", "Part-night (switched off for part of the night)"
        DUSK_TO_DAWN = "dusk_to_dawn", "Dusk to dawn (on only while dark)"
        METERED_24H = "24h_metered", "24-hour, metered"
        UNMETERED_24H = "24h_unmetered", "24-hour, unmetered (UMS)"

    PlanningConstraint = PlanningConstraint

    # The telecoms suitability profile (issue 13): the form, the admin and the asset page
    # show these fields together, in this order.
    PROFILE_FIELDS = [
        "power_supply",
        "structural_assessed_on",
        "structural_next_due",
        "load_rating",
        "mounting_height_m",
        "duct_internal_diameter_mm",
        "duct_fill_percent",
        "planning_constraints",
        "owner_asset_number",
    ]
    FRESHNESS_FIELDS = ["last_verified", "review_by", "data_source"]
    DUCT_FIELDS = ("duct_internal_diameter_mm", "duct_fill_percent")

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
    power_supply = models.CharField(
        "power supply kind",
        max_length=20,
        choices=PowerSupply,
        blank=True,
        help_text="Part-night supplies switch off for part of the night: Hertfordshire's "
        "part-night street lights are off from 1 a.m. to 5 a.m., so equipment needs a battery "
        "then. Dusk to dawn: on only while it is dark. 24-hour: on all the time, through a "
        "meter or an unmetered supply (UMS) agreement.",
    )
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
    structural_assessed_on = models.DateField(
        "structural assessment date",
        null=True,
        blank=True,
        help_text="When the structure was last assessed for loading.",
    )
    structural_next_due = models.DateField(
        "next structural assessment due",
        null=True,
        blank=True,
        help_text="Must be after the last assessment.",
    )
    load_rating = models.CharField(
        "load or spare capacity",
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text="What more the structure can carry, for example “spare capacity: 2 small "
        "cells” or “25 kg at 6 m”.",
    )
    owner_asset_number = models.CharField(
        "owner's asset number",
        max_length=50,
        blank=True,
        validators=[validate_single_line],
        help_text="The number in your own asset management system, if different from the "
        "reference.",
    )
    duct_internal_diameter_mm = models.PositiveIntegerField(
        "duct internal diameter (mm)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text="Ducts and chambers only.",
    )
    duct_fill_percent = models.PositiveSmallIntegerField(
        "duct fill (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="How full the duct is, 0 to 100. Ducts and chambers only.",
    )
    mounting_height_m = models.DecimalField(
        "available mounting height (metres)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(500)],
        help_text="The highest point equipment could be fixed at, above ground.",
    )
    planning_constraints = PlanningConstraintsField(
        blank=True,
        validators=[validate_planning_constraints],
        help_text="Codes, separated by semicolons: conservation_area, listed_building, "
        "green_belt, aonb, or none_known on its own. Empty means not yet checked.",
    )
    known_constraints = models.TextField(
        blank=True, help_text="Conservation area, listed building, rights of way, Green Belt…"
    )
    notes = models.TextField(blank=True)
    last_verified = models.DateField(null=True, blank=True)
    review_by = models.DateField(
        "review by",
        null=True,
        blank=True,
        db_index=True,
        help_text="When the owner should next check this record. Left empty: 12 months after "
        "it was last verified.",
    )
    location_generalised = models.BooleanField(
        "location generalised",
        default=False,
        help_text="Show the public this asset's position rounded to about 100 metres (for "
        "sensitive sites). Your organisation and the programme team still see it exactly.",
    )
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
            # The map's bounding box. With visibility, retired_at and location_generalised
            # (which decides the shown position) in it, the map's count and its grid cells
            # are read from the index alone, not from thousands of scattered rows.
            models.Index(
                fields=[
                    "latitude",
                    "longitude",
                    "visibility",
                    "retired_at",
                    "location_generalised",
                ],
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
            models.CheckConstraint(
                condition=Q(duct_fill_percent__isnull=True)
                | Q(duct_fill_percent__gte=0, duct_fill_percent__lte=100),
                name="asset_duct_fill_percent",
            ),
            models.CheckConstraint(
                condition=Q(duct_internal_diameter_mm__isnull=True)
                | Q(duct_internal_diameter_mm__gt=0),
                name="asset_duct_diameter_positive",
            ),
            models.CheckConstraint(
                condition=Q(mounting_height_m__isnull=True) | Q(mounting_height_m__gt=0),
                name="asset_mounting_height_positive",
            ),
            models.CheckConstraint(
                condition=Q(structural_next_due__isnull=True)
                | Q(structural_assessed_on__isnull=True)
                | Q(structural_next_due__gt=F("structural_assessed_on")),
                name="asset_structural_next_due_after",
            ),
            models.CheckConstraint(
                condition=Q(asset_type="duct_chamber")
                | Q(duct_internal_diameter_mm__isnull=True, duct_fill_percent__isnull=True),
                name="asset_duct_fields_for_ducts",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.name}"

    def save(self, *args, **kwargs):
        self.postcode = normalise_postcode(self.postcode) if self.postcode else ""
        loaded = getattr(self, "_loaded_freshness", None)
        if loaded and self.last_verified != loaded[0] and self.review_by == loaded[1]:
            # Verified again and the review date left as it was: the next review is due 12
            # months after this check.
            self.review_by = None
        self.review_by = self.default_review_by(
            self._meta.get_field("review_by").to_python(self.review_by),
            self._meta.get_field("last_verified").to_python(self.last_verified),
        )
        if self.latitude is not None and self.longitude is not None:
            self.easting, self.northing = to_british_national_grid(self.latitude, self.longitude)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("assets:detail", kwargs={"reference": self.reference})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # As loaded, so save() can tell a new check from an unchanged record.
        instance._loaded_freshness = (
            instance.__dict__.get("last_verified"),
            instance.__dict__.get("review_by"),
        )
        return instance

    def clean(self):
        if self.reference:
            self.reference = self.reference.strip().upper()
        errors = self.cross_field_errors(self.power_supply, self.power_available)
        errors.update(self.profile_errors({name: getattr(self, name) for name in PROFILE_RULES}))
        if errors:
            raise ValidationError(errors)

    @classmethod
    def cross_field_errors(cls, power_supply, power_available):
        """Rules between fields, as {field: message}: for forms and the CSV importer alike."""
        if power_supply == cls.PowerSupply.NONE and power_available:
            return {"power_available": "Power cannot be available when the power supply is none."}
        return {}

    @classmethod
    def profile_errors(cls, values):
        """The suitability profile's rules between fields, as {field: message}, from a dict of
        field values (PROFILE_RULES' fields; missing ones count as empty): for the form, the
        admin and the CSV importer alike."""
        errors = {}
        asset_type = values.get("asset_type")
        if asset_type and asset_type != cls.AssetType.DUCT_CHAMBER:
            for name in cls.DUCT_FIELDS:
                if values.get(name) is not None:
                    errors[name] = (
                        "Leave this empty: duct diameter and fill are only for ducts and "
                        "chambers, and this asset is not one. Change its type if it is a duct"
                    )
        assessed, due = values.get("structural_assessed_on"), values.get("structural_next_due")
        if assessed and due and due <= assessed:
            errors["structural_next_due"] = (
                "Enter a next assessment date after the last assessment "
                f"({assessed.day} {assessed:%B %Y}), or leave it empty"
            )
        return errors

    @staticmethod
    def default_review_by(review_by, last_verified):
        """The review-by date as stored: as entered, else 12 months after the last check."""
        if review_by or not last_verified:
            return review_by
        return add_months(last_verified, 12)

    def position_for(self, user):
        """(latitude, longitude, easting, northing) as `user` may see them: the rule of
        AssetQuerySet.with_position_for, for one asset."""
        if not self.position_is_generalised_for(user):
            return self.exact_position()
        easting = northing = None
        if self.easting is not None:
            easting = round(self.easting / GENERALISED_METRES) * GENERALISED_METRES
            northing = round(self.northing / GENERALISED_METRES) * GENERALISED_METRES
        return (
            round_half_up(self.latitude, GENERALISED_PLACES),
            round_half_up(self.longitude, GENERALISED_PLACES),
            easting,
            northing,
        )

    def exact_position(self):
        """(latitude, longitude, easting, northing) exactly: for the owner's members, staff and
        an operator whose enquiry about this asset has reached "terms offered"."""
        return self.latitude, self.longitude, self.easting, self.northing

    @staticmethod
    def generalised_for(user):
        """An expression: True where `user` sees the asset's position rounded (the rule of
        with_position_for, to say so beside positions read from a queryset)."""
        if sees_every_position(user):
            return models.Value(False)
        condition = Q(location_generalised=True)
        if user is not None and user.is_authenticated:
            condition &= ~Q(
                Exists(Membership.objects.filter(user_id=user.pk, partner_id=OuterRef("owner_id")))
            )
        return models.ExpressionWrapper(condition, output_field=models.BooleanField())

    def position_is_generalised_for(self, user):
        """True when `user` sees this asset's position rounded (say so where it is shown)."""
        if not self.location_generalised:
            return False  # no query
        owners = exact_owner_ids(user)
        return owners is not None and self.owner_id not in owners

    @property
    def planning_constraint_codes(self):
        return split_codes(self.planning_constraints)

    def get_planning_constraints_display(self):
        labels = dict(PlanningConstraint.choices)
        return [labels.get(code, code) for code in self.planning_constraint_codes]

    @property
    def review_overdue(self):
        return self.review_by is not None and self.review_by < timezone.localdate()

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


ENQUIRY_LINK_SALT = "assets.enquiry.operator"
# The operator's link works for a year from the email that carried it; each later email
# about the enquiry carries a fresh one.
ENQUIRY_LINK_MAX_AGE = timedelta(days=365)
# A basket holds at most this many assets.
BASKET_MAX_ASSETS = 50
# The owner's members are reminded this many working days before the first-response target.
REMINDER_WORKING_DAYS = 2


def new_enquiry_key():
    return secrets.token_urlsafe(16)


def validate_no_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(
            "Remove the hidden null characters from this text.", code="null_characters"
        )


class EnquiryRequest(models.Model):
    """What one operator sent once: their details and a basket of assets, perhaps of several
    owners. Each owner gets its own Enquiry about its own assets only."""

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    name = models.CharField("your name", max_length=100, validators=[validate_single_line])
    organisation = models.CharField(max_length=200, validators=[validate_single_line])
    email = models.EmailField("email address")
    message = models.TextField(max_length=5000, validators=[validate_no_nul])
    install = models.TextField(
        "what you want to install", max_length=1000, blank=True, validators=[validate_no_nul]
    )
    wanted_by = models.DateField("when you would like to install it", null=True, blank=True)
    # Half of the operator's link: the link is this key and the row id, signed with
    # SECRET_KEY, so it cannot be forged, and a new key revokes every earlier link.
    key = models.CharField(max_length=40, default=new_enquiry_key, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "enquiry request"

    def __str__(self):
        return f"Request {self.pk} from {self.organisation}"

    def get_absolute_url(self):
        return reverse("assets:operator-enquiry", kwargs={"signed": self.signed})

    @property
    def signed(self):
        return signing.dumps([self.pk, self.key], salt=ENQUIRY_LINK_SALT, compress=False)

    def operator_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    @classmethod
    def from_signed(cls, value):
        """The request an operator's link points at, or None if the link is not genuine or
        more than a year old. One query."""
        try:
            pk, key = signing.loads(value, salt=ENQUIRY_LINK_SALT, max_age=ENQUIRY_LINK_MAX_AGE)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        if not isinstance(pk, int) or not isinstance(key, str):
            return None
        return cls.objects.filter(pk=pk, key=key).first()

    @classmethod
    def submit(cls, assets, **fields):
        """Store the basket: one request, and one enquiry per owning partner linked to that
        owner's assets only, each with its own first-response deadline. Returns the request
        with `new_enquiries` (owner loaded). The caller sends the emails."""
        by_owner = {}
        for asset in assets:
            by_owner.setdefault(asset.owner_id, (asset.owner, []))[1].append(asset)
        with transaction.atomic():
            request = cls.objects.create(**fields)
            enquiries = []
            for owner, owned in sorted(by_owner.values(), key=lambda item: item[0].name):
                enquiry = Enquiry(request=request, owner=owner, created_at=request.created_at)
                enquiry.due_at = add_working_days(request.created_at, owner.response_target_days)
                enquiry.save()
                EnquiryAsset.objects.bulk_create(
                    [EnquiryAsset(enquiry=enquiry, asset=asset) for asset in owned]
                )
                enquiries.append(enquiry)
        request.new_enquiries = enquiries
        return request


class EnquiryQuerySet(models.QuerySet):
    def for_partners(self, partners):
        return self.filter(owner__in=partners)

    def open(self):
        return self.filter(closed_at__isnull=True)

    def waiting_for_first_response(self):
        return self.open().filter(first_response_at__isnull=True)

    def overdue(self, now=None):
        """Still waiting for a first response after the owner's response target."""
        now = now or timezone.now()
        return self.waiting_for_first_response().filter(due_at__lt=now)

    def due_soon(self, now=None):
        """Waiting for a first response, due within REMINDER_WORKING_DAYS working days."""
        now = now or timezone.now()
        return self.waiting_for_first_response().filter(
            due_at__gte=now, due_at__lte=add_working_days(now, REMINDER_WORKING_DAYS)
        )

    def for_list(self):
        return self.select_related("request", "owner").prefetch_related("assets")


class Enquiry(models.Model):
    """One owner's part of an operator's request: the brokerage step, with its stage and its
    clock. The operator's details live on the request."""

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        UNDER_REVIEW = "under_review", "Under review"
        TERMS_OFFERED = "terms_offered", "Terms offered"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    CLOSED = {Status.AGREED, Status.DECLINED, Status.WITHDRAWN}
    # Where each stage may go next. Withdrawing is the operator's own step, from their page.
    MOVES = {
        Status.RECEIVED: [Status.UNDER_REVIEW, Status.TERMS_OFFERED, Status.DECLINED,
                          Status.WITHDRAWN],
        Status.UNDER_REVIEW: [Status.TERMS_OFFERED, Status.DECLINED, Status.WITHDRAWN],
        Status.TERMS_OFFERED: [Status.UNDER_REVIEW, Status.AGREED, Status.DECLINED,
                               Status.WITHDRAWN],
    }  # fmt: skip
    OPERATOR_ONLY = {Status.WITHDRAWN}
    # Reached only by recording the agreement (Enquiry.agree), never by a plain move.
    BY_AGREEMENT = {Status.AGREED}

    request = models.ForeignKey(EnquiryRequest, models.CASCADE, related_name="enquiries")
    owner = models.ForeignKey("partners.Partner", models.PROTECT, related_name="enquiries")
    assets = models.ManyToManyField(Asset, through="EnquiryAsset", related_name="enquiries")
    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED, db_index=True)
    due_at = models.DateTimeField(
        "first response due", help_text="Received plus the owner's response target in working days."
    )
    first_response_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "enquiries"
        indexes = [models.Index(fields=["owner", "-created_at"], name="enquiry_owner_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["received", "under_review", "terms_offered"])
                | Q(closed_at__isnull=False),
                name="enquiry_closed_has_date",
            ),
            models.UniqueConstraint(fields=["request", "owner"], name="enquiry_one_per_owner"),
        ]

    def __str__(self):
        return f"Enquiry {self.pk}"

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
    def shows_exact_positions(self):
        """Once terms are offered the operator needs the exact spot of a generalised asset
        (Asset.exact_position); before that, the operator sees what everyone sees."""
        return self.status in {self.Status.TERMS_OFFERED, self.Status.AGREED}

    @property
    def is_overdue(self):
        return self.is_open and self.first_response_at is None and self.due_at < timezone.now()

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

    def owner_moves(self):
        """The stages the owner may move this enquiry to now, as (value, label)."""
        return [
            (status.value, status.label)
            for status in self.MOVES.get(self.status, [])
            if status not in self.OPERATOR_ONLY and status not in self.BY_AGREEMENT
        ]

    @property
    def agreement_or_none(self):
        """The recorded agreement, or None (a query unless select_related("agreement"))."""
        try:
            return self.agreement
        except Agreement.DoesNotExist:
            return None

    @property
    def can_record_agreement(self):
        return self.status == self.Status.TERMS_OFFERED

    def check_move(self, status):
        """Raise ValidationError, in plain words, unless the enquiry may move to `status`."""
        if status not in self.Status.values:
            raise ValidationError(
                "Choose a stage from the list: under review, terms offered, agreed or declined.",
                code="unknown_status",
            )
        label = self.Status(status).label.lower()
        if not self.is_open:
            raise ValidationError(
                f"This enquiry is closed ({self.get_status_display().lower()}), so its stage "
                "cannot change.",
                code="closed",
            )
        if status == self.status:
            raise ValidationError(f"This enquiry is already {label}.", code="same_status")
        if status not in self.MOVES.get(self.status, []):
            allowed = ", ".join(s.label.lower() for s in self.MOVES.get(self.status, []))
            raise ValidationError(
                f"An enquiry that is {self.get_status_display().lower()} cannot move to "
                f"{label}. It can move to: {allowed}.",
                code="not_allowed",
            )

    def _check_agreement_recorded(self, status):
        """Agreed only with its agreement: Enquiry.agree records it first. One query, for a
        move to agreed only."""
        if status not in self.BY_AGREEMENT:
            return
        if not Agreement.objects.filter(enquiry_id=self.pk).exists():
            raise ValidationError(
                "Record the agreement (its start date, term and signed copy) to mark this "
                "enquiry agreed.",
                code="agreement_needed",
            )

    def move_to(self, status, note="", by=None):
        """The one way to change an enquiry's stage (dashboard, admin, operator page): checks
        the move, records it as a dated note, stops the first-response clock on the first
        move out of "received", and emails the other side through the outbox. `by` is the
        user who moved it; None for the operator."""
        from assets import notifications

        with transaction.atomic():
            # Locked, so two people moving it at the same moment cannot both succeed.
            current = Enquiry.objects.select_for_update().get(pk=self.pk)
            self.status, self.closed_at = current.status, current.closed_at
            self.first_response_at = current.first_response_at
            self.check_move(status)
            self._check_agreement_recorded(status)
            now = timezone.now()
            self.status = status
            if self.first_response_at is None and status not in self.OPERATOR_ONLY:
                self.first_response_at = now
            if by is not None:
                self._history_user = by
            self._change_reason = f"Moved to {self.get_status_display().lower()}"
            self.save()
            EnquiryNote.objects.create(
                enquiry=self, note=note, status=status, author=by, created_at=now
            )
            notifications.notify_stage(self, note)

    def add_message(self, body, *, from_operator, author=None):
        """Add a message to the thread with the operator and email it to the other side. An
        owner's first message stops the first-response clock."""
        from assets import notifications

        if not self.is_open:
            raise ValidationError(
                f"This enquiry is closed ({self.get_status_display().lower()}), so messages "
                "can no longer be sent.",
                code="closed",
            )
        with transaction.atomic():
            message = EnquiryMessage(
                enquiry=self,
                from_operator=from_operator,
                author=None if from_operator else author,
                body=body,
            )
            message.full_clean(exclude=["enquiry", "author"])
            message.save()
            if not from_operator and self.first_response_at is None:
                self.first_response_at = message.created_at
                Enquiry.objects.filter(pk=self.pk, first_response_at__isnull=True).update(
                    first_response_at=message.created_at
                )
            notifications.notify_message(message)
        return message

    def agree(
        self, start, term_months, signed_copy=None, by=None, *, reference="", notes="", note=""
    ):
        """Record the signed agreement, in one transaction: the Agreement, the move to "agreed"
        (through move_to, so the note, the history and the operator's email are the usual
        ones), and every asset of the enquiry "in use" (each with its own history record).
        Only from "terms offered"; raises ValidationError, and changes nothing, otherwise or
        when the agreement's details are not valid. Returns the agreement."""
        agreement = Agreement(
            enquiry=self,
            starts_on=start,
            term_months=term_months,
            reference=reference,
            notes=notes,
            recorded_by=by,
        )
        if signed_copy:
            agreement.signed_copy = signed_copy
        stored = None
        try:
            with transaction.atomic():
                current = Enquiry.objects.select_for_update().get(pk=self.pk)
                if current.status != self.Status.TERMS_OFFERED:
                    raise ValidationError(
                        "An agreement can only be recorded once terms have been offered: this "
                        f"enquiry is {current.get_status_display().lower()}.",
                        code="not_terms_offered",
                    )
                agreement.full_clean(exclude=["enquiry", "recorded_by"])
                if by is not None:
                    agreement._history_user = by
                agreement.save()
                stored = agreement.signed_copy.name or None
                self.move_to(self.Status.AGREED, note=note, by=by)
                reason = f"In use: agreement recorded for enquiry {self.pk}"
                for asset in self.assets.select_for_update().exclude(
                    availability=Asset.Availability.IN_USE
                ):
                    asset.availability = Asset.Availability.IN_USE
                    asset._change_reason = reason
                    if by is not None:
                        asset._history_user = by
                    asset.save()
        except BaseException:
            # The row is gone with the rollback; its file must not stay behind.
            if stored:
                agreement.signed_copy.storage.delete(stored)
            raise
        self.agreement = agreement
        return agreement


class EnquiryAsset(models.Model):
    """An asset in one owner's enquiry."""

    changes_public_pages = False

    enquiry = models.ForeignKey(Enquiry, models.CASCADE, related_name="asset_links")
    asset = models.ForeignKey(Asset, models.PROTECT, related_name="enquiry_links")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "asset"], name="enquiry_asset_unique")
        ]

    def __str__(self):
        return f"Asset {self.asset_id} in enquiry {self.enquiry_id}"


class EnquiryMessage(models.Model):
    """The thread between the operator and one owner. Each message is emailed to the other
    side; the operator has no account, so their messages have no author."""

    changes_public_pages = False

    enquiry = models.ForeignKey(Enquiry, models.CASCADE, related_name="messages")
    from_operator = models.BooleanField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField("message", max_length=5000, validators=[validate_no_nul])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message {self.pk} on enquiry {self.enquiry_id}"


class EnquiryNote(models.Model):
    """A dated note on an enquiry: each change of stage, with what was said about it."""

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    enquiry = models.ForeignKey(Enquiry, models.CASCADE, related_name="notes")
    note = models.TextField(max_length=5000, blank=True, validators=[validate_no_nul])
    status = models.CharField(
        "status set to",
        max_length=20,
        choices=Enquiry.Status,
        blank=True,
        help_text="Empty for a note that does not change the stage.",
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


class AgreementQuerySet(models.QuerySet):
    def for_partners(self, partners):
        return self.filter(enquiry__owner__in=partners)

    def ending_within(self, days, today=None):
        """Agreements still running whose end falls in the next `days` days."""
        today = today or timezone.localdate()
        return self.filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=days))

    def for_register(self):
        """With the owner, the operator's request and the number of assets: one query."""
        return self.select_related("enquiry__owner", "enquiry__request").annotate(
            asset_count=models.Count("enquiry__asset_links")
        )


def agreed_site_exists():
    """An expression for an asset query: the asset is in an agreed enquiry (an agreed site)."""
    return Exists(
        EnquiryAsset.objects.filter(asset=OuterRef("pk"), enquiry__status=Enquiry.Status.AGREED)
    )


# At most 50 years: a longer term is a typing slip.
AGREEMENT_MAX_MONTHS = 600


class Agreement(models.Model):
    """The signed access agreement that closes an agreed enquiry: when it starts, for how long,
    and the signed copy. The copy is private (PRIVATE_MEDIA_ROOT): only the owner's members,
    the programme team and the operator's own link may download it. The end date is worked out
    from the start and the term."""

    enquiry = models.OneToOneField(Enquiry, models.PROTECT, related_name="agreement")
    starts_on = models.DateField("start date")
    term_months = models.PositiveSmallIntegerField(
        "term (months)",
        validators=[MinValueValidator(1), MaxValueValidator(AGREEMENT_MAX_MONTHS)],
        help_text="How long the agreement runs, in whole months (60 for 5 years).",
    )
    ends_on = models.DateField("end date", editable=False)
    reference = models.CharField(
        "agreement reference",
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text="Your own reference for the agreement, if it has one.",
    )
    notes = models.TextField(max_length=5000, blank=True, validators=[validate_no_nul])
    signed_copy = models.FileField(
        "signed copy",
        storage=get_private_storage,
        upload_to=RandomDocumentName("agreements"),
        validators=[validate_document],
        blank=True,
        help_text="PDF or Word (DOCX), up to 10 MB. Private: only your organisation, the "
        "operator and the DIZ programme team can download it.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["ends_on"], name="agreement_ends_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_months__gte=1, term_months__lte=AGREEMENT_MAX_MONTHS),
                name="agreement_term_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="agreement_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"Agreement for enquiry {self.enquiry_id}"

    def save(self, *args, **kwargs):
        self.ends_on = self.end_date(self.starts_on, self.term_months)
        super().save(*args, **kwargs)
        if "signed_copy" in self.__dict__:
            remove_replaced_file(self, "signed_copy", getattr(self, "_stored_signed_copy", None))
            self._stored_signed_copy = self.signed_copy.name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_signed_copy = instance.__dict__.get("signed_copy")
        return instance

    def clean_fields(self, exclude=None):
        # The end date is derived, so it is there to check before the fields are.
        self.ends_on = self.end_date(self.starts_on, self.term_months)
        super().clean_fields(exclude=exclude)

    @staticmethod
    def end_date(starts_on, term_months):
        """The same date `term_months` later (the month's last day when it has fewer days);
        None when either is missing or the term is absurd."""
        try:
            return add_months(starts_on, int(term_months))
        except (TypeError, ValueError, OverflowError, AttributeError):
            return None

    @property
    def signed_copy_summary(self):
        """The kind and size, such as "PDF, 240 KB" (no query)."""
        return describe(self.signed_copy)

    @property
    def download_name(self):
        return f"agreement-enquiry-{self.enquiry_id}-signed"

    @property
    def is_current(self):
        today = timezone.localdate()
        return self.starts_on <= today < self.ends_on


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
    "visibility", "viability_confirmed", "structural_assessed_on", "known_constraints", "notes",
    "last_verified", "data_source",
    # The telecoms suitability profile and freshness (issue 13).
    "structural_next_due", "load_rating", "owner_asset_number", "duct_internal_diameter_mm",
    "duct_fill_percent", "mounting_height_m", "planning_constraints", "review_by",
    "location_generalised",
]  # fmt: skip


def _staging_copy(name):
    _, path, args, kwargs = Asset._meta.get_field(name).deconstruct()
    kwargs.pop("db_index", None)
    kwargs.pop("unique", None)
    return Asset._meta.get_field(name).__class__(*args, **kwargs)


for _name in STAGED_COLUMNS:
    StagedAsset.add_to_class(_name, _staging_copy(_name))


class AssetReviewReminder(models.Model):
    """One week's "assets due for review" email to one partner's members: the weekly job
    (assets.tasks.send_review_reminders) sends a partner at most one a week, however often it
    runs."""

    # Not shown to anonymous visitors: saving one leaves cached pages valid.
    changes_public_pages = False

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the week the reminder is for.")
    asset_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week", "partner"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "week"], name="asset_review_reminder_week")
        ]

    def __str__(self):
        return f"Review reminder for {self.partner} (week of {self.week:%Y-%m-%d})"
