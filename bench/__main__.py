"""`python -m bench [options]`: what `make bench` runs, with the environment it sets."""

import argparse
import os
import sys


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Benchmark pages, exports and throughput at 500,000 assets in a separate database "
            "(DATABASE_URL, set by `make bench`). Builds the data once; --rebuild starts again."
        ),
    )
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
    return parser


def main(argv=None):
    """Parses the options first (so --help needs no settings), then starts Django and runs."""
    options = build_parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diz_portal.settings")
    import django

    django.setup()
    # Imported once Django is set up: the bench modules use the apps' models.
    from bench import BenchError, runner

    try:
        runner.run(options)
    except BenchError as exc:
        sys.stderr.write(f"bench: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
