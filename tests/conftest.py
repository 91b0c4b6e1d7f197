import pytest
from django.conf import settings

from tests import factories


def pytest_configure(config):
    # The production storage needs `collectstatic` first; tests serve from the source folders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = settings.BASE_DIR / ".test-media"
    # Query counts and live data in tests; tests/portal/test_cache.py turns the cache on.
    settings.PAGE_CACHE_SECONDS = 0


def pytest_collection_modifyitems(config, items):
    """Tests of one database's own machinery (SQLite's FTS5, PostgreSQL's COPY) are collected
    only on that database. CI runs the suite on both, so each runs once there, never skipped."""
    engine = settings.DATABASES["default"]["ENGINE"]
    other = "postgresql_only" if engine.endswith("sqlite3") else "sqlite_only"
    items[:] = [item for item in items if other not in item.keywords]


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate limits and page caches must not leak from one test into the next.

    Every cache alias is cleared. The database cache (rate limits without REDIS_URL) lives in
    the test database, so it is cleared only for tests that use it; a test wrapped in a
    transaction would roll its rows back anyway, but a transactional test's flush skips it.
    """
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    uses_db = request.node.get_closest_marker("django_db") or "_django_db_helper" in (
        request.fixturenames
    )
    if uses_db:
        request.getfixturevalue("db")  # set the database up before clearing its cache table

    def clear():
        for alias in settings.CACHES:
            backend = caches[alias]
            if uses_db or not isinstance(backend, DatabaseCache):
                backend.clear()

    clear()
    yield
    clear()


@pytest.fixture
def partner_a(db):
    return factories.make_partner("Alpha District Council", slug="alpha")


@pytest.fixture
def partner_b(db):
    return factories.make_partner("Beta Health Trust", slug="beta", districts=("uttlesford",))


@pytest.fixture
def member(partner_a):
    """A partner user who belongs to partner A."""
    return factories.make_member(partner_a, "member@alpha.example.org")


@pytest.fixture
def outsider(partner_b):
    """A partner user who belongs to partner B only."""
    return factories.make_member(partner_b, "member@beta.example.org")


@pytest.fixture
def manager(db):
    return factories.make_manager("manager@diz.example.org")


@pytest.fixture
def superuser(db):
    return factories.make_user("root@diz.example.org", superuser=True)


@pytest.fixture
def personas(member, outsider, manager, superuser):
    """Every kind of visitor, for permission matrices: name -> user (None is anonymous)."""
    return {
        "anonymous": None,
        "member": member,
        "outsider": outsider,
        "manager": manager,
        "superuser": superuser,
    }
