"""Server time per page through the full middleware stack, with the page cache off (every
request renders) and on (an anonymous visitor's repeat request, as served)."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from assets.models import Asset
from bench import BenchError
from events.models import Event
from partners.models import Partner
from projects.models import Project

TARGET_QUERIES, TARGET_P95_MS = 20, 50.0


def pages():
    """(label, URL) of every page measured, the detail pages on bench records."""
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


def measure(out, n, only=""):
    """Rows for the table, one per page whose label contains `only` (lower case)."""
    client = Client(HTTP_HOST="127.0.0.1")
    return [
        _measure_page(out, client, label, url, n) for label, url in pages() if only in label.lower()
    ]


def _measure_page(out, client, label, url, n):
    with override_settings(PAGE_CACHE_SECONDS=0):
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
        queries = _count_queries(client, url)
        cold = _timings(client, url, n)
    with override_settings(PAGE_CACHE_SECONDS=300):
        warm = _timings(client, url, n)
    ok = queries < TARGET_QUERIES and cold[1] < TARGET_P95_MS
    verdict = "met" if ok else (f"MISSED by {cold[1] - TARGET_P95_MS:.0f} ms uncached")
    out.write(
        f"  {label}: {queries} queries, p95 {cold[1]:.1f} ms uncached, {warm[1]:.1f} ms cached"
    )
    return (
        label,
        f"`{url}`",
        f"{queries} queries",
        f"uncached: median {cold[0]:.1f} ms, p95 {cold[1]:.1f} ms; cached: p95 {warm[1]:.1f} ms",
        verdict,
    )


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
