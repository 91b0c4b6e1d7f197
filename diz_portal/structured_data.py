"""schema.org JSON-LD for search engines: the <script> element that carries it.

What each page says is its app's: the `structured_data(obj)` hook in the app's publishing.py
(an Event on event pages, an Organization on partner pages), shown by `{% json_ld obj %}`.
"""

import json

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

from diz_portal.hooks import model_hook
from diz_portal.validators import one_line

# Escaped like Django's json_script, so text can never close the <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _one_line(value):
    """Every string on one line, however old the row: search engines show these as snippets."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, dict):
        return {key: _one_line(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_one_line(item) for item in value]
    return value


def script(data: dict) -> SafeString:
    payload = json.dumps(_one_line(data), ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))


def absolute(path):
    """The full address of a path on the public site (never the host a request came to)."""
    return f"{settings.SITE_URL}{path}"


def json_ld(obj) -> str:
    """The <script> with `obj`'s JSON-LD, from its app's publishing.structured_data hook, or
    an empty string when its app publishes none."""
    func = model_hook(obj, "publishing", "structured_data")
    data = func(obj) if func is not None else None
    return script(data) if data else ""
