"""The portal's open data catalogue: one list of datasets, published three ways.

- /data.json: DCAT-US 1.1 (Project Open Data) JSON, the catalogue format data.gov.uk's
  harvester reads;
- schema.org `Dataset` JSON-LD on the open data page, for dataset search engines;
- the open data page itself (/open-data/), for people.

Each app declares its datasets (the `datasets(request)` hook in its publishing.py) and may add
a section to the open data page (the `open_data(request)` hook in its sections.py). Every date
is the real last change of what the dataset publishes, and every dataset counts public rows
only: a partners-only row changing moves no date here.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from diz_portal import sections, structured_data
from diz_portal.csvsafe import neutralise_row
from diz_portal.hooks import hooks

# Everything the portal publishes is open data under this one licence.
LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
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
    described_by: str = ""  # the data dictionary page, which also gives the attribution
    note: str = ""  # shown under the dataset on the open data page
    featured: bool = False  # listed first: the portal's main dataset

    @property
    def modified_iso(self):
        when = self.modified or timezone.now()  # an empty dataset: nothing older to report
        return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def latest(*values):
    """The latest of these datetimes, leaving out None; None when there are none."""
    present = [value for value in values if value is not None]
    return max(present) if present else None


def datasets(request):
    """Every app's datasets, with absolute addresses on the host that was asked; the featured
    one first, then in PORTAL_APPS order. A fixed number of queries (one or two per dataset)."""
    found = [dataset for func in hooks("publishing", "datasets") for dataset in func(request)]
    return sorted(found, key=lambda dataset: not dataset.featured)


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
    return render(
        request,
        "open_data.html",
        {
            "datasets": items,
            "json_ld": [structured_data.script(schema_org_dataset(d)) for d in items],
            # The apps' own parts of the page (the asset register's API and change feeds).
            "sections": sections.collect("open_data", request),
            "catalogue_url": request.build_absolute_uri(reverse("data-json")),
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
        },
    )
