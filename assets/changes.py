"""What changed in the register: the Atom change feed for operators (/assets/changes.atom) and
the `since` parameter of the exports. Both are built from what is already kept: the feed from
the assets' history (django-simple-history), `since` from `updated_at`.

Who may hear about what: the feed covers the assets a reader may see (`visible_to`, the
register's one rule) plus the retired ones they could have seen, since a retirement is news to
an operator. A reader who may not see partners-only assets gets no history row recorded while
an asset was partners-only, and nothing at all about an asset that is partners-only now.
"""

import re
from datetime import date, datetime, time
from urllib.parse import urlsplit

from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from assets.filters import AssetFilter
from assets.models import Asset
from partners.models import can_see_restricted

MAX_ENTRIES = 100
SINCE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SINCE_ERROR = "Enter the date as YYYY-MM-DD, such as 2026-01-31."
# Worked out from latitude and longitude, so a move is reported once, as those.
_NOT_REPORTED = {"id", "created_at", "updated_at", "easting", "northing", "retired_at"}
TRACKED = [
    (field.attname, field.name)
    for field in Asset._meta.concrete_fields
    if field.name not in _NOT_REPORTED
]


def parse_since(value):
    """The start of day `value` (YYYY-MM-DD) in the portal's time zone, or ValueError."""
    if not SINCE_RE.match(value or ""):
        raise ValueError(SINCE_ERROR)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(SINCE_ERROR) from None
    return timezone.make_aware(datetime.combine(day, time.min))


def changed_since(queryset, value):
    """Assets changed (or added) on or after the day `value`; ValueError if it is not a date."""
    return queryset.filter(updated_at__gte=parse_since(value))


def feed_filter(request):
    """The register's filter over the assets this reader may hear about (see module doc)."""
    user = request.user
    retired = Asset.objects.filter(retired_at__isnull=False)
    if not can_see_restricted(user):
        retired = retired.filter(visibility=Asset.Visibility.PUBLIC)
    living = Asset.objects.visible_to(user)
    queryset = Asset.objects.filter(Q(pk__in=living.values("pk")) | Q(pk__in=retired.values("pk")))
    return AssetFilter(request.GET, queryset=queryset, request=request)


def changed_fields(record, previous):
    return [
        name for attname, name in TRACKED if getattr(record, attname) != getattr(previous, attname)
    ]


def describe(record, previous, restricted_visible):
    """(kind, sentence) for one history record, given the one before it (or None)."""
    if record.history_type == "+":
        return "Added", "Added to the register."
    if record.history_type == "-":
        return "Removed", "Removed from the register."
    if previous is None:
        return "Changed", "Changed."
    if record.retired_at and not previous.retired_at:
        return "Retired", "Retired: it has left the register."
    if previous.retired_at and not record.retired_at:
        return "Returned", "Returned to the register."
    if (
        not restricted_visible
        and previous.visibility != Asset.Visibility.PUBLIC
        and record.visibility == Asset.Visibility.PUBLIC
    ):
        return "Added", "Added to the public register."
    fields = changed_fields(record, previous)
    if not fields:
        return "Changed", "Saved with no change to its published details."
    return "Changed", f"Changed: {', '.join(fields)}."


def entries(records, restricted_visible):
    """(record, kind, sentence, still_listed) for each record, newest first.

    Two queries whatever the number of records: the records before them (for what changed)
    and which of their assets are still in the register (for the links)."""
    records = list(records)
    if not records:
        return []
    ids = {record.id for record in records}
    newest = records[0].history_date
    earlier = {}
    for older in (
        Asset.history.filter(id__in=ids, history_date__lte=newest)
        .order_by("id", "history_date", "history_id")
        .iterator()
    ):
        earlier.setdefault(older.id, []).append(older)
    listed = set(Asset.objects.active().filter(pk__in=ids).values_list("pk", flat=True))
    result = []
    for record in records:
        chain = earlier.get(record.id, [])
        position = next(
            (i for i, older in enumerate(chain) if older.history_id == record.history_id), 0
        )
        previous = chain[position - 1] if position > 0 else None
        kind, sentence = describe(record, previous, restricted_visible)
        result.append((record, kind, sentence, record.id in listed))
    return result


@require_safe
def changes_feed(request):
    assets = feed_filter(request)
    if not assets.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(str(e) for e in errors)}"
            for name, errors in assets.form.errors.items()
        )
        return HttpResponse(
            f"Invalid filter. {problems}", status=400, content_type="text/plain; charset=utf-8"
        )
    restricted_visible = can_see_restricted(request.user)
    records = Asset.history.filter(id__in=assets.qs.order_by().values("pk"))
    if not restricted_visible:
        records = records.filter(visibility=Asset.Visibility.PUBLIC)
    records = records.order_by("-history_date", "-history_id")[:MAX_ENTRIES]

    query = request.GET.urlencode()
    list_url = request.build_absolute_uri(reverse("assets:list")) + (f"?{query}" if query else "")
    domain = urlsplit(request.build_absolute_uri("/")).hostname
    feed = Atom1Feed(
        title="DIZ Common Asset Register: changes"
        + (" to this search" if assets.has_filters else ""),
        link=list_url,
        description="Assets added, changed or retired in the Common Asset Register.",
        feed_url=request.build_absolute_uri(),
        language="en-gb",
        author_name="Essex + Herts Digital Innovation Zone",
        feed_guid=request.build_absolute_uri(),
    )
    for record, kind, sentence, listed in entries(records, restricted_visible):
        if listed:
            link = request.build_absolute_uri(reverse("assets:detail", args=[record.reference]))
        else:
            link = list_url
        feed.add_item(
            title=f"{kind}: {record.reference} {record.name}",
            link=link,
            description=(
                f"{sentence} {record.get_asset_type_display()}, {record.address}. "
                f"Availability: {record.get_availability_display()}."
            ),
            unique_id=f"tag:{domain},{record.history_date:%Y-%m-%d}:asset-change/"
            f"{record.history_id}",
            unique_id_is_permalink=False,
            pubdate=record.history_date,
            updateddate=record.history_date,
            categories=[kind],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    if request.user.is_authenticated:
        response["Cache-Control"] = "private"
    return response
