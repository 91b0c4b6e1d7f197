"""The benchmark's import figures: a 100,000-row file checked and applied by a real worker.

Measures what a county's data officer and everyone else on the site would notice: how long the
check and the apply take, the worker's peak memory growth, and, while the worker runs, the
server time of an uncached public page and of a registration POST. The imported assets are
removed afterwards, so the bench database stays the same size run after run. Everything runs
against 127.0.0.1's database; every loop is bounded in time.
"""

import csv
import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from assets.columns import IMPORT_COLUMNS
from assets.models import Asset, AssetImport
from bench import BenchError
from diz_portal.cache import bump
from events.models import Event, Registration
from partners.models import Partner

N_ROWS = 100_000
PREFIX = "IMP-"
TIMEOUT_S = 600
TARGET_JOB_S, TARGET_MEMORY_MB = 60.0, 200.0
TARGET_PAGE_P95_MS, TARGET_REGISTRATION_S = 500.0, 2.0


def street_lights_csv(n=N_ROWS, seed=2026):
    """A county street-light inventory as a register CSV, as exported from an asset
    management system: about 12 MB for 100,000 rows."""
    rng = random.Random(seed)  # noqa: S311 - reproducible fake data
    districts = ["broxbourne", "east-hertfordshire", "epping-forest", "harlow", "uttlesford"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    blank = dict.fromkeys(IMPORT_COLUMNS, "")
    for i in range(n):
        values = blank | {
            "reference": f"{PREFIX}{i:06d}",
            "name": f"Light {i}",
            "asset_type": "lamp_column",
            "owner": "",  # uploaded for one organisation, as from the dashboard
            "district": districts[i % 5],
            "address": "High St",
            "latitude": f"{51.65 + rng.random() * 0.4:.5f}",
            "longitude": f"{-0.1 + rng.random() * 0.5:.5f}",
            "height_m": "8",
            "power_available": "yes",
            "power_supply": "unmetered",
            "availability": "available",
            "visibility": "public",
        }
        writer.writerow([values[name] for name in IMPORT_COLUMNS])
    return out.getvalue()


def _rss_mb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _registration_event():
    for event in Event.objects.upcoming().with_counts().order_by("start")[:200]:
        if event.published and not event.registration_problem():
            return event
    return None


class Sampler:
    """Uncached page requests and registration POSTs while a job runs, timed server-side."""

    def __init__(self, page_url, event):
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.page_url = page_url
        self.event = event
        self.pages = {}
        self.registrations = {}

    def page(self, phase):
        started = time.perf_counter()
        response = self.client.get(self.page_url)
        assert response.status_code == 200, response.status_code
        self.pages.setdefault(phase, []).append((time.perf_counter() - started) * 1000)

    def register(self, phase):
        if self.event is None or phase in self.registrations:
            return
        n = sum(len(v) for v in self.pages.values())
        started = time.perf_counter()
        response = self.client.post(
            self.event.get_absolute_url(),
            {
                "name": "Bench Registrant",
                "email": f"bench-{phase}-{n}-{time.time_ns()}@example.org",
                "organisation": "Bench",
                "consent": "on",
            },
        )
        assert response.status_code in (200, 302), response.status_code
        self.registrations[phase] = time.perf_counter() - started

    def p95(self, phase):
        values = sorted(self.pages.get(phase, [0.0]))
        return values[min(len(values) - 1, int(len(values) * 0.95))], len(values)


def measure(stdout):
    """Rows for the bench table: (what, URL, size, measured, target)."""
    owner = Partner.objects.filter(slug__startswith="bench-").order_by("pk").first()
    remove_imported()
    text = street_lights_csv()
    stdout.write(f"Import: {N_ROWS:,} rows, {len(text.encode()):,} bytes, for {owner.slug}")
    env = {**os.environ, "DIZ_TASKS_BACKEND": "database"}
    worker = subprocess.Popen(  # noqa: S603 - our own manage.py
        [
            sys.executable, "manage.py", "db_worker", "--queue-name", "imports",
            "--interval", "0.2", "--no-startup-delay", "--no-reload", "--verbosity", "0",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )  # fmt: skip
    try:
        time.sleep(3)  # the worker's imports and first connection
        baseline = _rss_mb(worker.pid, "VmRSS")
        sampler = Sampler("/assets/?page=3", _registration_event())
        with override_settings(PAGE_CACHE_SECONDS=0):
            batch = AssetImport.objects.create(
                owner=owner, filename="street-lights.csv", content=text, rows_total=N_ROWS
            )
            del text
            started = time.perf_counter()
            batch.start_check()
            _run_phase(batch, "check", sampler, {"waiting", "checking"})
            check_s = time.perf_counter() - started
            batch.refresh_from_db()
            if batch.status != AssetImport.Status.CHECKED:
                raise BenchError(f"The bench import did not check cleanly: {batch.summary}")
            started = time.perf_counter()
            batch.confirm()
            _run_phase(batch, "apply", sampler, {"confirmed", "applying"}, until_task_done=True)
            apply_s = time.perf_counter() - started
        batch.refresh_from_db()
        growth = _rss_mb(worker.pid, "VmHWM") - baseline
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    if batch.status != AssetImport.Status.APPLIED:
        raise BenchError(f"The bench import was not applied: {batch.error}")
    total = check_s + apply_s
    size = f"{N_ROWS:,} rows"
    rows = [
        ("Import: check, then apply (worker)", "dashboard import", size,
         f"check {check_s:.1f} s, apply {apply_s:.1f} s, total {total:.1f} s",
         _verdict(total < TARGET_JOB_S, f"under {TARGET_JOB_S:.0f} s")),
        ("Import: worker peak memory growth", "db_worker", size, f"{growth:.0f} MB",
         _verdict(growth < TARGET_MEMORY_MB, f"under {TARGET_MEMORY_MB:.0f} MB")),
    ]  # fmt: skip
    for phase in ("check", "apply"):
        p95, n = sampler.p95(phase)
        seconds = sampler.registrations.get(phase)
        registration = f"{seconds:.2f} s" if seconds is not None else "not sampled"
        met = p95 < TARGET_PAGE_P95_MS and (seconds or 0) < TARGET_REGISTRATION_S
        rows.append(
            (f"During the {phase}: public page, registration", f"`{sampler.page_url}`, event",
             f"{n} requests", f"page p95 {p95:.0f} ms; registration POST {registration}",
             _verdict(met, f"p95 under {TARGET_PAGE_P95_MS:.0f} ms, POST under "
                           f"{TARGET_REGISTRATION_S:.0f} s"))
        )  # fmt: skip
        stdout.write(f"  {rows[-1][0]}: {rows[-1][3]}")
    stdout.write(f"  {rows[0][0]}: {rows[0][3]}; memory growth {growth:.0f} MB")
    remove_imported()
    return rows


def _verdict(met, target):
    return f"met ({target})" if met else f"MISSED ({target})"


def _run_phase(batch, phase, sampler, running, *, until_task_done=False):
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        status = AssetImport.objects.filter(pk=batch.pk).values_list("status", flat=True).get()
        if status in running:
            if status in ("checking", "applying"):
                sampler.register(phase)
        elif (
            not until_task_done
            or not DBTaskResult.objects.filter(
                task_path__endswith="apply_import", finished_at__isnull=True
            ).exists()
        ):
            return
        sampler.page(phase)
        time.sleep(0.05)
    raise BenchError(f"The bench import's {phase} took over {TIMEOUT_S} s")


def remove_imported():
    """Take the bench import's assets (and their history and search entries) out again."""
    asset, history = Asset._meta.db_table, Asset.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM diz_portal_searchentry WHERE key IN (SELECT 'assets.asset:' || id "
            f"FROM {asset} WHERE reference LIKE %s)",
            [PREFIX + "%"],
        )
        cursor.execute(f"DELETE FROM {history} WHERE reference LIKE %s", [PREFIX + "%"])
        cursor.execute(f"DELETE FROM {asset} WHERE reference LIKE %s", [PREFIX + "%"])
    Registration.objects.filter(email__startswith="bench-").delete()
    bump()
