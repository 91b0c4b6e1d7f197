import math

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, FloatField, Func
from django.db.models.functions import Cast
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from assets import changes, exports
from assets.columns import ATTRIBUTION, COLUMN_NAMES, COLUMNS, LICENCE_NAME, LICENCE_URL
from assets.filters import AssetFilter
from assets.forms import EnquiryForm
from assets.models import Asset, can_see_restricted
from assets.notifications import notify_enquiry
from diz_portal.cache import DeferredJoinPaginator, query_key, versioned
from diz_portal.clientip import client_ip

PAGE_SIZE = 50
ENQUIRY_LIMIT = 5  # per IP address per hour
ENQUIRY_WINDOW = 60 * 60
LICENCE_LINK = f'<{LICENCE_URL}>; rel="license"'


def _filtered(request):
    """The visitor's visible assets, filtered by the query string."""
    return AssetFilter(
        request.GET, queryset=Asset.objects.visible_to(request.user).for_list(), request=request
    )


def _filter_errors(assets):
    return {name: [str(e) for e in errors] for name, errors in assets.form.errors.items()}


@require_safe
def asset_list(request):
    assets = _filtered(request)
    if not assets.is_valid():
        return render(
            request,
            "assets/asset_list.html",
            {"filter": assets, "page": None, "show_restricted": can_see_restricted(request.user)},
            status=400,
        )
    # The register's order (reference) is unique: deep pages (?page=5000) step over index
    # entries, not rows.
    page = DeferredJoinPaginator(
        assets.qs, PAGE_SIZE, key="reference", rows=Asset.objects.for_list()
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/asset_list.html",
        {
            "filter": assets,
            "page": page,
            "show_restricted": can_see_restricted(request.user),
        },
    )


def _parse_bbox(value):
    """(min_lon, min_lat, max_lon, max_lat) from 'minLon,minLat,maxLon,maxLat', or ValueError."""
    parts = value.split(",")
    if len(parts) != 4:
        raise ValueError("bbox must be four numbers: minLon,minLat,maxLon,maxLat.")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
    except ValueError:
        raise ValueError("bbox must be four numbers: minLon,minLat,maxLon,maxLat.") from None
    if not all(-180 <= lon <= 180 for lon in (min_lon, max_lon)) or not all(
        -90 <= lat <= 90 for lat in (min_lat, max_lat)
    ):
        raise ValueError("bbox longitudes must be within ±180 and latitudes within ±90.")
    if min_lon > max_lon or min_lat > max_lat:
        raise ValueError("bbox minimums must not be greater than its maximums.")
    return min_lon, min_lat, max_lon, max_lat


# Cluster cells are about this many pixels wide on the map at the request's zoom.
CELL_PIXELS = 64
TILE_PIXELS = 256
DEFAULT_ZOOM = 10
GRID_LATITUDE = 51.8  # the middle of the zone
# Up to this zoom, a view can hold most of the register: grouping 500,000 rows takes longer
# than a page may, so the whole filtered register's cells are grouped once per zoom and
# content version, cached, and cut to each view. Beyond it a view holds a few thousand
# assets at most, grouped live for its bbox.
SHARED_GRID_MAX_ZOOM = 12


def _zoom(value):
    """The map's zoom level (0–22) from the query string; the list page's starting zoom when
    absent or not a whole number in range."""
    try:
        zoom = int(value)
    except (TypeError, ValueError):
        return DEFAULT_ZOOM
    return zoom if 0 <= zoom <= 22 else DEFAULT_ZOOM


def _features(rows):
    base = reverse("assets:list")
    types = dict(Asset.AssetType.choices)
    availability = dict(Asset.Availability.choices)
    return [
        {
            "type": "Feature",
            "id": reference,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "reference": reference,
                "name": name,
                "asset_type": types.get(asset_type, asset_type),
                "availability": availability.get(avail, avail),
                # The stored value, which the map turns into the marker's shape and colour.
                "availability_code": avail,
                "partners_only": visibility == Asset.Visibility.PARTNERS,
                "owner": owner,
                "url": f"{base}{reference}/",
            },
        }
        for reference, name, asset_type, avail, visibility, lat, lon, owner in rows
    ]


class GridFloor(Func):
    """FLOOR() in SQL. Django gives SQLite a Python FLOOR, a callback per row: over 500,000
    rows that is most of the query. An integer cast truncates towards zero, so the value is
    shifted positive first (grid numbers stay far below 2**30 at zoom 22)."""

    function = "FLOOR"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(%(expressions)s + 1073741824 AS INTEGER) - 1073741824)",
            **extra_context,
        )


def _clusters(queryset, zoom):
    """Counts of assets per grid cell about CELL_PIXELS wide at this zoom, grouped in SQL,
    each placed at its assets' mean position: one query, however many assets are in view."""
    cell_lon = 360 / 2**zoom * CELL_PIXELS / TILE_PIXELS
    # Web Mercator stretches latitude by 1 / cos(latitude): cells about square on screen
    # over Essex and Hertfordshire.
    cell_lat = cell_lon * math.cos(math.radians(GRID_LATITUDE))
    lat, lon = Cast("latitude", FloatField()), Cast("longitude", FloatField())
    cells = (
        queryset.order_by()
        .annotate(cx=GridFloor(lon / cell_lon), cy=GridFloor(lat / cell_lat))
        .values("cx", "cy")
        .annotate(n=Count("*"), lat=Avg(lat), lon=Avg(lon))  # COUNT(*): index-only
        .values_list("cx", "cy", "n", "lat", "lon")
    )
    return [
        {
            "type": "Feature",
            "id": f"cell:{zoom}:{int(cx)}:{int(cy)}",
            "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]},
            "properties": {
                "cluster": True,
                "count": n,
                # The cell's extent, [west, south, east, north]: where a click zooms to.
                "bbox": [
                    round(cx * cell_lon, 6),
                    round(cy * cell_lat, 6),
                    round((cx + 1) * cell_lon, 6),
                    round((cy + 1) * cell_lat, 6),
                ],
            },
        }
        for cx, cy, n, y, x in cells
    ]


def _inside(feature, bbox):
    x, y = feature["geometry"]["coordinates"]
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


@require_safe
def map_data(request):
    """GeoJSON for the map: the filtered assets inside the bbox, one feature each when there
    are at most ASSET_MAP_MAX_FEATURES, else clusters (counts per grid cell for `zoom`), so
    the map covers the whole register at any zoom without a cap."""
    assets = _filtered(request)
    if not assets.is_valid():
        return JsonResponse(
            {"error": "Invalid filter.", "fields": _filter_errors(assets)}, status=400
        )
    queryset = assets.qs
    bbox = None
    if value := request.GET.get("bbox"):
        try:
            bbox = _parse_bbox(value)
        except ValueError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        min_lon, min_lat, max_lon, max_lat = bbox
        queryset = queryset.filter(
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
        )
    limit = settings.ASSET_MAP_MAX_FEATURES
    # No ORDER BY: sorting every match in the box just to keep the first few hundred costs
    # more than the rest of the answer; one more than the limit says whether to cluster.
    rows = list(
        queryset.order_by()
        .annotate(lat=Cast("latitude", FloatField()), lon=Cast("longitude", FloatField()))
        .values_list(
            "reference",
            "name",
            "asset_type",
            "availability",
            "visibility",
            "lat",
            "lon",
            "owner__name",
        )[: limit + 1]
    )
    if len(rows) <= limit:
        features, clustered = _features(rows), False
    else:
        zoom, clustered = _zoom(request.GET.get("zoom")), True
        if zoom <= SHARED_GRID_MAX_ZOOM:
            whole = assets.qs
            features = versioned(
                f"map-cells:{zoom}:{query_key(whole)}", lambda: _clusters(whole, zoom)
            )
            if bbox:
                features = [feature for feature in features if _inside(feature, bbox)]
        else:
            features = _clusters(queryset, zoom)
    # Clustered: the assets of the cells whose centre is in view (the cells' edges rarely
    # match the view's).
    total = sum(f["properties"]["count"] for f in features) if clustered else len(features)
    collection = {
        "type": "FeatureCollection",
        "features": features,
        "total": total,
        "clustered": clustered,
        "licence": LICENCE_NAME,
        "attribution": ATTRIBUTION,
    }
    # orjson: features encode several times faster than with the standard library.
    return HttpResponse(orjson.dumps(collection), content_type="application/geo+json")


def _export(request, stream, content_type, filename):
    assets = _filtered(request)
    if not assets.is_valid():
        return JsonResponse(
            {"error": "Invalid filter.", "fields": _filter_errors(assets)}, status=400
        )
    queryset = assets.qs.order_by("reference")
    if since := request.GET.get("since"):
        # Rows added or changed on or after that day (retirements: see the change feed).
        try:
            queryset = changes.changed_since(queryset, since)
        except ValueError as exc:
            return JsonResponse(
                {"error": "Invalid filter.", "fields": {"since": [str(exc)]}}, status=400
            )
    response = StreamingHttpResponse(stream(queryset), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = LICENCE_LINK
    return response


@require_safe
def export_csv(request):
    return _export(request, exports.csv_stream, "text/csv; charset=utf-8", "diz-assets.csv")


@require_safe
def export_geojson(request):
    return _export(request, exports.geojson_stream, "application/geo+json", "diz-assets.geojson")


@require_safe
def import_template(request):
    response = StreamingHttpResponse(
        [",".join(COLUMN_NAMES) + "\r\n"], content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="diz-assets-template.csv"'
    return response


@require_safe
def data_dictionary(request):
    return render(
        request,
        "assets/data_dictionary.html",
        {
            "columns": COLUMNS,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
        },
    )


def _rate_limited(request):
    """True when this IP address has sent ENQUIRY_LIMIT enquiries within the hour."""
    key = f"assets:enquiry:{client_ip(request)}"
    cache.add(key, 0, ENQUIRY_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ENQUIRY_WINDOW)
        count = 1
    return count > ENQUIRY_LIMIT


def _visible_asset(request, reference):
    return get_object_or_404(Asset.objects.visible_to(request.user).for_list(), reference=reference)


@require_safe
def asset_detail(request, reference):
    # No form here (it has its own page), so no CSRF token: anonymous visitors get the page
    # from the page cache like any other.
    asset = _visible_asset(request, reference)
    return render(
        request,
        "assets/asset_detail.html",
        {"asset": asset, "show_restricted": can_see_restricted(request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def enquiry(request, reference):
    asset = _visible_asset(request, reference)
    status = 200
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_valid():
            if form.is_spam:
                # Tell a bot nothing; store and send nothing.
                return redirect("assets:enquiry-sent", reference=asset.reference)
            if _rate_limited(request):
                form.add_error(
                    None,
                    f"You have sent {ENQUIRY_LIMIT} enquiries in the last hour. Try again in "
                    f"an hour, or email the programme team at {settings.PROGRAMME_MANAGER_EMAIL}",
                )
                status = 429
            else:
                enquiry = form.save(commit=False)
                enquiry.asset = asset
                enquiry.save()
                notify_enquiry(enquiry)
                return redirect("assets:enquiry-sent", reference=asset.reference)
        else:
            status = 400
    else:
        form = EnquiryForm()
    return render(
        request, "assets/enquiry_form.html", {"asset": asset, "form": form}, status=status
    )


@require_safe
def enquiry_sent(request, reference):
    asset = _visible_asset(request, reference)
    return render(request, "assets/enquiry_sent.html", {"asset": asset})
