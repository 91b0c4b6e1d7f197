"""Validators shared by every app's models and forms."""

import re

from django.core.exceptions import ValidationError

# Line breaks in every form a browser, a spreadsheet or a text editor may send:
# CR, LF, vertical tab, form feed, NEL and the Unicode line and paragraph separators.
LINE_BREAKS = "\r\n\v\f\x85\u2028\u2029"
LINE_BREAK_RE = re.compile(f"[{re.escape(LINE_BREAKS)}]")
# Every other C0 and C1 control character (NUL, tab, escape, DEL...). None of them
# belongs in a name or a title, and NUL cannot even be stored by PostgreSQL.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def validate_single_line(value):
    """Reject text that would break a heading, an .ics line, a CSV row or an email header.

    Names and titles end up in places where a line break starts a new record (iCalendar,
    email headers) or a NUL ends the string (PostgreSQL), so we refuse them at the door.
    """
    if not isinstance(value, str):
        return
    if LINE_BREAK_RE.search(value):
        raise ValidationError("Enter this on one line, without line breaks.", code="single_line")
    if CONTROL_RE.search(value):
        raise ValidationError(
            "Remove the hidden control characters (such as tabs) from this.", code="single_line"
        )


# Rows saved before validate_single_line existed (or written by bulk updates, which skip
# validation) may still hold these characters, so output built from stored text cleans it
# where a break would corrupt the format: .ics lines, JSON-LD, feed titles, CSV cells.
_BREAKS_AND_CONTROLS_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_CONTROLS_BUT_NEWLINE_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_ENDINGS_RE = re.compile(r"\r\n?|[\v\f\x85\u2028\u2029]")


def one_line(value) -> str:
    """`value` as a single line: each run of line breaks or control characters becomes a space."""
    if not value:
        return ""
    return _BREAKS_AND_CONTROLS_RE.sub(" ", str(value)).strip()


def plain_text(value) -> str:
    """Multi-line text: "\\n" line endings only, tabs as spaces, other controls (NUL...) gone."""
    if not value:
        return ""
    text = _LINE_ENDINGS_RE.sub("\n", str(value)).replace("\t", " ")
    return _CONTROLS_BUT_NEWLINE_RE.sub("", text)
