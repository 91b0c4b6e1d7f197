"""The OGC API – Features endpoints: landing page, conformance, OpenAPI, collections and items.

Every endpoint answers JSON or HTML, chosen by `f=json|html` or else by the Accept header.
Errors are OGC exception documents ({"code", "description", "parameter"}) with status 400 or
404, so a GIS client can say which parameter was wrong.

Caching: the page cache (diz_portal.cache) keys on the address alone, so a response chosen by
the Accept header must never be stored there, or a browser could be served JSON cached for
GDAL. Those answers say `Cache-Control: no-cache` and `Vary: Accept`; answers to an explicit
`f=` (which every link the API writes carries) are ordinary cacheable anonymous pages.
Signed-in users may see partners-only assets: their answers are `private` and never carry
`Access-Control-Allow-Origin`.
"""

import functools
from datetime import UTC, datetime

import orjson
from django.db.models import Max, Min
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from pyproj import Transformer

from assets import exports
from assets.columns import ATTRIBUTION, COLUMNS
from assets.filters import AssetFilter
from assets.models import Asset
from diz_portal.cache import query_key, versioned
from diz_portal.catalogue import LICENCE_NAME, LICENCE_URL

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
BNG = "http://www.opengis.net/def/crs/EPSG/0/27700"
CRS_LIST = [CRS84, BNG]
# Safe CURIEs (OGC API Common) and the short forms people type, for the same two systems.
CRS_ALIASES = {
    CRS84: CRS84,
    "[OGC:CRS84]": CRS84,
    "OGC:CRS84": CRS84,
    BNG: BNG,
    "[EPSG:27700]": BNG,
    "EPSG:27700": BNG,
}
# British National Grid's own area of use, in metres.
BNG_BOUNDS = (0, 0, 700_000, 1_300_000)

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
COLLECTION_ID = "assets"
# The five DIZ districts, for the extent of an empty register.
DIZ_AREA = [-0.16, 51.62, 0.50, 52.10]

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]

TITLE = "DIZ Common Asset Register"
DESCRIPTION = (
    "Publicly owned buildings, land, rooftops, street furniture and ducts across the Essex + "
    "Herts Digital Innovation Zone that telecoms operators can use for fibre and 5G."
)

_TO_BNG = Transformer.from_crs("OGC:CRS84", "EPSG:27700", always_xy=True)
_FROM_BNG = Transformer.from_crs("EPSG:27700", "OGC:CRS84", always_xy=True)

NAMES = exports.NAMES
LAT, LON = NAMES.index("latitude"), NAMES.index("longitude")
BOOLEAN_INDEXES = exports.BOOLEAN_INDEXES
FILTER_PARAMETERS = list(AssetFilter.base_filters)
ITEMS_PARAMETERS = {"f", "limit", "offset", "bbox", "bbox-crs", "crs", *FILTER_PARAMETERS}


class ApiError(Exception):
    """An answer other than 200, as an OGC exception document."""

    def __init__(self, status, code, description, parameter=None):
        super().__init__(description)
        self.status, self.code, self.description, self.parameter = (
            status,
            code,
            description,
            parameter,
        )

    def document(self):
        doc = {"code": self.code, "description": self.description}
        if self.parameter:
            doc["parameter"] = self.parameter
        return doc


def _invalid(parameter, description):
    return ApiError(400, "InvalidParameterValue", description, parameter)


def _format(request):
    """'json' or 'html': `f` wins, then the Accept header; JSON when nothing says."""
    f = request.GET.get("f")
    if f is not None:
        if f.lower() in ("json", "geojson"):
            return "json"
        if f.lower() == "html":
            return "html"
        raise _invalid("f", "f must be json or html.")
    preferred = request.get_preferred_type([GEOJSON, JSON, HTML])
    return "html" if preferred == HTML else "json"


def _check_parameters(request, allowed):
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ApiError(
            400,
            "InvalidParameterValue",
            f"Unknown parameter {unknown[0]}. This resource takes: {', '.join(sorted(allowed))}.",
            unknown[0],
        )


def api_view(allowed=("f",)):
    """GET and HEAD only; parameters checked; errors as OGC exceptions; CORS and caching
    headers as the module docstring explains."""

    def decorator(view):
        @require_safe
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            fmt = "json"
            try:
                fmt = _format(request)
                _check_parameters(request, allowed)
                response = view(request, fmt, *args, **kwargs)
            except ApiError as error:
                response = _error_response(request, fmt, error)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True)
            else:
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Expose-Headers"] = "Content-Crs, Link"
            if "f" not in request.GET:
                patch_vary_headers(response, ["Accept"])
                patch_cache_control(response, no_cache=True)
            return response

        return wrapper

    return decorator


def _error_response(request, fmt, error):
    if fmt == "html":
        return render(
            request, "ogcapi/error.html", {"error": error, "title": TITLE}, status=error.status
        )
    return HttpResponse(orjson.dumps(error.document()), status=error.status, content_type=JSON)


def breakable(text):
    """Text that may wrap after a slash or before ? and &, so a long address in <code> never
    makes a narrow screen scroll sideways."""
    html = escape(text).replace("/", "/<wbr>").replace("?", "<wbr>?").replace("&amp;", "<wbr>&amp;")
    return mark_safe(html)  # noqa: S308 - escaped above; only <wbr> is added


def _json(doc, content_type=JSON, **headers):
    response = HttpResponse(orjson.dumps(doc), content_type=content_type)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _url(request, name, params=None, **kwargs):
    url = request.build_absolute_uri(reverse(f"ogcapi:{name}", kwargs=kwargs or None))
    return f"{url}?{urlencode(params)}" if params else url


def _link(href, rel, type_, title):
    return {"href": href, "rel": rel, "type": type_, "title": title}


def _self_links(request, name, fmt, json_type=JSON, params=None, **kwargs):
    """self and alternate: the JSON and HTML forms of this resource, with its parameters."""
    params = {k: v for k, v in (params or {}).items() if k != "f"}
    as_json = _url(request, name, {**params, "f": "json"}, **kwargs)
    as_html = _url(request, name, {**params, "f": "html"}, **kwargs)
    if fmt == "html":
        return [
            _link(as_html, "self", HTML, "This document"),
            _link(as_json, "alternate", json_type, "This document as JSON"),
        ]
    return [
        _link(as_json, "self", json_type, "This document"),
        _link(as_html, "alternate", HTML, "This document as HTML"),
    ]


def _licence_link():
    return _link(LICENCE_URL, "license", HTML, LICENCE_NAME)


@api_view()
def landing(request, fmt):
    links = [
        *_self_links(request, "landing", fmt),
        _link(
            _url(request, "openapi", {"f": "json"}), "service-desc", OPENAPI, "The API definition"
        ),
        _link(
            request.build_absolute_uri(reverse("open-data") + "#api"),
            "service-doc",
            HTML,
            "How to use the API",
        ),
        _link(
            _url(request, "conformance", {"f": "json"}),
            "conformance",
            JSON,
            "The standards this API conforms to",
        ),
        _link(_url(request, "collections", {"f": "json"}), "data", JSON, "The collections"),
        _licence_link(),
    ]
    doc = {"title": TITLE, "description": DESCRIPTION, "attribution": ATTRIBUTION, "links": links}
    if fmt == "html":
        return render(request, "ogcapi/landing.html", {"doc": doc})
    return _json(doc)


@api_view()
def conformance(request, fmt):
    doc = {"conformsTo": CONFORMANCE, "links": _self_links(request, "conformance", fmt)}
    if fmt == "html":
        uris = [breakable(uri) for uri in doc["conformsTo"]]
        return render(request, "ogcapi/conformance.html", {"doc": doc, "uris": uris})
    return _json(doc)


@api_view()
def openapi(request, fmt):
    if fmt == "html":
        return HttpResponseRedirect(reverse("open-data") + "#api")
    from assets.ogcapi.openapi import document

    return _json(document(request.build_absolute_uri(reverse("ogcapi:landing"))), OPENAPI)


def _extent(user):
    """[min lon, min lat, max lon, max lat] of the assets this user may see. Cached per content
    version: one query (the version) on a warm cache."""
    visible = Asset.objects.visible_to(user).with_position_for(user).order_by()

    def compute():
        # The shown positions: an extent's edge must not place a generalised asset exactly.
        box = visible.aggregate(
            min_lon=Min("shown_longitude"),
            min_lat=Min("shown_latitude"),
            max_lon=Max("shown_longitude"),
            max_lat=Max("shown_latitude"),
        )
        if box["min_lon"] is None:
            return DIZ_AREA
        return [float(box[k]) for k in ("min_lon", "min_lat", "max_lon", "max_lat")]

    return versioned(f"ogc-extent:{query_key(visible)}", compute)


def _collection(request, fmt, own_links=True):
    links = _self_links(request, "collection", fmt) if own_links else []
    links += [
        _link(_url(request, "items", {"f": "json"}), "items", GEOJSON, "The assets as GeoJSON"),
        _link(_url(request, "items", {"f": "html"}), "items", HTML, "The assets as HTML"),
        _licence_link(),
        _link(
            request.build_absolute_uri(reverse("assets:data")),
            "describedby",
            HTML,
            "Data dictionary: what every property means",
        ),
    ]
    return {
        "id": COLLECTION_ID,
        "title": TITLE,
        "description": DESCRIPTION,
        "itemType": "feature",
        "extent": {"spatial": {"bbox": [_extent(request.user)], "crs": CRS84}},
        "crs": CRS_LIST,
        "storageCrs": CRS84,
        "attribution": ATTRIBUTION,
        "links": links,
    }


@api_view()
def collections(request, fmt):
    doc = {
        "links": _self_links(request, "collections", fmt),
        "collections": [_collection(request, fmt, own_links=False)],
        "crs": CRS_LIST,
    }
    doc["collections"][0]["links"].insert(
        0, _link(_url(request, "collection", {"f": "json"}), "self", JSON, "The collection")
    )
    if fmt == "html":
        return render(request, "ogcapi/collections.html", {"doc": doc})
    return _json(doc)


@api_view()
def collection(request, fmt):
    doc = _collection(request, fmt)
    if fmt == "html":
        return render(
            request,
            "ogcapi/collection.html",
            {"doc": doc, "crs_list": [breakable(crs) for crs in doc["crs"]]},
        )
    return _json(doc)


# ---- items -----------------------------------------------------------------------------------


def parse_crs(value, parameter):
    if value is None or value == "":
        return CRS84
    crs = CRS_ALIASES.get(value.strip())
    if crs is None:
        raise _invalid(parameter, f"{parameter} must be one of: {', '.join(CRS_LIST)}.")
    return crs


def parse_limit(value):
    """DEFAULT_LIMIT when absent; more than MAX_LIMIT is served as MAX_LIMIT, as the standard
    says (7.15.3), rather than refused."""
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise _invalid("limit", f"limit must be a whole number from 1 to {MAX_LIMIT:,}.") from None
    if limit < 1:
        raise _invalid("limit", f"limit must be a whole number from 1 to {MAX_LIMIT:,}.")
    return min(limit, MAX_LIMIT)


def parse_offset(value):
    if value is None or value == "":
        return 0
    try:
        offset = int(value)
    except ValueError:
        raise _invalid("offset", "offset must be a whole number, 0 or more.") from None
    if offset < 0:
        raise _invalid("offset", "offset must be a whole number, 0 or more.")
    return offset


def parse_bbox(value, crs):
    """(min x, min y, max x, max y) in `crs`, from 4 numbers (or 6, heights ignored)."""
    min_x, min_y, max_x, max_y = _bbox_numbers(value)
    if crs == CRS84:
        _check_crs84_bbox(min_x, min_y, max_x, max_y)
    else:
        _check_bng_bbox(min_x, min_y, max_x, max_y)
    if min_x > max_x or min_y > max_y:
        raise _invalid("bbox", "bbox minimums must not be greater than its maximums.")
    return min_x, min_y, max_x, max_y


def _bbox_numbers(value):
    """The four corner numbers of a bbox of 4 numbers, or 6 with heights (dropped)."""
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise _invalid("bbox", "bbox must be 4 numbers: min x, min y, max x, max y.")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise _invalid("bbox", "bbox must be 4 numbers: min x, min y, max x, max y.") from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    return numbers


def _check_crs84_bbox(min_x, min_y, max_x, max_y):
    if not (-180 <= min_x <= 180 and -180 <= max_x <= 180):
        raise _invalid("bbox", "bbox longitudes must be between -180 and 180.")
    if not (-90 <= min_y <= 90 and -90 <= max_y <= 90):
        raise _invalid("bbox", "bbox latitudes must be between -90 and 90.")


def _check_bng_bbox(min_x, min_y, max_x, max_y):
    lo_x, lo_y, hi_x, hi_y = BNG_BOUNDS
    if not all(lo_x <= x <= hi_x for x in (min_x, max_x)) or not all(
        lo_y <= y <= hi_y for y in (min_y, max_y)
    ):
        raise _invalid(
            "bbox",
            "bbox in EPSG:27700 must be eastings from 0 to 700000 and northings from 0 to "
            "1300000 metres.",
        )


def _in_bbox(queryset, bbox, crs):
    """Assets whose shown position (Asset.with_position_for) is in the box, so a small box
    never tells where a generalised asset really is."""
    min_x, min_y, max_x, max_y = bbox
    if crs == BNG:
        # The grid box, exactly, on the shown grid references; the longitude/latitude box
        # around it (pyproj, edges densified, widened by the rounding) lets the index do the
        # work first.
        min_lon, min_lat, max_lon, max_lat = _FROM_BNG.transform_bounds(
            min_x, min_y, max_x, max_y, densify_pts=21
        )
        margin = 0.002  # more than 100 m of grid rounding, in degrees
        queryset = queryset.filter(
            latitude__gte=min_lat - margin,
            latitude__lte=max_lat + margin,
            longitude__gte=min_lon - margin,
            longitude__lte=max_lon + margin,
            shown_easting__gte=min_x,
            shown_easting__lte=max_x,
            shown_northing__gte=min_y,
            shown_northing__lte=max_y,
        )
        return queryset
    return queryset.in_shown_bbox(*bbox)


def _filtered(request):
    """The visitor's visible assets through the register's own filter, or ApiError."""
    assets = AssetFilter(
        request.GET, queryset=Asset.objects.visible_to(request.user).for_list(), request=request
    )
    if not assets.is_valid():
        name, errors = next(iter(assets.form.errors.items()))
        raise _invalid(name, f"{name}: {' '.join(str(e) for e in errors)}")
    return assets.qs.with_position_for(request.user)


def _features(rows, crs):
    """GeoJSON features from export rows (the open-data columns, in column order)."""
    if crs == BNG and rows:
        xs, ys = _TO_BNG.transform([r[LON] for r in rows], [r[LAT] for r in rows])
        positions = [[round(x, 3), round(y, 3)] for x, y in zip(xs, ys, strict=True)]
    else:
        positions = [[r[LON], r[LAT]] for r in rows]
    features = []
    for values, position in zip(rows, positions, strict=True):
        properties = dict(zip(NAMES, values, strict=True))
        for i in BOOLEAN_INDEXES:
            if values[i] is not None:
                properties[NAMES[i]] = bool(values[i])
        features.append(
            {
                "type": "Feature",
                "id": values[0],
                "geometry": {"type": "Point", "coordinates": position},
                "properties": properties,
            }
        )
    return features


def _content_crs(crs):
    return f"<{crs}>"


def matched_count(queryset):
    """numberMatched, cached until the next content change (a COUNT over 100,000 rows is most
    of a page's cost); one query (the version) when warm."""
    return versioned(f"ogc-count:{query_key(queryset)}", queryset.count)


@api_view(allowed=ITEMS_PARAMETERS)
def items(request, fmt):
    params = request.GET
    limit = parse_limit(params.get("limit"))
    offset = parse_offset(params.get("offset"))
    crs = parse_crs(params.get("crs"), "crs")
    bbox_crs = parse_crs(params.get("bbox-crs"), "bbox-crs")
    queryset = _filtered(request)
    if params.get("bbox"):
        queryset = _in_bbox(queryset, parse_bbox(params["bbox"], bbox_crs), bbox_crs)
    queryset = queryset.order_by("reference")
    matched = matched_count(queryset)
    page = queryset[offset : offset + limit]
    query = {k: v for k, v in params.items() if k not in ("offset", "f")}

    def page_link(rel, start, type_, f, title):
        return _link(_url(request, "items", {**query, "offset": start, "f": f}), rel, type_, title)

    json_type = GEOJSON
    links = _self_links(request, "items", fmt, json_type=json_type, params=dict(params.items()))
    f, type_ = ("html", HTML) if fmt == "html" else ("json", json_type)
    if offset + limit < matched:
        links.append(page_link("next", offset + limit, type_, f, "Next page"))
    if offset > 0:
        links.append(page_link("prev", max(offset - limit, 0), type_, f, "Previous page"))
    collection_type = HTML if fmt == "html" else JSON
    links.append(_link(_url(request, "collection", {"f": f}), "collection", collection_type, TITLE))

    if fmt == "html":
        assets = list(page)
        return render(
            request,
            "ogcapi/items.html",
            {
                "assets": assets,
                "matched": matched,
                "first": offset + 1,
                "last": offset + len(assets),
                "links": {link["rel"]: link["href"] for link in links},
                "limit": limit,
                "params": params,
                "filter_names": FILTER_PARAMETERS,
            },
        )
    features = _features(list(exports.export_values(page)), crs)
    doc = {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
        "licence": LICENCE_NAME,
        "attribution": ATTRIBUTION,
        "features": features,
    }
    return _json(doc, GEOJSON, Content_Crs=_content_crs(crs))


@api_view(allowed=("f", "crs"))
def item(request, fmt, reference):
    crs = parse_crs(request.GET.get("crs"), "crs")
    queryset = (
        Asset.objects.visible_to(request.user)
        .for_list()
        .filter(reference=reference)
        .with_position_for(request.user)
    )
    rows = list(exports.export_values(queryset))
    if not rows:
        raise ApiError(404, "NotFound", f"There is no asset {reference} in the register.")
    feature = _features(rows, crs)[0]
    links = _self_links(request, "item", fmt, json_type=GEOJSON, reference=reference)
    links += [
        _link(_url(request, "collection", {"f": "json"}), "collection", JSON, TITLE),
        _link(
            request.build_absolute_uri(reverse("assets:detail", args=[reference])),
            "related",
            HTML,
            "The asset's page in the register, with the enquiry form",
        ),
    ]
    feature["links"] = links
    if fmt == "html":
        facts = [
            (column, feature["properties"][column.name])
            for column in COLUMNS
            if column.name != "reference"
        ]
        return render(
            request,
            "ogcapi/item.html",
            {
                "feature": feature,
                "facts": facts,
                "links": {link["rel"]: link["href"] for link in links},
            },
        )
    return _json(feature, GEOJSON, Content_Crs=_content_crs(crs))
