"""Requests per second under gunicorn (2 workers) with wrk, each cached page beside a trivial
view in the same run (`/bench/ok/`, DIZ_BENCH_TRIVIAL_VIEW): the ratio says how much of the
server's capacity the page leaves."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings

from assets.models import Asset
from bench import BenchError

TARGET_RPS_RATIO = 0.8
TRIVIAL_PATH = "/bench/ok/"


def measure(out, seconds):
    """(rows for the table, the trivial view's requests per second)."""
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError("wrk is not installed: apt-get install -y wrk (make bench does).")
    port = _free_port()
    server = _start_gunicorn(port)
    try:
        _wait_for(port)
        return _measure_targets(out, wrk, port, seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def targets():
    asset = Asset.objects.public().order_by("pk").first()
    return [
        ("Trivial view (baseline)", TRIVIAL_PATH),
        ("Home, cached", "/"),
        ("Asset list, cached", "/assets/"),
        ("Asset detail, cached", asset.get_absolute_url()),
    ]


def _measure_targets(out, wrk, port, seconds):
    rows = []
    baseline = None
    for label, path in targets():
        rps = _wrk(wrk, f"http://127.0.0.1:{port}{path}", seconds)
        baseline = baseline or rps
        ratio = rps / baseline
        verdict = "baseline"
        if path != TRIVIAL_PATH:
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
        out.write(f"  {label}: {rps:,.0f} req/s ({ratio:.0%})")
    return rows, baseline


def _start_gunicorn(port):
    env = {
        **os.environ,
        "DIZ_BENCH_TRIVIAL_VIEW": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    return subprocess.Popen(  # noqa: S603
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
    raise BenchError("gunicorn did not start")


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
    raise BenchError(f"Could not read wrk output:\n{out}")
