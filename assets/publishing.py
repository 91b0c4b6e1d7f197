"""What the asset register publishes: assets in site search and the sitemap (public ones to
the public; partners-only ones to partner users in search, never in the sitemap) and the
register as open data (see diz_portal/hooks.py). Retired assets leave all of them."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.urls import reverse

from assets.filters import TEXT_INDEX
from assets.models import Asset
from diz_portal.catalogue import Dataset, Distribution, latest
from diz_portal.search import Searchable, text
from diz_portal.sitemaps import PortalSitemap


def asset_document(asset):
    if asset.is_retired:
        return None
    return {
        "title": f"{asset.name} ({asset.reference})",
        "summary": text(asset.get_asset_type_display(), asset.address, asset.postcode),
        "body": text(asset.reference, asset.notes),
        "restricted": not asset.is_public,
    }


def search_documents():
    return [Searchable(Asset, "asset", "Assets", asset_document)]


def fts_indexes():
    return [TEXT_INDEX]


class AssetSitemap(PortalSitemap):
    priority = 0.4

    def items(self):
        # The public view of the register, exactly as an anonymous visitor sees it.
        return Asset.objects.visible_to(AnonymousUser()).only("pk", "reference").order_by("pk")


def sitemap_sections():
    return ["assets:list", "assets:data"]


def sitemaps():
    return {"assets": AssetSitemap}


def last_change():
    """The last change to a living public asset, or in the history of public ones: that
    catches a retirement (a public asset leaving the register), which no living row shows.
    Two queries."""
    public_history = Asset.history.filter(visibility=Asset.Visibility.PUBLIC)
    return latest(
        Asset.objects.visible_to(None).aggregate(at=Max("updated_at"))["at"],
        public_history.aggregate(at=Max("history_date"))["at"],
    )


def datasets(request):
    url = request.build_absolute_uri
    return [
        Dataset(
            slug="asset-register",
            title="DIZ Common Asset Register",
            description=(
                "Publicly owned buildings, land, rooftops, street furniture and ducts across "
                "the Essex + Herts Digital Innovation Zone that partners offer to telecoms "
                "operators for fibre and 5G equipment: location (WGS84 and British National "
                "Grid), type, owner, height, power, fibre, tenure, constraints and availability."
            ),
            keywords=[
                "asset register",
                "telecoms",
                "5G",
                "fibre",
                "digital infrastructure",
                "street furniture",
                "public land",
                "Essex",
                "Hertfordshire",
            ],
            landing_page=url(reverse("assets:list")),
            modified=last_change(),
            described_by=url(reverse("assets:data")),
            note=(
                "Assets marked partners-only are not open data: they never appear in "
                "downloads, the API, feeds or the catalogue."
            ),
            featured=True,  # the register is what the portal's open data is mostly about
            distributions=[
                Distribution(
                    "CSV",
                    url(reverse("assets:export-csv")),
                    "text/csv",
                    "CSV",
                    "Every public asset, one row each, columns as the data dictionary.",
                ),
                Distribution(
                    "GeoJSON",
                    url(reverse("assets:export-geojson")),
                    "application/geo+json",
                    "GeoJSON",
                    "Every public asset as an RFC 7946 FeatureCollection of points.",
                ),
                Distribution(
                    "OGC API – Features",
                    url(reverse("ogcapi:landing")),
                    "application/json",
                    "OGC API - Features",
                    "For GIS: QGIS, ArcGIS and GDAL read it directly; filters, paging and "
                    "British National Grid (EPSG:27700) output.",
                    download=False,
                    conforms_to="http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                ),
                Distribution(
                    "Change feed (Atom)",
                    url(reverse("assets:changes")),
                    "application/atom+xml",
                    "Atom",
                    "Assets added, changed or retired, newest first.",
                    download=False,
                ),
            ],
        )
    ]
