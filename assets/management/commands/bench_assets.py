"""Benchmark the asset register at 100,000 assets in a separate database.

By default the database is the SQLite file bench-assets.sqlite3 in the project root (kept between
runs, so the rows are only built once); --database-url points it elsewhere. The command runs
itself again in a child process with DATABASE_URL set, so the portal's own database is never
touched. Requests go through Django's test Client: the times are server times, without network.
"""

import gc
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

CHILD = "DIZ_BENCH_ASSETS_CHILD"
PREFIX = "BENCHA-"
DISTRICTS = {
    "broxbourne": ("Broxbourne", "hertfordshire"),
    "east-hertfordshire": ("East Hertfordshire", "hertfordshire"),
    "epping-forest": ("Epping Forest", "essex"),
    "harlow": ("Harlow", "essex"),
    "uttlesford": ("Uttlesford", "essex"),
}
WORDS = ["civic", "column", "rooftop", "depot", "library", "shelter", "signal", "duct", "mast"]


class Command(BaseCommand):
    help = (
        "Benchmark the asset list, map data and exports at 100,000 assets in a separate "
        "database (bench-assets.sqlite3, or --database-url). Prints median and 95th percentile "
        "server times, query counts, export rows per second and memory growth."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000, help="Assets to benchmark at.")
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page.")
        parser.add_argument(
            "--database-url",
            help="Database to build and use instead of bench-assets.sqlite3; its name must "
            "contain 'bench'.",
        )

    def handle(self, *args, rows, repeat, database_url=None, **options):
        if rows < 1 or repeat < 2:
            raise CommandError("--rows must be at least 1 and --repeat at least 2.")
        if os.environ.get(CHILD) != "1":
            return self.spawn(rows, repeat, database_url)
        self.build(rows)
        self.report(rows, repeat)

    def spawn(self, rows, repeat, database_url):
        url = database_url or f"sqlite:///{settings.BASE_DIR / 'bench-assets.sqlite3'}"
        if "bench" not in url.rsplit("/", 1)[-1]:
            raise CommandError("The benchmark database's name must contain 'bench'.")
        env = {
            **os.environ,
            CHILD: "1",
            "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-only-not-secret",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_PAGE_CACHE_SECONDS": "0",  # measure the views, not the page cache
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "bench_assets",
            f"--rows={rows}",
            f"--repeat={repeat}",
        ]
        completed = subprocess.run(command, env=env, check=False)  # noqa: S603
        if completed.returncode:
            raise CommandError(f"The benchmark failed (exit status {completed.returncode}).")

    # --- data ------------------------------------------------------------------------------

    def build(self, rows):
        from pyproj import Transformer

        from assets.models import Asset
        from partners.models import District, Partner, Sector

        call_command("migrate", verbosity=0, interactive=False)
        for slug, (name, county) in DISTRICTS.items():
            District.objects.get_or_create(slug=slug, defaults={"name": name, "county": county})
        districts = list(District.objects.values_list("pk", flat=True))
        owners = []
        for n in range(1, 21):
            partner, _ = Partner.objects.get_or_create(
                slug=f"bench-owner-{n}",
                defaults={"name": f"Bench owner {n}", "sector": Sector.LOCAL_AUTHORITY},
            )
            owners.append(partner.pk)
        existing = Asset.objects.filter(reference__startswith=PREFIX).count()
        if existing == rows:
            self.stdout.write(f"Using the {rows:,} benchmark assets already built.")
            return
        self.stdout.write(f"Building {rows:,} assets…")
        Asset.objects.filter(reference__startswith=PREFIX).delete()
        to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
        types = list(Asset.AssetType.values)
        availability = list(Asset.Availability.values)
        started = time.perf_counter()
        batch = []
        for i in range(rows):
            # A deterministic spread over the DIZ: 51.65-52.05 N, 0.10 W-0.40 E.
            lat = Decimal(51650000 + (i * 7919) % 400000) / Decimal(1_000_000)
            lon = Decimal(-100000 + (i * 104729) % 500000) / Decimal(1_000_000)
            easting, northing = to_bng.transform(float(lon), float(lat))
            batch.append(
                Asset(
                    reference=f"{PREFIX}{i:07d}",
                    name=f"Bench {WORDS[i % len(WORDS)]} {i}",
                    asset_type=types[i % len(types)],
                    owner_id=owners[i % len(owners)],
                    district_id=districts[i % len(districts)],
                    address=f"{i % 200 + 1} High Street",
                    postcode="CM20 1HH",
                    latitude=lat,
                    longitude=lon,
                    easting=round(easting),
                    northing=round(northing),
                    height_m=Decimal(i % 30),
                    power_available=i % 2 == 0,
                    power_supply="metered" if i % 2 == 0 else "",
                    fibre_connected=i % 3 == 0,
                    availability=availability[i % len(availability)],
                    visibility="partners" if i % 10 == 0 else "public",
                    notes="Benchmark data.",
                    last_verified=date(2026, 1, 1),
                )
            )
            if len(batch) == 5000:
                Asset.objects.bulk_create(batch)
                batch = []
        Asset.objects.bulk_create(batch)
        self.stdout.write(f"Built in {time.perf_counter() - started:.1f} s.")

    # --- measurements ------------------------------------------------------------------------

    def report(self, rows, repeat):
        from assets.models import Asset

        asset = Asset.objects.filter(reference__startswith=PREFIX, visibility="public").first()
        pages = [
            ("List, first page", "/assets/"),
            ("List, filtered", "/assets/?asset_type=lamp_column&power=yes&q=column"),
            ("List, page 1,000", "/assets/?page=1000"),
            ("Detail", asset.get_absolute_url()),
            ("Map data, whole DIZ (capped)", "/assets/map.geojson?bbox=-0.2,51.6,0.5,52.1"),
            ("Map data, one town", "/assets/map.geojson?bbox=0.05,51.74,0.15,51.80"),
            ("Map data, filtered", "/assets/map.geojson?bbox=-0.2,51.6,0.5,52.1&fibre=yes"),
        ]
        vendor = connection.vendor
        self.stdout.write(
            f"\nAsset register benchmark: {Asset.objects.count():,} assets on {vendor}, "
            f"{repeat} requests per page (anonymous visitor, page cache off)\n"
        )
        self.stdout.write(f"{'Page':<32}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
        overrides = {
            "ALLOWED_HOSTS": ["testserver"],
            "SECURE_SSL_REDIRECT": False,
            "DEBUG": False,
            "STORAGES": {
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        }
        with override_settings(**overrides):
            client = Client()
            for label, url in pages:
                queries, times = self.time_page(client, url, repeat)
                self.stdout.write(
                    f"{label:<32}{queries:>8}{statistics.median(times):>11.1f}"
                    f"{self.p95(times):>9.1f}"
                )
            self.stdout.write(
                f"\n{'Export (all public assets)':<32}{'rows':>9}{'seconds':>9}{'rows/s':>10}"
                f"{'MB':>7}{'peak alloc MB':>15}{'RSS growth MB':>15}"
            )
            for label, url in [
                ("CSV", "/assets/export.csv"),
                ("GeoJSON", "/assets/export.geojson"),
            ]:
                self.time_export(client, label, url)

    @staticmethod
    def p95(times):
        return statistics.quantiles(times, n=20)[18] if len(times) >= 2 else times[0]

    @staticmethod
    def time_page(client, url, repeat):
        for _ in range(2):  # warm up caches and connections
            assert client.get(url).status_code == 200, url
        # request_started clears connection.queries, so count with an execute wrapper.
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                queries.append(sql),
                execute(sql, params, many, context),
            )[1]
        ):
            client.get(url)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        return len(queries), times

    def time_export(self, client, label, url):
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        size = lines = 0
        for chunk in client.get(url).streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        # CSV: a header line, then one line per asset; GeoJSON: one line per feature.
        rows = lines - 1 if label == "CSV" else lines
        # A second pass under tracemalloc for the most memory the export holds at once.
        gc.collect()
        tracemalloc.start()
        for _chunk in client.get(url).streaming_content:
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"{label:<32}{rows:>9,}{seconds:>9.2f}{rows / seconds:>10,.0f}"
            f"{size / 1e6:>7.1f}{peak / 1e6:>15.1f}{rss_growth:>15.1f}"
        )
