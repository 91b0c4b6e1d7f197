"""The map's GeoJSON: one feature per asset in view, or counts per grid cell when there are
more than ASSET_MAP_MAX_FEATURES. The view (assets.views.map_data) parses the request and
returns what `map_collection` builds; the whole-register downloads live in assets.exports."""

import math

from django.conf import settings
from django.db.models import Avg, Count, FloatField, Func
from django.db.models.functions import Cast
from django.urls import reverse

from assets.columns import ATTRIBUTION
from assets.models import GENERALISED_NOTE, Asset
from diz_portal.cache import query_key, versioned
from diz_portal.catalogue import LICENCE_NAME

# Cluster cells are about this many pixels wide on the map at the request's zoom.
CELL_PIXELS = 64
TILE_PIXELS = 256
DEFAULT_ZOOM = 10
GRID_LATITUDE = 51.8  # the middle of the zone
# Up to this zoom, a view can hold most of the register: grouping 500,000 rows takes longer
# than a page may, so the whole filtered register's cells are grouped once per zoom and
# content version, cached, and cut to each view. A town at zoom 13 still holds ~7,000 of
# 500,000 assets (over 50 ms to group live); at zoom 13 the whole register is ~5,000 cells,
# cheap to keep. Beyond it a view holds a couple of thousand assets, grouped live.
SHARED_GRID_MAX_ZOOM = 12
# What each map feature carries, in this order (see `features`).
MAP_FIELDS = (
    "reference",
    "name",
    "asset_type",
    "availability",
    "visibility",
    "lat",
    "lon",
    "owner__name",
    "generalised",
)
BBOX_FORMAT = "bbox must be four numbers: minLon,minLat,maxLon,maxLat."


def parse_bbox(value):
    """(min_lon, min_lat, max_lon, max_lat) from 'minLon,minLat,maxLon,maxLat', or ValueError."""
    parts = value.split(",")
    if len(parts) != 4:
        raise ValueError(BBOX_FORMAT)
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
    except ValueError:
        raise ValueError(BBOX_FORMAT) from None
    if not all(-180 <= lon <= 180 for lon in (min_lon, max_lon)) or not all(
        -90 <= lat <= 90 for lat in (min_lat, max_lat)
    ):
        raise ValueError("bbox longitudes must be within ±180 and latitudes within ±90.")
    if min_lon > max_lon or min_lat > max_lat:
        raise ValueError("bbox minimums must not be greater than its maximums.")
    return min_lon, min_lat, max_lon, max_lat


def parse_zoom(value):
    """The map's zoom level (0–22) from the query string; the list page's starting zoom when
    absent or not a whole number in range."""
    try:
        zoom = int(value)
    except (TypeError, ValueError):
        return DEFAULT_ZOOM
    return zoom if 0 <= zoom <= 22 else DEFAULT_ZOOM


def features(rows):
    """Map features from (reference, name, type, availability, visibility, shown latitude,
    shown longitude, owner name, whether the shown position is generalised) rows."""
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
                # Said wherever the position is rounded (Asset.with_position_for).
                **({"position_note": GENERALISED_NOTE} if generalised else {}),
            },
        }
        for reference, name, asset_type, avail, visibility, lat, lon, owner, generalised in rows
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


def clusters(queryset, zoom):
    """Counts of assets per grid cell about CELL_PIXELS wide at this zoom, grouped in SQL,
    each placed at its assets' mean position: one query, however many assets are in view."""
    cell_lon = 360 / 2**zoom * CELL_PIXELS / TILE_PIXELS
    # Web Mercator stretches latitude by 1 / cos(latitude): cells about square on screen
    # over Essex and Hertfordshire.
    cell_lat = cell_lon * math.cos(math.radians(GRID_LATITUDE))
    # The positions this visitor may see: a cell holding one generalised asset must not
    # place it exactly.
    lat, lon = Cast("shown_latitude", FloatField()), Cast("shown_longitude", FloatField())
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


def _more_than(queryset, limit):
    """Whether more than `limit` assets are in view: counted from the map's index alone
    (assets.Asset's asset_map_bbox_idx holds every column the filter reads), stopping at
    limit + 1."""
    return queryset.order_by().values("latitude")[: limit + 1].count() > limit


def _asset_rows(queryset, user, limit):
    """Up to `limit` rows for `features`. No ORDER BY: sorting every match in the box just
    to keep the first few hundred costs more than the rest of the answer."""
    return list(
        queryset.order_by()
        .annotate(
            lat=Cast("shown_latitude", FloatField()),
            lon=Cast("shown_longitude", FloatField()),
            generalised=Asset.generalised_for(user),
        )
        .values_list(*MAP_FIELDS)[:limit]
    )


def _clusters_in_view(assets, user, bbox, zoom):
    """Clusters for this zoom: at low zooms the whole register's cells (cached per content
    version) cut to the view, at high zooms the view's assets grouped live."""
    whole = assets.with_position_for(user)
    if zoom > SHARED_GRID_MAX_ZOOM:
        return clusters(whole.in_shown_bbox(*bbox) if bbox else whole, zoom)
    cells = versioned(f"map-cells:{zoom}:{query_key(whole)}", lambda: clusters(whole, zoom))
    return [cell for cell in cells if _inside(cell, bbox)] if bbox else cells


def map_collection(assets, user, bbox=None, zoom=None):
    """The map's FeatureCollection for a filtered asset QuerySet as `user` may see it: inside
    bbox when given, one feature each when there are at most ASSET_MAP_MAX_FEATURES, else
    clusters (counts per grid cell for the `zoom` query value), so the map covers the whole
    register at any zoom without a cap."""
    queryset = assets.with_position_for(user)
    if bbox:
        queryset = queryset.in_shown_bbox(*bbox)
    limit = settings.ASSET_MAP_MAX_FEATURES
    clustered = _more_than(queryset, limit)
    if clustered:
        found = _clusters_in_view(assets, user, bbox, parse_zoom(zoom))
        # The assets of the cells whose centre is in view (the cells' edges rarely match
        # the view's).
        total = sum(f["properties"]["count"] for f in found)
    else:
        found = features(_asset_rows(queryset, user, limit))
        total = len(found)
    return {
        "type": "FeatureCollection",
        "features": found,
        "total": total,
        "clustered": clustered,
        "licence": LICENCE_NAME,
        "attribution": ATTRIBUTION,
    }
