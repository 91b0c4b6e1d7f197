"""The portal's open data catalogue: one list of datasets, published three ways.

- /data.json: DCAT-US 1.1 (Project Open Data) JSON, the catalogue format data.gov.uk's
  harvester reads;
- schema.org `Dataset` JSON-LD on the open data page, for dataset search engines;
- the open data page itself (/open-data/), for people.

Every date is the real last change of what the dataset publishes, and every dataset counts
public rows only: a partners-only asset changing moves no date here.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from assets.columns import LICENCE_NAME, LICENCE_URL
from diz_portal import structured_data
from diz_portal.csvsafe import neutralise_row

PUBLISHER = "Essex + Herts Digital Innovation Zone"
# The five DIZ districts (Broxbourne, East Hertfordshire, Epping Forest, Harlow, Uttlesford),
# west, south, east, north in WGS84 degrees.
DIZ_BBOX = (-0.16, 51.62, 0.50, 52.10)
SPATIAL_NAME = "Broxbourne, East Hertfordshire, Epping Forest, Harlow and Uttlesford"
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"


def csv_response(header, rows, filename):
    """A small open-data CSV download: text a spreadsheet would run is quoted (csvsafe)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(neutralise_row(row) for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


@dataclass
class Distribution:
    title: str
    url: str
    media_type: str
    format: str
    description: str
    download: bool = True  # False: an API or feed (accessURL), not a file (downloadURL)
    conforms_to: str = ""


@dataclass
class Dataset:
    slug: str
    title: str
    description: str
    keywords: list
    landing_page: str
    modified: datetime | None
    distributions: list = field(default_factory=list)
    described_by: str = ""

    @property
    def modified_iso(self):
        when = self.modified or timezone.now()  # an empty dataset: nothing older to report
        return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _latest(*values):
    present = [value for value in values if value is not None]
    return max(present) if present else None


def last_changes():
    """{dataset slug: datetime of its last public change}. Five aggregate queries."""
    from assets.models import Asset
    from events.models import Event
    from partners.models import Partner
    from projects.models import FundingLine, Project

    public_assets = Asset.objects.visible_to(None)
    published_projects = Project.objects.published()
    return {
        # Living public assets, and the history of public ones: that catches a retirement
        # (a public asset leaving the register), which no living row shows.
        "asset-register": _latest(
            public_assets.aggregate(at=Max("updated_at"))["at"],
            Asset.history.filter(visibility=Asset.Visibility.PUBLIC).aggregate(
                at=Max("history_date")
            )["at"],
        ),
        "partners": Partner.objects.published().aggregate(at=Max("updated_at"))["at"],
        "projects": _latest(
            published_projects.aggregate(at=Max("updated_at"))["at"],
            FundingLine.history.filter(project_id__in=published_projects.values("pk")).aggregate(
                at=Max("history_date")
            )["at"],
        ),
        "events": Event.objects.published().aggregate(at=Max("updated_at"))["at"],
    }


def datasets(request):
    """The catalogue's datasets, with absolute addresses on the host that was asked."""
    url = request.build_absolute_uri
    changed = last_changes()
    ogc_api = url(reverse("ogcapi:landing"))
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
            modified=changed["asset-register"],
            described_by=url(reverse("assets:data")),
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
                    ogc_api,
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
        ),
        Dataset(
            slug="partners",
            title="DIZ partner directory",
            description=(
                "The organisations in the Essex + Herts Digital Innovation Zone partnership: "
                "councils, the NHS, colleges, the voluntary sector and business, with sector, "
                "districts, website and public contact email."
            ),
            keywords=["partnership", "organisations", "local government", "Essex", "Hertfordshire"],
            landing_page=url(reverse("partners:list")),
            modified=changed["partners"],
            distributions=[
                Distribution(
                    "CSV",
                    url(reverse("partners:export-csv")),
                    "text/csv",
                    "CSV",
                    "One row per published partner; districts separated by semicolons.",
                )
            ],
        ),
        Dataset(
            slug="projects",
            title="DIZ projects and their funding",
            description=(
                "The partnership's digital infrastructure and services projects, with status, "
                "lead partner, dates, themes, districts and every funding line (funder, "
                "programme, amount in pounds and whether it is a bid, awarded or received)."
            ),
            keywords=["projects", "funding", "grants", "digital infrastructure", "Essex"],
            landing_page=url(reverse("projects:list")),
            modified=changed["projects"],
            distributions=[
                Distribution(
                    "CSV",
                    url(reverse("projects:export-csv")),
                    "text/csv",
                    "CSV",
                    "One row per funding line; a project without funding has one row.",
                )
            ],
        ),
        Dataset(
            slug="events",
            title="DIZ events calendar",
            description=(
                "Events run by the partnership and its partners: meetings, workshops and "
                "webinars on digital infrastructure and services, in iCalendar format."
            ),
            keywords=["events", "calendar", "webinars", "workshops"],
            landing_page=url(reverse("events:list")),
            modified=changed["events"],
            distributions=[
                Distribution(
                    "iCalendar",
                    url(reverse("events:feed")),
                    "text/calendar",
                    "ICS",
                    "Every published event; subscribe to it from a calendar app.",
                    download=False,
                )
            ],
        ),
    ]


def _contact():
    return {"@type": "vcard:Contact", "fn": "DIZ programme team", "hasEmail": _mailto()}


def _mailto():
    return f"mailto:{settings.PROGRAMME_MANAGER_EMAIL}"


def dcat_dataset(dataset, catalogue_url):
    distributions = []
    for item in dataset.distributions:
        entry = {
            "@type": "dcat:Distribution",
            "title": item.title,
            "description": item.description,
            "mediaType": item.media_type,
            "format": item.format,
        }
        entry["downloadURL" if item.download else "accessURL"] = item.url
        if item.conforms_to:
            entry["conformsTo"] = item.conforms_to
        if dataset.described_by:
            entry["describedBy"] = dataset.described_by
            entry["describedByType"] = "text/html"
        distributions.append(entry)
    return {
        "@type": "dcat:Dataset",
        "identifier": f"{catalogue_url}#{dataset.slug}",
        "title": dataset.title,
        "description": dataset.description,
        "keyword": dataset.keywords,
        "modified": dataset.modified_iso,
        "publisher": {"@type": "org:Organization", "name": PUBLISHER},
        "contactPoint": _contact(),
        "accessLevel": "public",
        "license": LICENCE_URL,
        "rights": LICENCE_NAME,
        "spatial": ",".join(str(value) for value in DIZ_BBOX),
        "accrualPeriodicity": "irregular",
        "language": ["en-GB"],
        "landingPage": dataset.landing_page,
        "distribution": distributions,
    }


def schema_org_dataset(dataset):
    west, south, east, north = DIZ_BBOX
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": dataset.title,
        "description": dataset.description,
        "keywords": dataset.keywords,
        "url": dataset.landing_page,
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "dateModified": dataset.modified_iso,
        "creator": {"@type": "Organization", "name": PUBLISHER, "url": settings.SITE_URL},
        "publisher": {"@type": "Organization", "name": PUBLISHER, "url": settings.SITE_URL},
        "spatialCoverage": {
            "@type": "Place",
            "name": SPATIAL_NAME,
            # schema.org boxes are "south west north east", latitude before longitude.
            "geo": {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"},
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": item.title,
                "encodingFormat": item.media_type,
                "contentUrl": item.url,
            }
            for item in dataset.distributions
        ],
    }


@require_safe
def data_json(request):
    """The DCAT-US 1.1 catalogue. Anonymous and public-only whoever asks: it is open data."""
    catalogue_url = request.build_absolute_uri(reverse("data-json"))
    catalogue = {
        "@context": f"{POD_SCHEMA}/catalog.jsonld",
        "@id": catalogue_url,
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "describedBy": f"{POD_SCHEMA}/catalog.json",
        "dataset": [dcat_dataset(dataset, catalogue_url) for dataset in datasets(request)],
    }
    response = JsonResponse(catalogue, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_data(request):
    items = datasets(request)
    from assets.ogcapi.views import BNG, breakable

    ogc = request.build_absolute_uri(reverse("ogcapi:landing"))
    changes = request.build_absolute_uri(reverse("assets:changes"))
    return render(
        request,
        "assets/open_data.html",
        {
            "datasets": items,
            "json_ld": [structured_data.script(schema_org_dataset(d)) for d in items],
            "ogc_api_url": ogc,
            "ogc_api_url_display": breakable(ogc),
            "items_url": request.build_absolute_uri(reverse("ogcapi:items")),
            "changes_url": changes,
            "changes_example": breakable(f"{changes}?district=harlow&asset_type=lamp_column"),
            "since_example": breakable(f"{reverse('assets:export-csv')}?since=2026-01-31"),
            "bng_crs": breakable(f"crs={BNG}"),
            "bng_bbox_crs": breakable(f"bbox-crs={BNG}"),
            "catalogue_url": request.build_absolute_uri(reverse("data-json")),
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
        },
    )
