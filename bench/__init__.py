"""`make bench`: the portal's performance benchmark at 500,000 assets, outside the site.

Run as `python -m bench` (see __main__.py for the options). It builds (once) a separate
database with 500 partners, 300 projects, 1,000 events and 500,000 assets (bench.data), then
prints one table: SQL queries and median / 95th percentile server time per page (bench.pages),
export throughput and memory (bench.exports), a county-sized import through a worker
(bench.imports), and requests per second under gunicorn beside a trivial view (bench.load).
Every request goes to 127.0.0.1; every loop is bounded in count and time.
"""


class BenchError(Exception):
    """The benchmark cannot go on: printed as one line, exit status 1."""
