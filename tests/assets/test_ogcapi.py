"""OGC API – Features: the standard's shape, the register's rules (filters, visibility), and
two clients nobody here wrote reading it over HTTP: GDAL's OAPIF driver and OWSLib."""

import json
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openapi_spec_validator import validate
from pyproj import Transformer

from assets.models import Asset
from assets.ogcapi import views as ogc
from tests.assets.factories import make_asset, make_assets
from tests.factories import district

pytestmark = pytest.mark.django_db

CRS84, BNG = ogc.CRS84, ogc.BNG
ITEMS = reverse("ogcapi:items")


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def links(doc):
    return {link["rel"]: link for link in doc["links"]}


def refs(doc):
    return [feature["id"] for feature in doc["features"]]


@pytest.fixture
def register(partner_a, partner_b):
    """Two public assets in Harlow, one in Uttlesford, a partners-only one and a retired one."""
    make_asset(reference="ALP-LC-0001", name="Edinburgh Way column", owner=partner_a)
    make_asset(
        reference="ALP-RF-0002",
        name="Civic Centre roof",
        owner=partner_a,
        asset_type=Asset.AssetType.ROOFTOP,
        power_available=True,
        latitude=Decimal("51.768000"),
        longitude=Decimal("0.088000"),
    )
    make_asset(
        reference="BET-BLD-0001",
        name="Saffron Walden clinic",
        owner=partner_b,
        district=district("uttlesford"),
        asset_type=Asset.AssetType.BUILDING,
        latitude=Decimal("52.024000"),
        longitude=Decimal("0.241000"),
    )
    make_asset(
        reference="ALP-SEC-0009",
        name="Secret vault",
        owner=partner_a,
        visibility=Asset.Visibility.PARTNERS,
        latitude=Decimal("51.900000"),
        longitude=Decimal("-0.100000"),
    )
    make_asset(reference="ALP-OLD-0001", name="Old column", owner=partner_a).retire()


# ---- landing page, conformance, OpenAPI, collections --------------------------------------


def test_landing_page_has_the_links_qgis_needs(client):
    doc = get_json(client, reverse("ogcapi:landing"))
    rels = links(doc)
    for rel in ("self", "service-desc", "service-doc", "conformance", "data"):
        assert rel in rels, rel
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert rels["data"]["href"].endswith("/ogcapi/collections?f=json")
    # Every link works.
    for link in doc["links"]:
        if link["href"].startswith("http://testserver"):
            path = link["href"].removeprefix("http://testserver").split("#")[0]
            assert client.get(path).status_code in (200, 302), path


def test_conformance_declares_part_1_and_part_2(client):
    conforms = get_json(client, reverse("ogcapi:conformance"))["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conforms


def test_openapi_document_validates_and_describes_every_column(client):
    response = client.get(reverse("ogcapi:openapi"))
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    spec = response.json()
    validate(spec)  # raises on an invalid OpenAPI 3.0 document
    properties = spec["components"]["schemas"]["assetProperties"]["properties"]
    assert list(properties) == ogc.NAMES
    assert properties["asset_type"]["enum"] == Asset.AssetType.values
    parameters = spec["components"]["parameters"]
    for name in ("asset_type", "district", "owner", "availability", "power", "fibre", "q"):
        assert parameters[name]["in"] == "query"
    assert parameters["limit"]["schema"]["maximum"] == 10_000
    assert spec["servers"][0]["url"] == "http://testserver/ogcapi"


def test_collection_has_extent_item_type_and_crs_list(client, register):
    doc = get_json(client, reverse("ogcapi:collection"))
    assert doc["id"] == "assets"
    assert doc["itemType"] == "feature"
    assert doc["crs"] == [CRS84, BNG]
    assert doc["extent"]["spatial"]["crs"] == CRS84
    # The extent covers the public assets only: the partners-only vault (at -0.1) is not in it.
    assert doc["extent"]["spatial"]["bbox"] == [[0.088, 51.768, 0.241, 52.024]]
    collections = get_json(client, reverse("ogcapi:collections"))
    assert [c["id"] for c in collections["collections"]] == ["assets"]
    assert "items" in links(collections["collections"][0])


def test_extent_for_a_partner_user_includes_partners_only_assets(client, register, member):
    client.force_login(member)
    doc = get_json(client, reverse("ogcapi:collection"))
    assert doc["extent"]["spatial"]["bbox"][0][0] == -0.1


# ---- formats ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["landing", "conformance", "collections", "collection", "items"])
def test_json_or_html_by_accept_header_and_f(client, register, name):
    url = reverse(f"ogcapi:{name}")
    assert client.get(url)["Content-Type"].startswith(("application/json", "application/geo+json"))
    browser = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser["Content-Type"].startswith("text/html")
    assert client.get(url, {"f": "html"})["Content-Type"].startswith("text/html")
    forced = client.get(url, {"f": "json"}, HTTP_ACCEPT="text/html")
    assert forced["Content-Type"].startswith(("application/json", "application/geo+json"))


def test_item_html_and_items_html_show_the_assets(client, register):
    response = client.get(reverse("ogcapi:item", args=["ALP-LC-0001"]), {"f": "html"})
    assert b"Edinburgh Way column" in response.content
    response = client.get(ITEMS, {"f": "html"})
    assert b"ALP-RF-0002" in response.content
    assert b"Secret vault" not in response.content


def test_unknown_format_is_400(client):
    response = client.get(reverse("ogcapi:landing"), {"f": "xml"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "f"


# ---- items --------------------------------------------------------------------------------


def test_items_are_geojson_with_every_open_data_column(client, register):
    response = client.get(ITEMS)
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    doc = response.json()
    assert doc["type"] == "FeatureCollection"
    assert doc["numberMatched"] == doc["numberReturned"] == 3
    assert refs(doc) == ["ALP-LC-0001", "ALP-RF-0002", "BET-BLD-0001"]
    feature = doc["features"][1]
    assert feature["geometry"] == {"type": "Point", "coordinates": [0.088, 51.768]}
    assert list(feature["properties"]) == ogc.NAMES
    assert feature["properties"]["power_available"] is True
    assert feature["properties"]["owner"] == "alpha"


def test_limit_paging_with_next_and_prev_links(client, partner_a):
    make_assets(250, owner=partner_a)
    first = get_json(client, ITEMS)
    assert first["numberReturned"] == 100  # the default
    assert first["numberMatched"] == 250
    assert "prev" not in links(first)
    seen = refs(first)
    page = first
    while "next" in links(page):
        page = get_json(client, links(page)["next"]["href"].removeprefix("http://testserver"))
        seen += refs(page)
    assert len(seen) == len(set(seen)) == 250
    assert seen == sorted(seen)
    assert page["numberReturned"] == 50
    prev = get_json(client, links(page)["prev"]["href"].removeprefix("http://testserver"))
    assert refs(prev) == seen[100:200]


def test_limit_above_the_maximum_is_served_as_the_maximum(client, partner_a):
    make_assets(3, owner=partner_a)
    assert get_json(client, ITEMS, limit="50000")["numberReturned"] == 3
    assert ogc.parse_limit("50000") == ogc.MAX_LIMIT


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": "lots"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"bbox": "0.1,51.7,0.2"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "0.2,51.7,0.1,51.8"}, "bbox"),
        ({"bbox": "0,0,1,91"}, "bbox"),
        ({"crs": "http://www.opengis.net/def/crs/EPSG/0/3857"}, "crs"),
        ({"bbox-crs": "EPSG:4277"}, "bbox-crs"),
        ({"district": "atlantis"}, "district"),
        ({"asset_type": "spaceship"}, "asset_type"),
        ({"power": "maybe"}, "power"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(client, params, parameter):
    response = client.get(ITEMS, params)
    assert response.status_code == 400
    doc = response.json()
    assert doc["code"] == "InvalidParameterValue"
    assert doc["parameter"] == parameter
    assert doc["description"]


def test_unknown_reference_is_404(client, register):
    response = client.get(reverse("ogcapi:item", args=["NO-SUCH-1"]))
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_one_item_with_its_links(client, register):
    response = client.get(reverse("ogcapi:item", args=["ALP-RF-0002"]))
    assert response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert feature["id"] == "ALP-RF-0002"
    assert links(feature)["related"]["href"].endswith("/assets/ALP-RF-0002/")
    assert links(feature)["collection"]["href"].endswith("/ogcapi/collections/assets?f=json")


def test_british_national_grid_output_in_metres(client, register):
    response = client.get(ITEMS, {"crs": BNG, "asset_type": "rooftop"})
    assert response["Content-Crs"] == f"<{BNG}>"
    x, y = response.json()["features"][0]["geometry"]["coordinates"]
    expected = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(
        0.088, 51.768
    )
    assert x == pytest.approx(expected[0], abs=0.01)
    assert y == pytest.approx(expected[1], abs=0.01)
    asset = Asset.objects.get(reference="ALP-RF-0002")
    assert abs(x - asset.easting) <= 1 and abs(y - asset.northing) <= 1
    one = client.get(reverse("ogcapi:item", args=["ALP-RF-0002"]), {"crs": "[EPSG:27700]"})
    assert one["Content-Crs"] == f"<{BNG}>"
    assert one.json()["geometry"]["coordinates"] == [x, y]


def test_bbox_in_longitude_latitude(client, register):
    doc = get_json(client, ITEMS, bbox="0.08,51.76,0.1,51.79")
    assert refs(doc) == ["ALP-LC-0001", "ALP-RF-0002"]
    assert doc["numberMatched"] == 2
    # 6 numbers (with heights) are accepted too.
    assert refs(get_json(client, ITEMS, bbox="0.2,52,0,0.3,52.1,100")) == ["BET-BLD-0001"]


def test_bbox_in_british_national_grid(client, register):
    roof = Asset.objects.get(reference="ALP-RF-0002")
    box = f"{roof.easting - 50},{roof.northing - 50},{roof.easting + 50},{roof.northing + 50}"
    doc = get_json(client, ITEMS, bbox=box, **{"bbox-crs": BNG})
    assert refs(doc) == ["ALP-RF-0002"]
    # A box around the partners-only vault finds nothing for the public.
    vault = Asset.objects.get(reference="ALP-SEC-0009")
    box = f"{vault.easting - 50},{vault.northing - 50},{vault.easting + 50},{vault.northing + 50}"
    assert get_json(client, ITEMS, bbox=box, **{"bbox-crs": BNG})["numberMatched"] == 0


def test_register_filters_as_query_parameters(client, register):
    assert refs(get_json(client, ITEMS, asset_type="rooftop")) == ["ALP-RF-0002"]
    assert refs(get_json(client, ITEMS, district="uttlesford")) == ["BET-BLD-0001"]
    assert refs(get_json(client, ITEMS, owner="beta")) == ["BET-BLD-0001"]
    assert refs(get_json(client, ITEMS, power="true")) == ["ALP-RF-0002"]
    assert refs(get_json(client, ITEMS, q="civic roof")) == ["ALP-RF-0002"]
    assert get_json(client, ITEMS, availability="in_use")["numberMatched"] == 0


# ---- who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "member", "outsider"])
def test_items_are_exactly_what_the_list_page_shows(client, register, persona, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for params in ({}, {"district": "harlow"}, {"asset_type": "rooftop"}, {"q": "vault"}):
        listed = client.get(reverse("assets:list"), params).context["page"]
        expected = sorted(asset.reference for asset in listed.object_list)
        doc = get_json(client, ITEMS, **params)
        assert refs(doc) == expected, (persona, params)
        assert doc["numberMatched"] == listed.paginator.count


def test_anonymous_clients_never_see_partners_only_assets(client, register):
    doc = get_json(client, ITEMS, limit="10000")
    assert "ALP-SEC-0009" not in refs(doc)
    assert doc["numberMatched"] == 3
    assert b"Secret vault" not in client.get(ITEMS, {"f": "html"}).content
    assert get_json(client, ITEMS, q="vault")["numberMatched"] == 0
    assert client.get(reverse("ogcapi:item", args=["ALP-SEC-0009"])).status_code == 404
    # Retired assets have left the register.
    assert client.get(reverse("ogcapi:item", args=["ALP-OLD-0001"])).status_code == 404


def test_partner_users_see_partners_only_assets(client, register, member):
    client.force_login(member)
    doc = get_json(client, ITEMS)
    assert "ALP-SEC-0009" in refs(doc)
    feature = get_json(client, reverse("ogcapi:item", args=["ALP-SEC-0009"]))
    assert feature["properties"]["visibility"] == "partners"


# ---- CORS and caching ---------------------------------------------------------------------


def test_cors_on_anonymous_responses_only(client, register, member):
    response = client.get(ITEMS)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Content-Crs" in response["Access-Control-Expose-Headers"]
    assert client.get(ITEMS, {"limit": "x"})["Access-Control-Allow-Origin"] == "*"
    client.force_login(member)
    signed_in = client.get(ITEMS)
    assert "Access-Control-Allow-Origin" not in signed_in
    assert "private" in signed_in["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_page_cache_never_mixes_formats_or_users(client, register, member, settings):
    settings.PAGE_CACHE_SECONDS = 300
    url = reverse("ogcapi:collections")
    # Chosen by the Accept header: never stored, since the cache keys on the address only.
    negotiated = client.get(url)
    assert "no-cache" in negotiated["Cache-Control"]
    assert "Accept" in negotiated["Vary"]
    assert "X-Page-Cache" not in negotiated
    html = client.get(url, HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    # An explicit f= (every link the API writes has one) is an ordinary cached page.
    assert client.get(ITEMS, {"f": "json"})["X-Page-Cache"] == "miss"
    cached = client.get(ITEMS, {"f": "json"})
    assert cached["X-Page-Cache"] == "hit"
    assert "ALP-SEC-0009" not in refs(cached.json())
    # A signed-in partner user gets live data, partners-only assets included.
    partner = Client()
    partner.force_login(member)
    live = partner.get(ITEMS, {"f": "json"})
    assert "X-Page-Cache" not in live
    assert "ALP-SEC-0009" in refs(live.json())
    # A change shows on the next anonymous request.
    make_asset(reference="ALP-NEW-0001", owner=Asset.objects.first().owner)
    fresh = client.get(ITEMS, {"f": "json"})
    assert "ALP-NEW-0001" in refs(fresh.json())


# ---- queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"f": "html"}, {"crs": BNG, "district": "harlow"}])
def test_items_queries_do_not_grow_with_the_page(client, partner_a, params):
    make_assets(5, owner=partner_a)
    client.get(ITEMS, {**params, "limit": "1000"})  # warm the cached count

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(ITEMS, {**params, "limit": "1000"})
        assert response.status_code == 200
        # The content version is read at most once a second per process (diz_portal.cache),
        # so whether this request reads it depends on the clock: it is left out of the count.
        return len([q for q in queries if "contentversion" not in q["sql"].lower()])

    small = count_queries()
    make_assets(600, owner=partner_a)
    client.get(ITEMS, {**params, "limit": "1000"})
    large = count_queries()
    assert small == large
    # the page's rows (numberMatched comes from the cache), + the district's slug lookup
    assert small == 1 + ("district" in params)


def test_item_queries(client, register, django_assert_num_queries):
    # the asset's row, with owner and district slugs joined (no count, no cache)
    with django_assert_num_queries(1):
        assert client.get(reverse("ogcapi:item", args=["ALP-LC-0001"])).status_code == 200


# ---- real clients over HTTP ---------------------------------------------------------------


def _ogr_tool(name):
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found: apt-get install -y gdal-bin"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def public_register(partner_a):
    """35 public assets and 2 partners-only ones, committed for the live server."""
    assets = make_assets(35, owner=partner_a)
    make_assets(2, owner=partner_a, visibility=Asset.Visibility.PARTNERS, name="Secret")
    return assets


@pytest.mark.django_db(transaction=True)
def test_gdal_reads_the_api(live_server, public_register):
    ogrinfo = _ogr_tool("ogrinfo")
    source = f"OAPIF:{live_server.url}/ogcapi/"
    summary = subprocess.run(
        [ogrinfo, "-ro", "-so", source, "assets"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "Geometry: Point" in summary
    assert "Feature Count: 35" in summary
    assert "asset_type: String" in summary


@pytest.mark.django_db(transaction=True)
def test_gdal_pages_through_every_public_asset_and_filters_by_box(
    live_server, public_register, tmp_path
):
    ogr2ogr = _ogr_tool("ogr2ogr")
    source = f"OAPIF:{live_server.url}/ogcapi/"
    everything = tmp_path / "all.geojson"
    subprocess.run(
        [ogr2ogr, "-f", "GeoJSON", str(everything), source, "assets", "-oo", "PAGE_SIZE=10"],
        capture_output=True,
        timeout=120,
        check=True,
    )
    features = json.loads(everything.read_text())["features"]
    got = sorted(feature["properties"]["reference"] for feature in features)
    assert got == sorted(asset.reference for asset in public_register)
    assert all(feature["properties"]["visibility"] == "public" for feature in features)
    # A spatial filter: make_assets puts asset i at latitude 51.7 + i/10,000.
    boxed = tmp_path / "box.geojson"
    subprocess.run(
        [
            ogr2ogr,
            "-f",
            "GeoJSON",
            str(boxed),
            source,
            "assets",
            "-spat",
            "0.04",
            "51.7005",
            "0.06",
            "51.7014",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    inside = json.loads(boxed.read_text())["features"]
    assert sorted(f["properties"]["reference"] for f in inside) == sorted(
        asset.reference for asset in public_register[5:15]
    )


@pytest.mark.django_db(transaction=True)
def test_owslib_reads_the_api(live_server, public_register):
    from owslib.ogcapi.features import Features

    api = Features(f"{live_server.url}/ogcapi/")
    assert api.feature_collections() == ["assets"]
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in (api.conformance()["conformsTo"])
    )
    seen, offset = [], 0
    while True:
        page = api.collection_items("assets", limit=10, offset=offset)
        seen += [feature["id"] for feature in page["features"]]
        assert page["numberMatched"] == 35
        if not any(link["rel"] == "next" for link in page["links"]):
            break
        offset += 10
    assert sorted(seen) == sorted(asset.reference for asset in public_register)
    boxed = api.collection_items("assets", bbox=[0.04, 51.7005, 0.06, 51.7014])
    assert sorted(f["id"] for f in boxed["features"]) == sorted(
        asset.reference for asset in public_register[5:15]
    )
    one = api.collection_item("assets", public_register[0].reference)
    assert one["properties"]["name"] == public_register[0].name
    assert api.api()["openapi"].startswith("3.0")
