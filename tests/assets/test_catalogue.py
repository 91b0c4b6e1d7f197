"""Open data beyond the API: the DCAT catalogue (/data.json), schema.org Dataset JSON-LD and
the open data page, the partners and projects CSVs, the change feed and `since` on exports."""

import csv
import io
import json
import re
from datetime import UTC, timedelta
from decimal import Decimal

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset
from tests.assets.factories import make_asset
from tests.events.factories import make_event
from tests.factories import district, make_partner
from tests.projects.factories import add_funding, make_project

pytestmark = pytest.mark.django_db

FEED = reverse("assets:changes")


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode())))


def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def set_updated(asset, when):
    Asset.objects.filter(pk=asset.pk).update(updated_at=when)


# ---- /data.json ---------------------------------------------------------------------------


@pytest.fixture
def catalogue(client, partner_a):
    make_asset(reference="ALP-LC-0001", owner=partner_a)
    project = make_project("Ultrafast GPs", slug="ultrafast-gps", lead=partner_a)
    add_funding(project, "250000.00")
    make_event("Fibre forum")
    return client.get(reverse("data-json")).json()


def test_catalogue_is_dcat_us_with_every_dataset(catalogue):
    assert catalogue["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert catalogue["@type"] == "dcat:Catalog"
    titles = [dataset["title"] for dataset in catalogue["dataset"]]
    assert titles == [
        "DIZ Common Asset Register",
        "DIZ partner directory",
        "DIZ projects and their funding",
        "DIZ events calendar",
    ]
    for dataset in catalogue["dataset"]:
        for key in (
            "title",
            "description",
            "keyword",
            "modified",
            "publisher",
            "contactPoint",
            "identifier",
            "accessLevel",
            "license",
            "spatial",
            "distribution",
        ):
            assert dataset[key], (dataset["title"], key)
        assert dataset["license"].endswith("/open-government-licence/version/3/")
        assert dataset["contactPoint"]["hasEmail"].startswith("mailto:")
        assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", dataset["modified"])
        assert len(dataset["spatial"].split(",")) == 4


def test_every_distribution_url_works(client, catalogue):
    formats = set()
    for dataset in catalogue["dataset"]:
        for distribution in dataset["distribution"]:
            url = distribution.get("downloadURL") or distribution["accessURL"]
            response = client.get(url.removeprefix("http://testserver"))
            assert response.status_code == 200, url
            assert response["Content-Type"].split(";")[0] == distribution["mediaType"], url
            formats.add(distribution["format"])
    assert {"CSV", "GeoJSON", "OGC API - Features", "Atom", "ICS"} <= formats


def test_modified_is_the_last_public_change(client, partner_a):
    asset = make_asset(owner=partner_a)
    long_ago = timezone.now() - timedelta(days=400)
    set_updated(asset, long_ago)
    asset.history.update(history_date=long_ago)

    stamp = long_ago.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def modified():
        datasets = client.get(reverse("data-json")).json()["dataset"]
        return datasets[0]["modified"]

    assert modified() == stamp
    # A partners-only asset changing moves nothing the public can see.
    make_asset(owner=partner_a, visibility=Asset.Visibility.PARTNERS)
    assert modified() == stamp
    # Retiring a public asset is a change to the public dataset.
    asset.retire()
    assert modified() > stamp


def test_catalogue_never_mentions_partners_only_assets(client, partner_a):
    make_asset(
        reference="ALP-SEC-0001", name="Secret vault", visibility="partners", owner=partner_a
    )
    content = client.get(reverse("data-json")).content
    assert b"Secret vault" not in content
    assert b"ALP-SEC-0001" not in content


# ---- open data page -----------------------------------------------------------------------


def test_open_data_page_explains_and_carries_schema_org_datasets(client, partner_a):
    make_asset(owner=partner_a)
    response = client.get(reverse("open-data"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "OGC API",
        "QGIS",
        "Open Government Licence",
        "since=",
        "changes.atom",
        "data.json",
    ):
        assert text in html, text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    datasets = [json.loads(block) for block in blocks]
    assert [d["@type"] for d in datasets] == ["Dataset"] * 4
    for dataset in datasets:
        assert dataset["license"].endswith("/version/3/")
        assert dataset["distribution"][0]["contentUrl"].startswith("http://testserver/")
        assert dataset["spatialCoverage"]["geo"]["box"]
        assert dataset["dateModified"]


# ---- partners and projects CSVs -----------------------------------------------------------


def test_partners_csv_lists_published_partners_safely(client, partner_a):
    make_partner("Hidden Ltd", slug="hidden", published=False)
    make_partner("=HYPERLINK(1)", slug="formula", short_description="+44 formula")
    rows = read_csv(client.get(reverse("partners:export-csv")))
    by_slug = {row["slug"]: row for row in rows}
    assert "hidden" not in by_slug
    assert by_slug["alpha"]["name"] == "Alpha District Council"
    assert by_slug["alpha"]["districts"] == "harlow"
    assert by_slug["alpha"]["page_url"].endswith("/partners/alpha/")
    assert by_slug["formula"]["name"] == "'=HYPERLINK(1)"
    assert by_slug["formula"]["short_description"] == "'+44 formula"


def test_projects_csv_has_a_row_per_funding_line(client, partner_a):
    gps = make_project("Ultrafast GPs", slug="ultrafast-gps", lead=partner_a, districts=["harlow"])
    add_funding(gps, "250000.00", funder="DCMS", programme="LFFN")
    add_funding(gps, "10000.50", funder="=cmd", status="bid")
    make_project("Unfunded", slug="unfunded", lead=partner_a)
    make_project("Secret", slug="secret", lead=partner_a, published=False)
    rows = read_csv(client.get(reverse("projects:export-csv")))
    assert [(r["project_slug"], r["funder"]) for r in rows] == [
        ("ultrafast-gps", "DCMS"),
        ("ultrafast-gps", "'=cmd"),
        ("unfunded", ""),
    ]
    assert rows[0]["amount_gbp"] == "250000.00"
    assert rows[0]["programme"] == "LFFN"
    assert rows[0]["funding_status"] == "awarded"
    assert rows[0]["lead_partner"] == "Alpha District Council"
    assert rows[0]["districts"] == "harlow"


# ---- change feed --------------------------------------------------------------------------


@pytest.fixture
def history(partner_a):
    """An added, a changed and a retired asset in Harlow, one in Uttlesford, and secrets."""
    added = make_asset(reference="ALP-LC-0001", name="New column", owner=partner_a)
    changed = make_asset(reference="ALP-LC-0002", name="Column", owner=partner_a)
    changed.height_m = Decimal("12.00")
    changed.name = "Tall column"
    changed.save()
    retired = make_asset(reference="ALP-LC-0003", name="Old column", owner=partner_a)
    retired.retire()
    make_asset(
        reference="UTT-BLD-0001",
        name="Clinic",
        owner=partner_a,
        district=district("uttlesford"),
        asset_type=Asset.AssetType.BUILDING,
    )
    secret = make_asset(
        reference="ALP-SEC-0001", name="Secret vault", owner=partner_a, visibility="partners"
    )
    secret.notes = "Alarm code in the office."
    secret.save()
    hidden_later = make_asset(reference="ALP-HID-0001", name="Was public", owner=partner_a)
    hidden_later.visibility = Asset.Visibility.PARTNERS
    hidden_later.save()
    return {"added": added, "changed": changed, "retired": retired}


def titles(feed):
    return [entry.title for entry in feed.entries]


def test_feed_lists_added_changed_and_retired_newest_first(client, history):
    feed = parse_feed(client.get(FEED))
    assert titles(feed) == [
        "Added: UTT-BLD-0001 Clinic",
        "Retired: ALP-LC-0003 Old column",
        "Added: ALP-LC-0003 Old column",
        "Changed: ALP-LC-0002 Tall column",
        "Added: ALP-LC-0002 Column",
        "Added: ALP-LC-0001 New column",
    ]
    changed = feed.entries[3]
    assert "Changed: name, height_m." in changed.summary
    assert changed.link.endswith("/assets/ALP-LC-0002/")
    # A retired asset has no page: its entries link to the register.
    assert feed.entries[1].link.endswith("/assets/")


def test_feed_never_shows_partners_only_assets_to_the_public(client, history):
    content = client.get(FEED).content
    for secret in (b"ALP-SEC-0001", b"Secret vault", b"Alarm code", b"ALP-HID-0001"):
        assert secret not in content


def test_partner_users_get_partners_only_changes(client, history, member):
    client.force_login(member)
    response = client.get(FEED)
    feed = parse_feed(response)
    assert "Changed: ALP-SEC-0001 Secret vault" in titles(feed)
    assert "Changed: ALP-HID-0001 Was public" in titles(feed)
    assert response["Cache-Control"] == "private"


def test_an_asset_made_public_is_added_for_the_public(client, partner_a):
    asset = make_asset(
        reference="ALP-PUB-0001", name="Vault", owner=partner_a, visibility="partners"
    )
    asset.visibility = Asset.Visibility.PUBLIC
    asset.save()
    assert titles(parse_feed(client.get(FEED))) == ["Added: ALP-PUB-0001 Vault"]


def test_feed_takes_the_register_filters(client, history):
    feed = parse_feed(client.get(FEED, {"district": "uttlesford"}))
    assert titles(feed) == ["Added: UTT-BLD-0001 Clinic"]
    feed = parse_feed(client.get(FEED, {"q": "tall"}))
    assert titles(feed) == ["Changed: ALP-LC-0002 Tall column", "Added: ALP-LC-0002 Column"]
    assert "this search" in feed.feed.title
    assert client.get(FEED, {"district": "atlantis"}).status_code == 400


def test_feed_queries_do_not_grow(client, partner_a, django_assert_num_queries):
    for i in range(3):
        make_asset(owner=partner_a, name=f"Asset {i}").retire()
    # history page, the records before them, which assets are still listed
    with django_assert_num_queries(3):
        client.get(FEED)
    for i in range(10):
        make_asset(owner=partner_a, name=f"More {i}").retire()
    with django_assert_num_queries(3):
        client.get(FEED)


def test_asset_list_links_the_feed_for_the_current_search(client, history):
    response = client.get(reverse("assets:list"), {"district": "harlow", "page": "1"})
    html = response.content.decode()
    assert 'type="application/atom+xml"' in html
    assert f'href="{FEED}?district=harlow">Get updates for this search</a>' in html


# ---- since on the exports -----------------------------------------------------------------


def test_exports_since_a_date_return_only_rows_changed_since(client, partner_a):
    old = make_asset(reference="ALP-OLD-0001", owner=partner_a)
    make_asset(reference="ALP-NEW-0001", owner=partner_a)
    make_asset(reference="ALP-SEC-0001", owner=partner_a, visibility="partners")
    set_updated(old, timezone.now() - timedelta(days=30))
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    rows = read_csv(client.get(reverse("assets:export-csv"), {"since": since}))
    assert [row["reference"] for row in rows] == ["ALP-NEW-0001"]
    response = client.get(reverse("assets:export-geojson"), {"since": since, "district": "harlow"})
    features = json.loads(b"".join(response.streaming_content))["features"]
    assert [feature["id"] for feature in features] == ["ALP-NEW-0001"]
    everything = read_csv(client.get(reverse("assets:export-csv")))
    assert len(everything) == 2


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "31/01/2026", "2026-1-1"])
def test_since_must_be_a_date(client, value):
    response = client.get(reverse("assets:export-csv"), {"since": value})
    assert response.status_code == 400
    assert response.json()["fields"]["since"] == [
        "Enter the date as YYYY-MM-DD, such as 2026-01-31."
    ]
