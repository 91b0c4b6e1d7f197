"""The core knows no app: diz_portal imports none of them and names none of their URLs,
models or modules. Apps add to the core through hooks (diz_portal/hooks.py), so data flows
one way: apps import the core."""

import ast
import re
from pathlib import Path

import pytest

from diz_portal import search, sitemaps

CORE = Path(__file__).resolve().parents[2] / "diz_portal"
APPS = {"partners", "projects", "assets", "events"}
# "assets:list" (a URL name), "assets.Asset" (a model label), "assets.columns" (a module).
APP_NAME = re.compile(rf"^({'|'.join(sorted(APPS))})[:.]")
# The project's settings list the apps by name: that is their job, not a reach into them.
SKIPPED = {"settings.py"}


def core_modules():
    for path in sorted(CORE.rglob("*.py")):
        relative = path.relative_to(CORE).as_posix()
        if relative.startswith("migrations/") or relative in SKIPPED:
            continue
        yield relative, ast.parse(path.read_text(), filename=relative)


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def url_includes(tree):
    """The string arguments of include(...) calls: urls.py mounts each app's URLs by name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "include":
            for arg in node.args:
                for item in ast.walk(arg):
                    if isinstance(item, ast.Constant):
                        yield id(item)


def test_the_core_imports_no_app():
    found = [
        (name, module)
        for name, tree in core_modules()
        for module in imported_modules(tree)
        if module.split(".")[0] in APPS
    ]
    assert found == []


def test_the_core_names_no_app_url_model_or_module():
    found = []
    for name, tree in core_modules():
        allowed = set(url_includes(tree)) if name == "urls.py" else set()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and APP_NAME.match(node.value)
                and id(node) not in allowed
            ):
                found.append((name, node.lineno, node.value))
    assert found == []


# The layers of docs/architecture.md: each app may import the core and the apps below it,
# never one beside or above it. Migrations are left out: they are frozen history.
MAY_IMPORT = {
    "partners": set(),
    "projects": {"partners"},
    "assets": {"partners"},
    "events": {"partners"},
}


def test_apps_import_only_the_layers_below_them():
    root = CORE.parent
    found = []
    for app, allowed in MAY_IMPORT.items():
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative:
                continue
            tree = ast.parse(path.read_text(), filename=relative)
            for module in imported_modules(tree):
                top = module.split(".")[0]
                if top in APPS and top != app and top not in allowed:
                    found.append((relative, module))
    assert found == []


def test_the_check_finds_what_it_looks_for():
    """The two tests above would fail on the code they replaced."""
    tree = ast.parse(
        "from assets.columns import LICENCE_URL\n"
        "import events.models\n"
        "reverse('assets:list')\n"
        "apps.get_model('partners.Partner')\n"
    )
    assert list(imported_modules(tree)) == ["assets.columns", "events.models"]
    names = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert [name for name in names if APP_NAME.match(name)] == [
        "assets:list",
        "partners.Partner",
    ]


def test_apps_publish_through_their_hooks():
    """Each app's publishing.py is found, in PORTAL_APPS order, with the site's pages."""
    kinds = [item.kind for item in search.searchables().values()]
    assert kinds == ["partner", "project", "asset", "event", "page"]
    assert list(sitemaps.collect()) == [
        "sections",
        "pages",
        "partners",
        "projects",
        "assets",
        "events",
    ]


@pytest.mark.django_db
def test_the_open_data_page_lists_the_register_first(client):
    response = client.get("/open-data/")
    slugs = [dataset.slug for dataset in response.context["datasets"]]
    assert slugs == ["asset-register", "partners", "projects", "events"]
