"""Page sections that apps contribute to each other's pages without importing each other.

An app may define `sections.py` with any of the hooks below; each returns None or a dict with a
`template` key and its context. A hook must run a fixed number of queries.

- home(request): a section of the home page
- partner_detail(request, partner): a section of a partner's public page
- project_detail(request, project): a section of a project's public page
- dashboard(request, partners): a section of a partner user's dashboard
"""

from importlib import import_module

from django.conf import settings


def collect(hook: str, *args) -> list[dict]:
    sections = []
    for app in settings.PORTAL_APPS:
        try:
            module = import_module(f"{app}.sections")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.sections":
                raise
            continue
        func = getattr(module, hook, None)
        if func is not None and (section := func(*args)):
            sections.append(section)
    return sections
