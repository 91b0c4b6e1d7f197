"""`make bench`: the portal's performance benchmark at 500,000 assets.

Builds (once) a separate database with 500 partners, 300 projects, 1,000 events and 500,000
assets, then prints one table: SQL queries and median / 95th percentile server time per page,
export throughput and memory, and requests per second under gunicorn beside a trivial view.
Every request goes to 127.0.0.1; every loop is bounded in count and time.
"""

import gc
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

N_PARTNERS, N_PROJECTS, N_EVENTS, N_ASSETS = 500, 300, 1000, 500_000
ASSET_BATCH = 20_000
TARGET_QUERIES, TARGET_P95_MS = 20, 50.0
TARGET_EXPORT_MB = 50.0
# Rows per second by export and database (issue 14); the trivial view's req/s sets the ratio.
TARGET_EXPORT_ROWS_S = {
    ("csv", "postgresql"): 200_000,
    ("csv", "sqlite"): 100_000,
    ("geojson", "postgresql"): 150_000,
    ("geojson", "sqlite"): 150_000,
}
TARGET_RPS_RATIO = 0.8
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


class Command(BaseCommand):
    help = (
        "Benchmark pages, exports and throughput at 500,000 assets in a separate database "
        "(DATABASE_URL, set by `make bench`). Builds the data once; --rebuild starts again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Drop and rebuild the data.")
        parser.add_argument("--requests", type=int, default=40, help="Timed requests per page.")
        parser.add_argument("--load-seconds", type=int, default=8, help="Seconds per load run.")
        parser.add_argument("--skip-load", action="store_true", help="Skip the gunicorn part.")
        parser.add_argument(
            "--skip-import", action="store_true", help="Skip the 100,000-row import part."
        )
        parser.add_argument("--skip-exports", action="store_true", help="Skip the exports.")
        parser.add_argument(
            "--skip-pages", action="store_true", help="Skip the page timings (exports alone)."
        )
        parser.add_argument(
            "--export-runs",
            type=int,
            default=3,
            help="Timed runs per export; the fastest counts (the machine is shared).",
        )
        parser.add_argument(
            "--only",
            default="",
            help="Measure only the pages whose label contains this text (case-insensitive).",
        )

    def handle(self, *args, **options):
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name:
            raise CommandError(
                f"Refusing to benchmark database {name!r}: its name must contain 'bench'. "
                "Run `make bench`, which points DATABASE_URL at a separate database."
            )
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.build(rebuild=options["rebuild"])
        rows = []
        if not options["skip_pages"]:
            rows += self.measure_pages(options["requests"], options["only"].lower())
        if not options["skip_exports"]:
            rows += self.measure_exports(max(1, options["export_runs"]))
        if not options["skip_import"]:
            from assets import import_bench

            self.stdout.write("Import of a county-sized file through a worker…")
            rows += import_bench.measure(self.stdout)
        if not options["skip_load"]:
            rows += self.measure_load(options["load_seconds"])
        self.report(rows)

    # --- data -----------------------------------------------------------------------------

    def build(self, rebuild=False):
        from assets.models import Asset
        from events.models import Event, EventSeries
        from partners.models import Partner
        from projects.models import Project

        have = (
            Partner.objects.count(),
            Project.objects.count(),
            Event.objects.count(),
            Asset.objects.count(),
        )
        if not rebuild and have >= (N_PARTNERS, N_PROJECTS, N_EVENTS, N_ASSETS):
            self.stdout.write(f"Using the existing bench data {have}.")
            _analyze()
            return
        started = time.perf_counter()
        self.stdout.write("Building bench data (once)…")
        for model in (Asset, Event, EventSeries, Project, Partner):
            model.objects.all().delete()
        rng = random.Random(2026)  # noqa: S311 - reproducible fake data
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        self._partners(rng)
        self._projects(rng)
        self._events(rng)
        call_command("rebuild_search_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
        self._assets(rng)  # indexes its own batches for search: a rebuild would re-read them
        from diz_portal.cache import bump

        bump()
        _analyze()
        self.stdout.write(f"Built in {time.perf_counter() - started:.0f} s.")

    def _partners(self, rng):
        from partners.models import District, Partner, Sector

        districts = list(District.objects.all())
        existing = Partner.objects.count()
        sectors = list(Sector.values)
        Partner.objects.bulk_create(
            Partner(
                name=f"Bench partner {i:04d}",
                slug=f"bench-partner-{i:04d}",
                sector=rng.choice(sectors),
                short_description=f"A {rng.choice(WORDS)} partner for the benchmark.",
                description=" ".join(rng.choice(WORDS) for _ in range(60)),
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

    def _projects(self, rng):
        from partners.models import Partner
        from projects.models import FundingLine, Outcome, Project, Theme

        partners = list(Partner.objects.values_list("pk", flat=True))
        themes = list(Theme.objects.values_list("pk", flat=True))
        existing = Project.objects.count()
        Project.objects.bulk_create(
            Project(
                title=f"Bench project {i:03d} {rng.choice(WORDS)}",
                slug=f"bench-project-{i:03d}",
                status=rng.choice(list(Project.Status.values)),
                summary=" ".join(rng.choice(WORDS) for _ in range(25)),
                body=" ".join(rng.choice(WORDS) for _ in range(200)),
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
                Project.themes.through(project_id=p.pk, theme_id=rng.choice(themes))
                for p in projects
            )
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
            Outcome(project=p, label="Sites connected", value=str(rng.randrange(100)))
            for p in projects
        )

    def _events(self, rng):
        from events.models import Event, EventSeries
        from partners.models import Partner

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
                    description=" ".join(rng.choice(WORDS) for _ in range(120)),
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

    def _assets(self, rng):
        from pyproj import Transformer

        from assets.models import Asset
        from diz_portal import search
        from partners.models import District, Partner

        to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
        owners = list(Partner.objects.values_list("pk", flat=True)[:60])
        districts = list(District.objects.values_list("pk", flat=True))
        types = list(Asset.AssetType.values)
        availability = list(Asset.Availability.values)
        existing = Asset.objects.count()
        todo = N_ASSETS - existing
        for start in range(0, todo, ASSET_BATCH):
            size = min(ASSET_BATCH, todo - start)
            lats = [round(51.65 + rng.random() * 0.4, 6) for _ in range(size)]
            lons = [round(-0.1 + rng.random() * 0.5, 6) for _ in range(size)]
            # One call per batch: pyproj transforms whole sequences far faster than points.
            eastings, northings = to_bng.transform(lons, lats)
            batch = [
                Asset(
                    reference=f"BEN-{i:07d}",
                    name=f"Bench {rng.choice(WORDS)} {i}",
                    asset_type=rng.choice(types),
                    owner_id=rng.choice(owners),
                    district_id=rng.choice(districts),
                    address=f"{rng.randrange(1, 200)} High Street",
                    postcode="CM20 1AA",
                    latitude=Decimal(str(lat)),
                    longitude=Decimal(str(lon)),
                    easting=round(easting),
                    northing=round(northing),
                    power_available=rng.random() < 0.5,
                    fibre_connected=rng.random() < 0.3,
                    availability=rng.choice(availability),
                    visibility=(
                        Asset.Visibility.PARTNERS if rng.random() < 0.1 else Asset.Visibility.PUBLIC
                    ),
                    notes="Benchmark data.",
                    last_verified=date(2026, 1, 1),
                )
                for i, lat, lon, easting, northing in zip(
                    range(start, start + size), lats, lons, eastings, northings, strict=True
                )
            ]
            with transaction.atomic():
                search.index_many(Asset.objects.bulk_create(batch))
            self.stdout.write(f"  {start + size:,} assets")

    # --- measurements ---------------------------------------------------------------------

    def pages(self):
        from assets.models import Asset
        from events.models import Event
        from partners.models import Partner
        from projects.models import Project

        partner = Partner.objects.filter(slug__startswith="bench-").order_by("pk").first()
        project = Project.objects.filter(slug__startswith="bench-").order_by("pk").first()
        asset = Asset.objects.public().order_by("pk").first()
        event = Event.objects.filter(slug__startswith="bench-").order_by("-start").first()
        return [
            ("Home", "/"),
            ("Partner list", "/partners/"),
            ("Partner detail", partner.get_absolute_url()),
            ("Project list", "/projects/"),
            ("Project detail", project.get_absolute_url()),
            ("Asset list", "/assets/"),
            ("Asset list, filtered", "/assets/?asset_type=lamp_column&power=true&q=harlow"),
            ("Asset list, page 5000", "/assets/?page=5000"),
            ("Asset detail", asset.get_absolute_url()),
            ("Map data, whole area", "/assets/map.geojson?bbox=-0.2,51.6,0.5,52.1&zoom=10"),
            ("Map data, town", "/assets/map.geojson?bbox=0.05,51.75,0.15,51.8&zoom=13"),
            ("Map data, street", "/assets/map.geojson?bbox=0.1,51.77,0.104,51.772&zoom=17"),
            ("Event list", "/events/"),
            ("Event detail", event.get_absolute_url()),
            ("Search", "/search/?q=fibre+harlow"),
            # OGC API - Features: a GIS client's page of 1,000 assets (issue 12).
            ("OGC API items, 1,000 features", "/ogcapi/collections/assets/items?limit=1000&f=json"),
        ]

    def measure_pages(self, n, only=""):
        """Server time through the full middleware stack, with the page cache off (every
        request renders) and on (an anonymous visitor's repeat request, as served)."""
        rows = []
        client = Client(HTTP_HOST="127.0.0.1")
        for label, url in self.pages():
            if only not in label.lower():
                continue
            with override_settings(PAGE_CACHE_SECONDS=0):
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                queries = _count_queries(client, url)
                cold = _timings(client, url, n)
            with override_settings(PAGE_CACHE_SECONDS=300):
                warm = _timings(client, url, n)
            ok = queries < TARGET_QUERIES and cold[1] < TARGET_P95_MS
            verdict = "met" if ok else (f"MISSED by {cold[1] - TARGET_P95_MS:.0f} ms uncached")
            rows.append(
                (
                    label,
                    f"`{url}`",
                    f"{queries} queries",
                    f"uncached: median {cold[0]:.1f} ms, p95 {cold[1]:.1f} ms; "
                    f"cached: p95 {warm[1]:.1f} ms",
                    verdict,
                )
            )
            self.stdout.write(
                f"  {label}: {queries} queries, p95 {cold[1]:.1f} ms uncached, "
                f"{warm[1]:.1f} ms cached"
            )
        return rows

    def measure_exports(self, runs=3):
        """Rows per second of the fastest of `runs` whole exports (other work on the machine
        only ever slows a run down), and the peak memory of one more."""
        rows = []
        client = Client(HTTP_HOST="127.0.0.1")
        for label, url in [
            ("CSV export, all assets", "/assets/export.csv"),
            ("GeoJSON export, all assets", "/assets/export.geojson"),
        ]:
            times = []
            for _ in range(runs):
                gc.collect()
                started = time.perf_counter()
                response = client.get(url)
                size = 0
                lines = 0
                for chunk in response.streaming_content:
                    size += len(chunk)
                    lines += chunk.count(b"\n")
                times.append(time.perf_counter() - started)
            seconds = min(times)
            features = self._export_rows(url, lines)
            # A second pass under tracemalloc for the peak memory the export allocates.
            gc.collect()
            tracemalloc.start()
            for _chunk in client.get(url).streaming_content:
                pass
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rate = features / seconds
            mb = peak / 1024 / 1024
            target = TARGET_EXPORT_ROWS_S[(url.rsplit(".", 1)[1], connection.vendor)]
            ok = rate > target and mb < TARGET_EXPORT_MB
            rows.append(
                (
                    label,
                    f"`{url}`",
                    f"{features:,} rows, {size / 1024 / 1024:.0f} MB",
                    f"{rate:,.0f} rows/s, peak memory growth {mb:.1f} MB",
                    "met" if ok else "MISSED",
                )
            )
            each = ", ".join(f"{features / t:,.0f}" for t in times)
            self.stdout.write(f"  {label}: {rate:,.0f} rows/s (runs: {each}), {mb:.1f} MB")
        return rows

    trivial_rps = None

    def _with_ratios(self, rows):
        """Each rows-per-second figure also as a ratio to the trivial view's requests per
        second in the same run, which says how fast this machine was at the time."""
        if not self.trivial_rps:
            return rows
        out = []
        for label, url, size, measured, verdict in rows:
            if match := re.search(r"([\d,]+) rows/s", measured):
                rate = float(match[1].replace(",", ""))
                measured += f" ({rate / self.trivial_rps:.0f}× the trivial view's req/s)"
            out.append((label, url, size, measured, verdict))
        return out

    @staticmethod
    def _export_rows(url, lines):
        from django.contrib.auth.models import AnonymousUser

        from assets.models import Asset

        if url.endswith(".csv"):
            return lines - 1
        return Asset.objects.visible_to(AnonymousUser()).count()

    def measure_load(self, seconds):
        wrk = shutil.which("wrk")
        if not wrk:
            raise CommandError("wrk is not installed: apt-get install -y wrk (make bench does).")
        port = _free_port()
        env = {
            **os.environ,
            "DIZ_BENCH_TRIVIAL_VIEW": "1",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "diz_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        rows = []
        try:
            _wait_for(port)
            from assets.models import Asset

            asset = Asset.objects.public().order_by("pk").first()
            targets = [
                ("Trivial view (baseline)", "/bench/ok/"),
                ("Home, cached", "/"),
                ("Asset list, cached", "/assets/"),
                ("Asset detail, cached", asset.get_absolute_url()),
            ]
            baseline = None
            for label, path in targets:
                rps = _wrk(wrk, f"http://127.0.0.1:{port}{path}", seconds)
                baseline = baseline or rps
                self.trivial_rps = baseline
                ratio = rps / baseline
                verdict = "baseline"
                if path != "/bench/ok/":
                    verdict = "met" if ratio >= TARGET_RPS_RATIO else "MISSED"
                rows.append(
                    (
                        label,
                        f"`{path}`",
                        "gunicorn, 2 workers",
                        f"{rps:,.0f} req/s ({ratio:.2f} of the trivial view)",
                        verdict,
                    )
                )
                self.stdout.write(f"  {label}: {rps:,.0f} req/s ({ratio:.0%})")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        return rows

    def report(self, rows):
        rows = self._with_ratios(rows)
        vendor = connection.vendor
        header = (
            f"\nBenchmark on {vendor} with {N_ASSETS:,} assets, {N_PARTNERS} partners, "
            f"{N_PROJECTS} projects, {N_EVENTS} events; {os.cpu_count()} CPU cores.\n"
        )
        lines = [
            header,
            "| What | URL | Size | Measured | Target |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [f"| {' | '.join(row)} |" for row in rows]
        self.stdout.write("\n".join(lines))


def _analyze():
    """Fresh planner statistics and (PostgreSQL) visibility map, as autovacuum would leave them
    after a bulk load: index-only scans (counts, deep pages) depend on the latter."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _timings(client, url, n):
    """(median, 95th percentile) in ms of n requests after three to warm up."""
    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def _count_queries(client, url):
    """SQL statements one request runs, counted at the database wrapper."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        client.get(url)
    return count


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise CommandError("gunicorn did not start")


def _wrk(wrk, url, seconds):
    # Warm the page cache first, then a bounded run: 2 threads, 8 connections, fixed seconds.
    subprocess.run([wrk, "-t1", "-c1", "-d1s", url], capture_output=True, check=True)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [wrk, "-t2", "-c8", f"-d{seconds}s", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split(":")[1])
    raise CommandError(f"Could not read wrk output:\n{out}")
