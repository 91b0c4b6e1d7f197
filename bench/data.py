"""The bench database: 500 partners, 300 projects, 1,000 events and 500,000 assets, built
once on top of the demo data (reproducible: one seeded random generator)."""

import os
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from pyproj import Transformer

from assets.models import Asset
from diz_portal import search
from diz_portal.cache import bump
from events.models import Event, EventSeries
from partners.models import District, Partner, Sector
from projects.models import FundingLine, Outcome, Project, Theme

N_PARTNERS, N_PROJECTS, N_EVENTS, N_ASSETS = 500, 300, 1000, 500_000
ASSET_BATCH = 20_000
SEED = 2026
WORDS = [
    "fibre",
    "gigabit",
    "rooftop",
    "column",
    "duct",
    "small",
    "cell",
    "mast",
    "harlow",
    "epping",
    "ware",
    "hertford",
    "loughton",
    "saffron",
    "walden",
    "dunmow",
    "cheshunt",
    "hoddesdon",
    "sawbridgeworth",
    "stortford",
]


def counts():
    """(partners, projects, events, assets) in the database now."""
    return (
        Partner.objects.count(),
        Project.objects.count(),
        Event.objects.count(),
        Asset.objects.count(),
    )


def build(out, rebuild=False):
    """Builds the data unless it is already there (or `rebuild`), then refreshes statistics."""
    have = counts()
    if not rebuild and have >= (N_PARTNERS, N_PROJECTS, N_EVENTS, N_ASSETS):
        out.write(f"Using the existing bench data {have}.")
        analyze()
        return
    started = time.perf_counter()
    out.write("Building bench data (once)…")
    for model in (Asset, Event, EventSeries, Project, Partner):
        model.objects.all().delete()
    rng = random.Random(SEED)  # noqa: S311 - reproducible fake data
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    _partners(rng)
    _projects(rng)
    _events(rng)
    call_command("rebuild_search_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
    _assets(out, rng)  # indexes its own batches for search: a rebuild would re-read them
    bump()
    analyze()
    out.write(f"Built in {time.perf_counter() - started:.0f} s.")


def analyze():
    """Fresh planner statistics and (PostgreSQL) visibility map, as autovacuum would leave them
    after a bulk load: index-only scans (counts, deep pages) depend on the latter."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _partners(rng):
    districts = list(District.objects.all())
    existing = Partner.objects.count()
    sectors = list(Sector.values)
    Partner.objects.bulk_create(
        Partner(
            name=f"Bench partner {i:04d}",
            slug=f"bench-partner-{i:04d}",
            sector=rng.choice(sectors),
            short_description=f"A {rng.choice(WORDS)} partner for the benchmark.",
            description=_words(rng, 60),
            website="https://example.org/",
            published=True,
        )
        for i in range(N_PARTNERS - existing)
    )
    through = Partner.districts.through
    through.objects.bulk_create(
        through(partner_id=pk, district_id=rng.choice(districts).pk)
        for pk in Partner.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
    )


def _projects(rng):
    partners = list(Partner.objects.values_list("pk", flat=True))
    themes = list(Theme.objects.values_list("pk", flat=True))
    existing = Project.objects.count()
    Project.objects.bulk_create(
        Project(
            title=f"Bench project {i:03d} {rng.choice(WORDS)}",
            slug=f"bench-project-{i:03d}",
            status=rng.choice(list(Project.Status.values)),
            summary=_words(rng, 25),
            body=_words(rng, 200),
            lead_partner_id=rng.choice(partners),
            start_date=date(2019, 1, 1) + timedelta(days=rng.randrange(1500)),
            published=True,
        )
        for i in range(N_PROJECTS - existing)
    )
    projects = list(Project.objects.filter(slug__startswith="bench-"))
    Project.partners.through.objects.bulk_create(
        Project.partners.through(project_id=p.pk, partner_id=pk)
        for p in projects
        for pk in set(rng.sample(partners, 4))
    )
    if themes:
        Project.themes.through.objects.bulk_create(
            Project.themes.through(project_id=p.pk, theme_id=rng.choice(themes)) for p in projects
        )
    _project_figures(rng, projects)


def _project_figures(rng, projects):
    """A funding line and an outcome for each bench project."""
    FundingLine.objects.bulk_create(
        FundingLine(
            project=p,
            funder="DCMS",
            programme="Benchmark fund",
            amount=Decimal(rng.randrange(1000, 2_000_000)),
            status=FundingLine.Status.AWARDED,
        )
        for p in projects
    )
    Outcome.objects.bulk_create(
        Outcome(project=p, label="Sites connected", value=str(rng.randrange(100))) for p in projects
    )


def _events(rng):
    series = EventSeries.objects.get_or_create(
        slug="bench-series", defaults={"name": "Bench seminar series"}
    )[0]
    partners = list(Partner.objects.values_list("pk", flat=True))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    existing = Event.objects.count()
    events = []
    for i in range(N_EVENTS - existing):
        start = now + timedelta(days=rng.randrange(-900, 400), hours=rng.randrange(8))
        events.append(
            Event(
                title=f"Bench seminar {i:04d} on {rng.choice(WORDS)}",
                slug=f"bench-event-{i:04d}",
                series=series,
                summary="A benchmark seminar.",
                description=_words(rng, 120),
                start=start,
                end=start + timedelta(hours=2),
                format=Event.Format.ONLINE,
                capacity=rng.choice([None, 50, 100]),
                published=True,
            )
        )
    Event.objects.bulk_create(events)
    Event.hosts.through.objects.bulk_create(
        Event.hosts.through(event_id=pk, partner_id=rng.choice(partners))
        for pk in Event.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
    )


def _assets(out, rng):
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    choices = {
        "owners": list(Partner.objects.values_list("pk", flat=True)[:60]),
        "districts": list(District.objects.values_list("pk", flat=True)),
        "types": list(Asset.AssetType.values),
        "availability": list(Asset.Availability.values),
    }
    todo = N_ASSETS - Asset.objects.count()
    for start in range(0, todo, ASSET_BATCH):
        size = min(ASSET_BATCH, todo - start)
        lats = [round(51.65 + rng.random() * 0.4, 6) for _ in range(size)]
        lons = [round(-0.1 + rng.random() * 0.5, 6) for _ in range(size)]
        # One call per batch: pyproj transforms whole sequences far faster than points.
        eastings, northings = to_bng.transform(lons, lats)
        batch = [
            _asset(rng, choices, i, lat, lon, easting, northing)
            for i, lat, lon, easting, northing in zip(
                range(start, start + size), lats, lons, eastings, northings, strict=True
            )
        ]
        with transaction.atomic():
            search.index_many(Asset.objects.bulk_create(batch))
        out.write(f"  {start + size:,} assets")


def _asset(rng, choices, i, lat, lon, easting, northing):
    return Asset(
        reference=f"BEN-{i:07d}",
        name=f"Bench {rng.choice(WORDS)} {i}",
        asset_type=rng.choice(choices["types"]),
        owner_id=rng.choice(choices["owners"]),
        district_id=rng.choice(choices["districts"]),
        address=f"{rng.randrange(1, 200)} High Street",
        postcode="CM20 1AA",
        latitude=Decimal(str(lat)),
        longitude=Decimal(str(lon)),
        easting=round(easting),
        northing=round(northing),
        power_available=rng.random() < 0.5,
        fibre_connected=rng.random() < 0.3,
        availability=rng.choice(choices["availability"]),
        visibility=(Asset.Visibility.PARTNERS if rng.random() < 0.1 else Asset.Visibility.PUBLIC),
        notes="Benchmark data.",
        last_verified=date(2026, 1, 1),
    )
