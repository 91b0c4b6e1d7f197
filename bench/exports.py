"""Export throughput: rows per second of the fastest of several whole exports (other work on
the machine only ever slows a run down), and the peak memory of one more."""

import gc
import time
import tracemalloc

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from assets.models import Asset

TARGET_EXPORT_MB = 50.0
# Rows per second by export and database (issue 14); the trivial view's req/s sets the ratio.
TARGET_EXPORT_ROWS_S = {
    ("csv", "postgresql"): 200_000,
    ("csv", "sqlite"): 100_000,
    ("geojson", "postgresql"): 150_000,
    ("geojson", "sqlite"): 150_000,
}
EXPORTS = [
    ("CSV export, all assets", "/assets/export.csv"),
    ("GeoJSON export, all assets", "/assets/export.geojson"),
]


def measure(out, runs=3):
    """Rows for the table, one per export."""
    client = Client(HTTP_HOST="127.0.0.1")
    return [_measure_export(out, client, label, url, runs) for label, url in EXPORTS]


def _measure_export(out, client, label, url, runs):
    times = []
    for _ in range(runs):
        seconds, size, lines = _timed_download(client, url)
        times.append(seconds)
    features = _export_rows(url, lines)
    mb = _peak_memory(client, url) / 1024 / 1024
    rate = features / min(times)
    target = TARGET_EXPORT_ROWS_S[(url.rsplit(".", 1)[1], connection.vendor)]
    ok = rate > target and mb < TARGET_EXPORT_MB
    each = ", ".join(f"{features / t:,.0f}" for t in times)
    out.write(f"  {label}: {rate:,.0f} rows/s (runs: {each}), {mb:.1f} MB")
    return (
        label,
        f"`{url}`",
        f"{features:,} rows, {size / 1024 / 1024:.0f} MB",
        f"{rate:,.0f} rows/s, peak memory growth {mb:.1f} MB",
        "met" if ok else "MISSED",
    )


def _timed_download(client, url):
    """(seconds, bytes, newlines) of one whole streamed export."""
    gc.collect()
    started = time.perf_counter()
    response = client.get(url)
    size = 0
    lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return time.perf_counter() - started, size, lines


def _peak_memory(client, url):
    """Bytes: a second pass under tracemalloc for the peak memory the export allocates."""
    gc.collect()
    tracemalloc.start()
    for _chunk in client.get(url).streaming_content:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _export_rows(url, lines):
    """Rows in the export: the CSV's lines less the header, or the assets a visitor sees."""
    if url.endswith(".csv"):
        return lines - 1
    return Asset.objects.visible_to(AnonymousUser()).count()
