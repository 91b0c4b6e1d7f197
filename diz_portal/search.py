"""Site search over partners, projects, assets, events and content pages.

Each searchable model has a document function (below) that turns an instance into the fields
of its SearchEntry, or None when the public should not find it at all (unpublished, retired).
Signals keep entries in step with every save and delete; `manage.py rebuild_search_index`
rebuilds them after bulk loads.

PostgreSQL: full-text search on a weighted tsvector with ranking, a GIN index and highlighted
headlines. SQLite: every word must appear in the title, summary or body (found through an FTS5
trigram index, diz_portal/fts.py); titles rank first.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.html import escape
from django.utils.safestring import mark_safe

from diz_portal import fts
from diz_portal.filters import every_word
from diz_portal.models import SearchEntry

MAX_QUERY_LENGTH = 200
RESULTS_LIMIT = 60
KIND_LABELS = {
    "partner": "Partners",
    "project": "Projects",
    "asset": "Assets",
    "event": "Events",
    "page": "Pages",
}
_START, _STOP = "\x02", "\x03"  # markers turned into <mark> after escaping


def _text(*parts):
    return " ".join(str(p) for p in parts if p)


def page_doc(page):
    if not page.published:
        return None
    return {"kind": "page", "title": page.title, "summary": page.summary, "body": page.body}


def partner_doc(partner):
    if not partner.published:
        return None
    return {
        "kind": "partner",
        "title": partner.name,
        "summary": partner.short_description,
        "body": _text(partner.get_sector_display(), partner.description),
    }


def project_doc(project):
    if not project.published:
        return None
    return {
        "kind": "project",
        "title": project.title,
        "summary": project.summary,
        "body": project.body,
    }


def asset_doc(asset):
    if asset.retired_at is not None:
        return None
    return {
        "kind": "asset",
        "title": f"{asset.name} ({asset.reference})",
        "summary": _text(asset.get_asset_type_display(), asset.address, asset.postcode),
        "body": _text(asset.reference, getattr(asset, "notes", "")),
        "restricted": asset.visibility != asset.Visibility.PUBLIC,
    }


def event_doc(event):
    if not event.published:
        return None
    return {
        "kind": "event",
        "title": event.title,
        "summary": event.summary,
        "body": _text(event.description, getattr(event, "venue_name", "")),
    }


DOCUMENTS = {
    "diz_portal.page": page_doc,
    "partners.partner": partner_doc,
    "projects.project": project_doc,
    "assets.asset": asset_doc,
    "events.event": event_doc,
}


def _key(instance):
    return f"{instance._meta.label_lower}:{instance.pk}"


def index(instance):
    """Create, update or remove the entry for one instance (two or three queries)."""
    func = DOCUMENTS.get(instance._meta.label_lower)
    if func is None:
        return
    doc = func(instance)
    if doc is None:
        SearchEntry.objects.filter(key=_key(instance)).delete()
        return
    doc.setdefault("restricted", False)
    doc["url"] = instance.get_absolute_url()
    entry, _ = SearchEntry.objects.update_or_create(key=_key(instance), defaults=doc)
    refresh_vectors(SearchEntry.objects.filter(pk=entry.pk))


def index_many(instances):
    """`index()` for many instances of one model at once: a few queries per call, whatever
    the number. For bulk writes that bypass model signals (the asset importer)."""
    instances = list(instances)
    if not instances:
        return
    func = DOCUMENTS[instances[0]._meta.label_lower]
    entries = []
    for instance in instances:
        doc = func(instance)
        if doc is not None:
            doc.setdefault("restricted", False)
            entries.append(SearchEntry(key=_key(instance), url=instance.get_absolute_url(), **doc))
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
    for label in DOCUMENTS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(_on_save, sender=model, dispatch_uid=f"search-save-{label}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"search-delete-{label}")


@transaction.atomic
def rebuild(stdout=None):
    """Rebuild every entry; for after bulk loads that bypass signals. One transaction, so
    searches never see a half-built index."""
    SearchEntry.objects.all().delete()
    for label, func in DOCUMENTS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        batch = []
        for instance in model._default_manager.iterator(chunk_size=2000):
            doc = func(instance)
            if doc is None:
                continue
            doc.setdefault("restricted", False)
            batch.append(SearchEntry(key=_key(instance), url=instance.get_absolute_url(), **doc))
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
    for kind, label in KIND_LABELS.items():
        items = [r for r in results if r.kind == kind]
        if counts.get(kind):
            groups.append({"kind": kind, "label": label, "items": items, "total": counts[kind]})
    return groups
