"""The items page's figure for `make bench` (diz_portal/management/commands/bench.py calls it)."""

import statistics
import time

from django.test.utils import override_settings

ITEMS_URL = "/ogcapi/collections/assets/items?limit=1000"


def measure_items(client, n=50, url=ITEMS_URL):
    """(median_ms, p95_ms) of n uncached requests for a page of 1,000 features, after three to
    warm up. Uncached: the page cache is off, so every request builds its page (the count is
    still the cached `numberMatched`, as in production)."""
    with override_settings(PAGE_CACHE_SECONDS=0):
        for _ in range(3):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        times = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]
