"""CSV cells that are safe to open in a spreadsheet, and exactly as they were when imported back.

Excel, LibreOffice and Google Sheets run a cell that starts with =, +, -, @, tab or carriage
return as a formula ("CSV injection"), so `=HYPERLINK(...)` typed as an asset name could
become a live link in a partner's spreadsheet. OWASP's advice is to start such a cell with a
single quote, which spreadsheets show as text.

The rule must be undone exactly on import, or export-then-import would change data. So a
value that already starts with quotes before a trigger character ("'=x") gets one more quote
too, and `restore` removes exactly one: `restore(neutralise(v)) == v` for every string.
"""

import re

TRIGGERS = "=+-@\t\r"
# Every first character NEEDS_QUOTE can match: a set lookup rules out almost every cell
# before the regex runs, which keeps a 100,000-row export fast.
FIRST_CHARACTERS = frozenset("'" + TRIGGERS)
# Quotes, then a trigger: the values a spreadsheet would run, or that look like ones we made.
NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
# Ones we made: at least one quote, then a trigger.
QUOTED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(value):
    """A cell for a CSV file: text that a spreadsheet would run gets a leading quote.

    Anything other than a string (numbers, dates, None) is returned unchanged, so a negative
    longitude stays a number.
    """
    if isinstance(value, str) and NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore(value):
    """The exact inverse of `neutralise`, for a cell read from a CSV file."""
    if isinstance(value, str) and QUOTED.match(value):
        return value[1:]
    return value


def neutralise_row(row):
    """Every cell of a row (a list) neutralised; for small exports where speed is no concern."""
    return [neutralise(value) for value in row]
