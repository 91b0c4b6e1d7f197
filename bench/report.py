"""The benchmark's one table, in Markdown, as pasted into the README."""

import os
import re

from django.db import connection

from bench.data import N_ASSETS, N_EVENTS, N_PARTNERS, N_PROJECTS

HEADER = ["| What | URL | Size | Measured | Target |", "| --- | --- | --- | --- | --- |"]


def with_ratios(rows, trivial_rps):
    """Each rows-per-second figure also as a ratio to the trivial view's requests per
    second in the same run, which says how fast this machine was at the time."""
    if not trivial_rps:
        return rows
    out = []
    for label, url, size, measured, verdict in rows:
        if match := re.search(r"([\d,]+) rows/s", measured):
            rate = float(match[1].replace(",", ""))
            measured += f" ({rate / trivial_rps:.0f}× the trivial view's req/s)"
        out.append((label, url, size, measured, verdict))
    return out


def write(out, rows, trivial_rps=None):
    """Prints what was measured on which database, then the table."""
    header = (
        f"\nBenchmark on {connection.vendor} with {N_ASSETS:,} assets, {N_PARTNERS} partners, "
        f"{N_PROJECTS} projects, {N_EVENTS} events; {os.cpu_count()} CPU cores.\n"
    )
    lines = [header, *HEADER]
    lines += [f"| {' | '.join(row)} |" for row in with_ratios(rows, trivial_rps)]
    out.write("\n".join(lines))
