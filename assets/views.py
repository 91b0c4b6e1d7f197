import orjson
from django.conf import settings
from django.core.cache import cache
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from assets import exports
from assets.columns import ATTRIBUTION, COLUMN_NAMES, COLUMNS, LICENCE_NAME, LICENCE_URL
from assets.filters import AssetFilter
from assets.forms import EnquiryForm
from assets.models import Asset, can_see_restricted
from assets.notifications import notify_enquiry
from diz_portal.cache import CountCachingPaginator, query_key, versioned
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
    page = CountCachingPaginator(assets.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/asset_list.html",
        {
            "filter": assets,
            "page": page,
            "show_restricted": can_see_restricted(request.user),
            "map_max": settings.ASSET_MAP_MAX_FEATURES,
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


@require_safe
def map_data(request):
    """GeoJSON for the map: the filtered assets inside the bbox, capped, with the total."""
    assets = _filtered(request)
    if not assets.is_valid():
        return JsonResponse(
            {"error": "Invalid filter.", "fields": _filter_errors(assets)}, status=400
        )
    queryset = assets.qs
    if bbox := request.GET.get("bbox"):
        try:
            min_lon, min_lat, max_lon, max_lat = _parse_bbox(bbox)
        except ValueError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        queryset = queryset.filter(
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
        )
    limit = settings.ASSET_MAP_MAX_FEATURES
    # No ORDER BY: sorting every match in the box just to keep the first 2,000 costs more than
    # the rest of the answer; the map draws clusters, and the total says when it is capped.
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
    # One count query only when the cap is reached.
    total = (
        len(rows)
        if len(rows) <= limit
        else versioned(f"map-count:{query_key(queryset)}", queryset.count)
    )
    rows = rows[:limit]
    base = reverse("assets:list")
    types = dict(Asset.AssetType.choices)
    availability = dict(Asset.Availability.choices)
    features = [
        {
            "type": "Feature",
            "id": reference,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "reference": reference,
                "name": name,
                "asset_type": types.get(asset_type, asset_type),
                "availability": availability.get(avail, avail),
                "partners_only": visibility == Asset.Visibility.PARTNERS,
                "owner": owner,
                "url": f"{base}{reference}/",
            },
        }
        for reference, name, asset_type, avail, visibility, lat, lon, owner in rows
    ]
    collection = {
        "type": "FeatureCollection",
        "features": features,
        "total": total,
        "returned": len(features),
        "truncated": total > len(features),
        "licence": LICENCE_NAME,
        "attribution": ATTRIBUTION,
    }
    # orjson: 2,000 features encode several times faster than with the standard library.
    return HttpResponse(orjson.dumps(collection), content_type="application/geo+json")


def _export(request, stream, content_type, filename):
    assets = _filtered(request)
    if not assets.is_valid():
        return JsonResponse(
            {"error": "Invalid filter.", "fields": _filter_errors(assets)}, status=400
        )
    queryset = assets.qs.order_by("reference")
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


@require_http_methods(["GET", "HEAD", "POST"])
def asset_detail(request, reference):
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
                    f"You have sent {ENQUIRY_LIMIT} enquiries in the last hour. Please try "
                    "again later, or email the programme team.",
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
        request,
        "assets/asset_detail.html",
        {"asset": asset, "form": form, "show_restricted": can_see_restricted(request.user)},
        status=status,
    )


@require_safe
def enquiry_sent(request, reference):
    asset = _visible_asset(request, reference)
    return render(request, "assets/enquiry_sent.html", {"asset": asset})
