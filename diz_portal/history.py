"""History pages the programme manager can read: long text changes as a word-level difference.

django-simple-history shortens long values to "The d[209 chars]lors…", which hides what a
partner changed in a description. `PortalHistoryAdmin` shows the words taken out (<del>) and
put in (<ins>) instead; short values keep simple-history's display.
"""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

# Values longer than this are shown as a word difference.
LONG_TEXT = 80
# A word with the spaces after it, so a run of changed words is marked as one.
_TOKENS = re.compile(r"\S+\s*|\s+")


def word_diff(old: str, new: str) -> tuple[str, str]:
    """(old, new) as safe HTML: in `old` the removed words are in <del>, in `new` the added
    words are in <ins>; unchanged words appear in both."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    old_html, new_html = [], []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = escape("".join(before[a1:a2])), escape("".join(after[b1:b2]))
        if op == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(f"<del>{removed}</del>")
        if added:
            new_html.append(f"<ins>{added}</ins>")
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # noqa: S308 - escaped


class WordDiffContextHelper(HistoricalRecordContextHelper):
    def stringify_delta_change_values(self, change, old, new):
        if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
            return word_diff(old, new)
        return super().stringify_delta_change_values(change, old, new)


class PortalHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page shows long text changes word by word."""

    def get_historical_record_context_helper(self, request, historical_record):
        return WordDiffContextHelper(self.model, historical_record)


def recent_partner_changes(limit):
    """The latest changes partner users (not staff) made, across every model an app lists in
    its `partner_history()` hook, newest first: one query per model, then one per row shown
    to say what changed (at most `limit`)."""
    from django.urls import reverse

    from diz_portal.sections import collect_lists

    rows = []
    for model in collect_lists("partner_history"):
        history = model.history.model
        rows += [
            (record, model)
            for record in history.objects.filter(
                history_user__isnull=False, history_user__is_staff=False
            )
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        ]
    rows.sort(key=lambda pair: pair[0].history_date, reverse=True)
    changes = []
    for record, model in rows[:limit]:
        meta = model._meta
        changes.append(
            {
                "when": record.history_date,
                "who": record.history_user.email,
                "kind": meta.verbose_name,
                "what": _record_label(record),
                "action": record.get_history_type_display(),
                "fields": _changed_fields(record, model),
                "url": reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_history", args=[record.id]
                ),
            }
        )
    return changes


def _record_label(record):
    for name in ("reference", "title", "name"):
        value = getattr(record, name, "")
        if value:
            return value
    return f"#{record.id}"


def _changed_fields(record, model):
    if record.history_type != "~":
        return ""
    previous = record.prev_record
    if previous is None:
        return ""
    changed = record.diff_against(previous).changed_fields
    return ", ".join(str(model._meta.get_field(name).verbose_name) for name in changed)
