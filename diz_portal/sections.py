"""Page sections that apps contribute to each other's pages without importing each other
(found by diz_portal/hooks.py).

An app may define `sections.py` with any of the hooks below; each returns None or a dict with a
`template` key and its context. A hook must run a fixed number of queries.

- home(request): a section of the home page
- partner_detail(request, partner): a section of a partner's public page
- project_detail(request, project): a section of a project's public page
- dashboard(request, partners): a section of a partner user's dashboard
- attention(request): a list of things the programme manager should act on, each a dict with
  `label`, `count` and `url` (a filtered admin list); shown on the admin index when non-zero
- partner_history(): the models with history that partner users change, for the admin's
  "recent changes by partners"
- open_data(request): a section of the open data page; optional keys `contents` (a list of
  (anchor, heading) for the page's contents list) and `alternates` (a list of dicts with
  `type`, `title` and `href`: feeds for the page's <head>)
"""

from diz_portal.hooks import hooks


def _hooks(hook: str):
    """Each portal app's `hook` function from its sections.py, in PORTAL_APPS order."""
    return hooks("sections", hook)


def collect(hook: str, *args) -> list[dict]:
    """Every app's section for `hook`, leaving out apps that have nothing to show."""
    return [section for func in _hooks(hook) if (section := func(*args))]


def collect_lists(hook: str, *args) -> list:
    """Every app's `hook` result, where each is a list, joined into one."""
    return [item for func in _hooks(hook) for item in (func(*args) or [])]
