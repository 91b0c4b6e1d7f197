"""The benchmark (`make bench`, the top-level bench/ package) is never run here: it builds a
500,000-asset database. These tests check its entry point and its safety check only."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from bench import BenchError, data, runner
from bench.__main__ import build_parser

OPTIONS = [
    "--rebuild",
    "--requests",
    "--load-seconds",
    "--skip-load",
    "--skip-import",
    "--skip-exports",
    "--skip-pages",
    "--export-runs",
    "--only",
]


def run_bench(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_DEBUG": "1", **(env_extra or {})})
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bench_refuses_a_database_that_is_not_a_bench_database():
    with pytest.raises(BenchError, match="must contain 'bench'"):
        runner.check_database("/srv/diz/db.sqlite3")
    with pytest.raises(BenchError, match="must contain 'bench'"):
        runner.check_database("diz_portal")
    runner.check_database("diz_bench")  # no error


def test_bench_run_checks_the_database_first():
    name = str(settings.DATABASES["default"]["NAME"])
    if "bench" in name:
        pytest.skip("the test database is named like a bench database")
    options = build_parser().parse_args(["--skip-load"])
    with pytest.raises(BenchError, match="must contain 'bench'"):
        runner.run(options)


def test_bench_options_and_defaults_are_those_make_bench_documents():
    options = build_parser().parse_args([])
    assert (options.requests, options.load_seconds, options.export_runs) == (40, 8, 3)
    assert not (options.rebuild or options.skip_load or options.skip_pages)
    assert options.only == ""
    assert (data.N_PARTNERS, data.N_PROJECTS, data.N_EVENTS, data.N_ASSETS) == (
        500,
        300,
        1000,
        500_000,
    )


def test_python_m_bench_help_lists_every_option():
    result = run_bench("--help")
    assert result.returncode == 0, result.stderr
    for option in OPTIONS:
        assert option in result.stdout


def test_python_m_bench_stops_before_touching_a_database_not_named_for_it(tmp_path_factory):
    database = tmp_path_factory.mktemp("site") / "site.sqlite3"
    # The check is on the name: a path with "bench" in it would start a real build.
    assert "bench" not in str(database)
    result = run_bench("--skip-load", env_extra={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 1
    assert "Refusing to benchmark database" in result.stderr
    assert "must contain 'bench'" in result.stderr
    assert not database.exists()  # not even migrated
