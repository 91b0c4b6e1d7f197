"""How complete and fresh each owner's public records are: the public data-quality page.

One aggregate query (GROUP BY owner, a COUNT … FILTER per measure) over the public register,
so the page costs the same at 31 assets or 500,000.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from assets.models import Asset, add_months, agreed_site_exists

# A measure is Good from GOOD per cent, Fair from FAIR, Poor below.
GOOD = 80
FAIR = 50
RATINGS = {
    "good": ("Good", "govuk-tag--green"),
    "fair": ("Fair", "govuk-tag--yellow"),
    "poor": ("Poor", "govuk-tag--red"),
}
# Asset types a structural assessment does not apply to.
NOT_STRUCTURES = (Asset.AssetType.LAND, Asset.AssetType.DUCT_CHAMBER)
DUCT = Asset.AssetType.DUCT_CHAMBER


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    explanation: str
    applies: Q  # which assets count
    complete: Q  # which of those have it


MEASURES = [
    Measure(
        "power",
        "Power supply kind",
        "The kind of power supply is recorded (none, part-night, dusk to dawn, 24-hour metered "
        "or unmetered).",
        Q(),
        ~Q(power_supply=""),
    ),
    Measure(
        "structural",
        "Structural assessment",
        "The date of the last structural assessment is recorded (structures only: not land "
        "or ducts).",
        ~Q(asset_type__in=NOT_STRUCTURES),
        Q(structural_assessed_on__isnull=False),
    ),
    Measure(
        "fitting",
        "Mounting height or duct data",
        "Ducts and chambers: their internal diameter and fill are both recorded. Every other "
        "asset: the available mounting height is recorded.",
        Q(),
        Q(asset_type=DUCT, duct_internal_diameter_mm__isnull=False, duct_fill_percent__isnull=False)
        | (~Q(asset_type=DUCT) & Q(mounting_height_m__isnull=False)),
    ),
    Measure(
        "planning",
        "Planning constraints",
        "Planning constraints have been checked: at least one designation, or “none known”.",
        Q(),
        ~Q(planning_constraints=""),
    ),
    Measure(
        "verified",
        "Verified in the last 12 months",
        "The owner has confirmed the record in the last 12 months.",
        Q(),
        None,  # set per day: see _complete()
    ),
]


def rating(percent):
    """(key, word, tag class) for a percentage; None when no asset counts."""
    if percent is None:
        return None
    key = "good" if percent >= GOOD else "fair" if percent >= FAIR else "poor"
    return (key, *RATINGS[key])


@dataclass
class Score:
    measure: Measure
    done: int
    of: int

    @property
    def percent(self):
        return None if not self.of else round(100 * self.done / self.of)

    @property
    def rating(self):
        return rating(self.percent)


@dataclass
class OwnerRow:
    """One owner's line: unpacks as (name, slug, public assets, scores); `agreed` is how many of
    those public assets are agreed sites (in an agreed enquiry)."""

    name: str
    slug: str
    total: int
    scores: list
    agreed: int = 0

    def __iter__(self):
        return iter((self.name, self.slug, self.total, self.scores))


@dataclass
class Overall:
    """The whole register's line: unpacks as (public assets, scores), plus `agreed`."""

    total: int
    scores: list
    agreed: int = 0

    def __iter__(self):
        return iter((self.total, self.scores))


def _complete(measure, today):
    if measure.key == "verified":
        return Q(last_verified__gte=add_months(today, -12))
    return measure.complete


def by_owner(today=None):
    """([OwnerRow(owner name, owner slug, public assets, [Score per MEASURES], agreed sites)]
    by owner name, and Overall(public assets, [Score per MEASURES], agreed sites) for the whole
    register): one query."""
    today = today or timezone.localdate()
    public = Asset.objects.visible_to(AnonymousUser()).order_by()
    counts = {"total": Count("pk"), "agreed": Count("pk", filter=Q(agreed_site_exists()))}
    for measure in MEASURES:
        counts[f"{measure.key}_of"] = (
            Count("pk", filter=measure.applies) if measure.applies else None
        )
        counts[f"{measure.key}_done"] = Count(
            "pk", filter=measure.applies & _complete(measure, today)
        )
    counts = {name: value for name, value in counts.items() if value is not None}
    rows = public.values("owner__name", "owner__slug").annotate(**counts).order_by("owner__name")
    owners = []
    overall = [Score(measure, 0, 0) for measure in MEASURES]
    total = agreed = 0
    for row in rows:
        scores = [
            Score(measure, row[f"{measure.key}_done"], row.get(f"{measure.key}_of", row["total"]))
            for measure in MEASURES
        ]
        for whole, score in zip(overall, scores, strict=True):
            whole.done += score.done
            whole.of += score.of
        total += row["total"]
        agreed += row["agreed"]
        owners.append(
            OwnerRow(row["owner__name"], row["owner__slug"], row["total"], scores, row["agreed"])
        )
    return owners, Overall(total, overall, agreed)


def cutoff_text(today=None):
    """The first day that counts as "in the last 12 months", for the page."""
    today = today or timezone.localdate()
    return add_months(today, -12)
