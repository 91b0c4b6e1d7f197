"""Whole-page cache for anonymous visitors, invalidated by any change to what they can see.

A page is cached under a key that includes the content version (diz_portal.ContentVersion).
A transaction that saves, deletes or relinks (many-to-many) rows that public pages show bumps
the version once, when it commits; so the next request after an edit in the admin or the
dashboard renders afresh, and concurrent writers do not queue on the version row. Each process
reads the version at most once a second (VERSION_CHECK_SECONDS), so a cache hit needs no
database round trip, and an edit shows on every app server within a second. Visitors with
a session (signed-in partner users and staff) always get live pages.

Pages and `versioned` aggregates live in the "pages" cache (per-process memory without Redis:
the version in every key keeps the processes consistent). The "default" cache is left to what
must be shared between processes, such as rate limits.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Paginator
from django.core.signals import setting_changed
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import cached_property

from diz_portal.models import ContentVersion

# Never cached: live status, and pages that are personal or carry forms.
SKIP_PREFIXES = ("/health/", "/admin/", "/accounts/", "/dashboard/", "/bench/")
CACHEABLE_TYPES = ("text/html", "application/json", "application/geo+json", "application/xml")

# Models that no anonymous page shows say so with the class attribute
# `changes_public_pages = False`, so writing them leaves cached pages valid (the outbox,
# memberships, enquiries, import batches…). Registrations do not: event lists show places left.


def page_cache():
    return caches["pages"]


# How stale this process's copy of the content version may be: an edit made through another
# app server shows here within this many seconds. An edit made through this process resets
# the copy, so it shows on the very next request.
VERSION_CHECK_SECONDS = 1.0
_NEVER = (None, float("-inf"))
_seen = _NEVER  # (version, monotonic time just before it was read); one tuple, swapped whole


def current_version() -> int:
    """The content version: a query at most once every VERSION_CHECK_SECONDS per process, so
    a cache hit usually costs no database round trip at all."""
    global _seen
    value, read_at = _seen
    now = time.monotonic()
    if value is not None and now - read_at < VERSION_CHECK_SECONDS:
        return value
    # The clock is read before the query: a commit the query misses happened after `now`,
    # so the copy expires less than VERSION_CHECK_SECONDS after that commit.
    value = ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    _seen = (value, now)
    return value


def forget_version(**kwargs):
    """Read the version afresh on the next call (after a change here, or a settings change
    in tests)."""
    global _seen
    _seen = _NEVER


def _increment():
    # In autocommit (after the commit, or outside any transaction): the row is locked only
    # for this one statement.
    if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"value": 1})
    forget_version()


def bump():
    """Mark all cached pages stale once the current transaction commits (at once outside one).

    However many times a transaction calls it, the version row is updated once, after the
    commit; a rollback bumps nothing. Call it after bulk writes that bypass model signals.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _increment()
        return
    # Looked up in the connection's own list rather than kept in a flag, so a savepoint
    # rollback that drops the callback also lets the next change register it again.
    if any(func is _increment for _, func, _ in connection.run_on_commit):
        return
    # robust: the data is committed whatever happens here; a failed bump leaves pages stale
    # for PAGE_CACHE_SECONDS at most, which is better than a 500 after a successful save.
    transaction.on_commit(_increment, robust=True)


def changes_public_pages(model) -> bool:
    """Whether writing rows of `model` can change a page an anonymous visitor sees."""
    meta = getattr(model, "_meta", None)
    if meta is None or meta.app_label not in settings.PORTAL_APPS:
        return False  # Django's, allauth's and the task queue's own tables
    if model.__module__ == "__fake__":  # historical models inside migrations
        return False
    if model is ContentVersion or meta.model_name.startswith("historical"):
        return False
    return getattr(model, "changes_public_pages", True)


def _on_change(sender, **kwargs):
    if kwargs.get("raw"):
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: bump once the relation has changed, not before
    if changes_public_pages(sender):
        bump()


def connect_signals():
    # Tests flush the database (and its version row) between tests and change settings
    # around each one: never carry a version over.
    setting_changed.connect(forget_version, dispatch_uid="diz-cache-forget-version")
    post_save.connect(_on_change, dispatch_uid="diz-cache-save")
    post_delete.connect(_on_change, dispatch_uid="diz-cache-delete")
    m2m_changed.connect(_on_change, dispatch_uid="diz-cache-m2m")


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self._anonymous_read(request):
            return self.get_response(request)
        try:
            version = current_version()
        except DatabaseError:
            # The view will report the outage (or /health/ its 503); the cache cannot help.
            return self.get_response(request)
        key = f"page:{version}:{request.get_host()}:{request.get_full_path()}"
        cache = page_cache()
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if self._cacheable(request, response):
            cache.set(key, response, seconds)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _anonymous_read(request):
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(SKIP_PREFIXES)
            and not (
                settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
            )
        )

    @staticmethod
    def _cacheable(request, response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not request.META.get("CSRF_COOKIE_USED")
            and "no-cache" not in response.get("Cache-Control", "")
            and "private" not in response.get("Cache-Control", "")
            and response.get("Content-Type", "").startswith(CACHEABLE_TYPES)
        )


def versioned(key, compute, timeout=300):
    """`compute()`'s result, cached until the next content change (at most one query: the
    version).

    For aggregates that are costly over 100,000 rows (register totals, result counts) and
    that only a content change can alter.
    """
    full_key = f"v:{current_version()}:{key}"
    cache = page_cache()
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value


def query_key(queryset):
    """A stable cache key for a queryset's SQL and parameters."""
    sql, params = queryset.query.sql_with_params()
    return hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()


class CountCachingPaginator(Paginator):
    """A paginator whose total (a full COUNT over the filter) is cached per content version."""

    @cached_property
    def count(self):
        return versioned(f"count:{query_key(self.object_list)}", self.object_list.count)


# Rows between the cached anchors of a DeferredJoinPaginator's deep pages.
ANCHOR_STRIDE = 5000


class DeferredJoinPaginator(CountCachingPaginator):
    """A cached-count paginator whose pages are read as their keys first, then the rows.

    `OFFSET 250000` makes the database step over 250,000 rows before the page; stepping
    over entries of an index that serves the order and holds the key (SQLite: the covering
    list indexes; PostgreSQL: partial indexes on the key, assets migration 0004) is many
    times cheaper than over rows with their joins, and the second query fetches just the
    page's rows by key. `key` must be unique and `object_list` ordered by it; `rows` must
    hold every row `object_list` can (its joins, none of its filters).
    """

    def __init__(self, object_list, per_page, key, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.key = key
        # Where the page's rows are read from by key: the filters (a text search, say) have
        # already chosen the keys, so running them again would only double their cost.
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self._keys(bottom, top)
        rows = (
            list(self.rows.filter(**{f"{self.key}__in": keys}).order_by(self.key)) if keys else []
        )
        return self._get_page(rows, number, self)

    def _keys(self, bottom, top):
        """The keys of the rows from `bottom` to `top`, in order. Deep in the list they are
        read from an anchor: the key at the last multiple of ANCHOR_STRIDE before `bottom`,
        found once per content version (one walk of the index, as before) and cached, so a
        deep page steps over fewer than ANCHOR_STRIDE index entries instead of `bottom`."""
        keys = self.object_list.values_list(self.key, flat=True)
        block = bottom // ANCHOR_STRIDE
        if not block or not self._ordered_by_key():
            return list(keys[bottom:top])
        start = block * ANCHOR_STRIDE
        anchor = versioned(f"anchor:{start}:{query_key(self.object_list)}", lambda: keys[start])
        return list(keys.filter(**{f"{self.key}__gte": anchor})[bottom - start : top - start])

    def _ordered_by_key(self):
        query = self.object_list.query
        order = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
        return list(order) == [self.key]
