"""The benchmark's order of work: refuse a database not meant for it, migrate, build the data
once, measure what the options ask for, print the table."""

import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from bench import BenchError, data, exports, imports, load, pages, report


def check_database(name):
    """The benchmark deletes and bulk-loads rows: never in a database not named for it."""
    if "bench" not in name:
        raise BenchError(
            f"Refusing to benchmark database {name!r}: its name must contain 'bench'. "
            "Run `make bench`, which points DATABASE_URL at a separate database."
        )


def run(options, out=None):
    """Runs the parts `options` (from bench.__main__.build_parser) ask for; `out` is where
    progress and the table go (standard output by default)."""
    out = out or OutputWrapper(sys.stdout)
    check_database(str(settings.DATABASES["default"]["NAME"]))
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    data.build(out, rebuild=options.rebuild)
    rows = []
    trivial_rps = None
    if not options.skip_pages:
        rows += pages.measure(out, options.requests, options.only.lower())
    if not options.skip_exports:
        rows += exports.measure(out, max(1, options.export_runs))
    if not options.skip_import:
        out.write("Import of a county-sized file through a worker…")
        rows += imports.measure(out)
    if not options.skip_load:
        load_rows, trivial_rps = load.measure(out, options.load_seconds)
        rows += load_rows
    report.write(out, rows, trivial_rps)
