"""How apps add to the portal's pages without the portal importing them.

Each app in settings.PORTAL_APPS may have modules of agreed names, holding functions of agreed
names (hooks). The core finds them here, in PORTAL_APPS order, and calls them; an app without
the module or the function is skipped. Data flows one way: apps import the core, never the
reverse.

- `<app>/sections.py`: sections of each other's pages (diz_portal/sections.py lists the hooks).
- `<app>/publishing.py`: what the app publishes to search engines, site search and open data:
  - search_documents(): the app's searchable models, as diz_portal.search.Searchable;
  - sees_restricted(user): True when `user` may find restricted (partners-only) entries in
    site search; the owner of that rule answers;
  - fts_indexes(): the app's SQLite FTS5 indexes (diz_portal.fts.Index), which every
    `migrate` repairs;
  - structured_data(obj): schema.org JSON-LD (a dict) for a page showing `obj`, for the
    `{% json_ld obj %}` tag;
  - sitemap_sections(): URL names of the app's section pages, for /sitemap-sections.xml;
  - sitemaps(): {section name: Sitemap class} for the app's own /sitemap-<name>.xml;
  - datasets(request): the app's open datasets (diz_portal.catalogue.Dataset), for
    /data.json and /open-data/ (where an app's own section comes from its sections.py).
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings


def app_module(app: str, name: str):
    """The module `<app>.<name>`, or None when the app has none."""
    try:
        return import_module(f"{app}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.{name}":
            raise  # the module exists but something it imports does not
        return None


def app_modules(name: str):
    """Each portal app's module called `name`, in PORTAL_APPS order."""
    for app in settings.PORTAL_APPS:
        if (module := app_module(app, name)) is not None:
            yield module


def hooks(module: str, hook: str):
    """Each portal app's `hook` function from its module called `module`."""
    for found in app_modules(module):
        func = getattr(found, hook, None)
        if func is not None:
            yield func


def model_hook(instance, module: str, hook: str):
    """`hook` from the module called `module` of the app that `instance`'s model belongs to,
    or None."""
    found = app_module(apps.get_app_config(instance._meta.app_label).name, module)
    return getattr(found, hook, None)
