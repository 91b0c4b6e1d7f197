"""Site search over what the apps publish and the site's own content pages.

Each app declares its searchable models in its publishing.py (`search_documents()`, see
diz_portal/hooks.py): for each, a Searchable whose `document` turns an instance into the
fields of its SearchEntry, or None when the public should not find it at all (unpublished,
retired). Signals keep entries in step with every save and delete; `manage.py
rebuild_search_index` rebuilds them after bulk loads.

PostgreSQL: full-text search on a weighted tsvector with ranking, a GIN index and highlighted
headlines. SQLite: every word must appear in the title, summary or body (found through an FTS5
trigram index, diz_portal/fts.py); titles rank first.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Model, Q, Value, When
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.html import escape
from django.utils.safestring import mark_safe

from diz_portal import fts
from diz_portal.filters import every_word
from diz_portal.hooks import hooks
from diz_portal.models import Page, SearchEntry

MAX_QUERY_LENGTH = 200
RESULTS_LIMIT = 60
_START, _STOP = "\x02", "\x03"  # markers turned into <mark> after escaping


@dataclass(frozen=True)
class Searchable:
    """A model site search finds. `document(instance)` gives the entry's `title`, `summary`
    and `body` (and `restricted`: True for partners-only things), or None to leave it out."""

    model: type[Model]
    kind: str  # SearchEntry.kind, and the id of its group of results
    label: str  # the heading of that group
    document: Callable[[Model], dict | None]


def text(*parts):
    """The parts that are not empty, as one string: for a document's summary or body."""
    return " ".join(str(p) for p in parts if p)


def page_document(page):
    if not page.published:
        return None
    return {"title": page.title, "summary": page.summary, "body": page.body}


PAGES = Searchable(Page, "page", "Pages", page_document)


@functools.cache
def searchables():
    """{model label: Searchable}: every app's searchable models, in PORTAL_APPS order, then
    the site's own pages (results are grouped in this order)."""
    found = [item for func in hooks("publishing", "search_documents") for item in func()]
    return {item.model._meta.label_lower: item for item in [*found, PAGES]}


def _key(instance):
    return f"{instance._meta.label_lower}:{instance.pk}"


def _entry_fields(searchable, instance):
    """The SearchEntry fields of `instance`, or None when it is not to be found."""
    doc = searchable.document(instance)
    if doc is None:
        return None
    return {"restricted": False, **doc, "kind": searchable.kind, "url": instance.get_absolute_url()}


def index(instance):
    """Create, update or remove the entry for one instance (two or three queries)."""
    searchable = searchables().get(instance._meta.label_lower)
    if searchable is None:
        return
    fields = _entry_fields(searchable, instance)
    if fields is None:
        SearchEntry.objects.filter(key=_key(instance)).delete()
        return
    entry, _ = SearchEntry.objects.update_or_create(key=_key(instance), defaults=fields)
    refresh_vectors(SearchEntry.objects.filter(pk=entry.pk))


def index_many(instances):
    """`index()` for many instances of one model at once: a few queries per call, whatever
    the number. For bulk writes that bypass model signals (the asset importer)."""
    instances = list(instances)
    if not instances:
        return
    searchable = searchables()[instances[0]._meta.label_lower]
    entries = []
    for instance in instances:
        fields = _entry_fields(searchable, instance)
        if fields is not None:
            entries.append(SearchEntry(key=_key(instance), **fields))
    with transaction.atomic():
        SearchEntry.objects.filter(key__in=[_key(i) for i in instances]).delete()
        SearchEntry.objects.bulk_create(entries)
        refresh_vectors(SearchEntry.objects.filter(key__in=[e.key for e in entries]))


def _weighted_vector():
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )


def refresh_vectors(entries):
    """Recompute the tsvector of these entries (PostgreSQL only; a no-op on SQLite)."""
    if connection.vendor == "postgresql":
        entries.update(vector=_weighted_vector())


def _on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        index(instance)


def _on_delete(sender, instance, **kwargs):
    SearchEntry.objects.filter(key=_key(instance)).delete()


def connect_signals():
    post_migrate.connect(fts.ensure_all, dispatch_uid="diz-fts-triggers")
    for label, searchable in searchables().items():
        post_save.connect(_on_save, sender=searchable.model, dispatch_uid=f"search-save-{label}")
        post_delete.connect(
            _on_delete, sender=searchable.model, dispatch_uid=f"search-delete-{label}"
        )


@transaction.atomic
def rebuild(stdout=None):
    """Rebuild every entry; for after bulk loads that bypass signals. One transaction, so
    searches never see a half-built index."""
    SearchEntry.objects.all().delete()
    for searchable in searchables().values():
        batch = []
        for instance in searchable.model._default_manager.iterator(chunk_size=2000):
            fields = _entry_fields(searchable, instance)
            if fields is None:
                continue
            batch.append(SearchEntry(key=_key(instance), **fields))
            if len(batch) >= 2000:
                SearchEntry.objects.bulk_create(batch)
                batch = []
        SearchEntry.objects.bulk_create(batch)
    refresh_vectors(SearchEntry.objects.all())
    if stdout:
        stdout.write(f"Search index rebuilt: {SearchEntry.objects.count()} entries.")


@dataclass
class Result:
    kind: str
    title: str
    url: str
    restricted: bool
    snippet: str


def _highlight(text, words):
    safe = escape(text[:400])
    for word in sorted(words, key=len, reverse=True):
        safe = re.sub(f"({re.escape(escape(word))})", r"<mark>\1</mark>", safe, flags=re.I)
    return mark_safe(safe)  # noqa: S308 - escaped above; only <mark> added


def _from_headline(text):
    return mark_safe(  # noqa: S308 - escaped first; only <mark> added
        escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


def search(q, user):
    """Return (results, counts by kind). Two queries whatever the data size."""
    entries = SearchEntry.objects.visible_to(user)
    words = [w for w in re.split(r"\s+", q) if w][:10]
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config="english")
        matches = entries.filter(vector=query)
        rows = (
            matches.annotate(
                rank=SearchRank(F("vector"), query),
                headline=SearchHeadline(
                    "summary",
                    query,
                    config="english",
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=35,
                    min_words=15,
                ),
                title_hl=SearchHeadline(
                    "title",
                    query,
                    config="english",
                    start_sel=_START,
                    stop_sel=_STOP,
                    highlight_all=True,
                ),
            )
            .order_by("-rank", "title")
            .values("kind", "title_hl", "url", "restricted", "headline")[:RESULTS_LIMIT]
        )
        results = [
            Result(
                r["kind"],
                _from_headline(r["title_hl"]),
                r["url"],
                r["restricted"],
                _from_headline(r["headline"]),
            )
            for r in rows
        ]
    else:
        # Every word in the title, summary or body, from the FTS5 trigram index.
        matches = every_word(
            entries,
            " ".join(words),
            ["title", "summary", "body"],
            fts=fts.SEARCH,
            max_words=10,
            ordered=False,  # sorted by rank: every match is read anyway
        )
        title_hit = Q()
        for word in words:
            title_hit &= Q(title__icontains=word)
        rows = (
            matches.annotate(
                rank=Case(
                    When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField()
                )
            )
            .order_by("-rank", "title")
            .values("kind", "title", "url", "restricted", "summary")[:RESULTS_LIMIT]
        )
        results = [
            Result(
                r["kind"],
                _highlight(r["title"], words),
                r["url"],
                r["restricted"],
                _highlight(r["summary"], words),
            )
            for r in rows
        ]
    counts = dict(matches.values_list("kind").annotate(n=Count("id")).order_by())
    return results, counts


def grouped(results, counts):
    groups = []
    for kind, label in {s.kind: s.label for s in searchables().values()}.items():
        items = [r for r in results if r.kind == kind]
        if counts.get(kind):
            groups.append({"kind": kind, "label": label, "items": items, "total": counts[kind]})
    return groups
