"""Location precision for sensitive assets (issue 13, item 7): one rule in the model
(Asset.with_position_for / Asset.position_for), used by every output. A generalised asset's exact
coordinates never reach anonymous visitors, in any format; its owner's members and staff see
them."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from assets import exports
from assets.models import GENERALISED_NOTE, Asset, to_british_national_grid
from tests.assets.factories import make_asset

pytestmark = pytest.mark.django_db

LATITUDE, LONGITUDE = Decimal("51.767612"), Decimal("0.098712")
EASTING, NORTHING = to_british_national_grid(LATITUDE, LONGITUDE)
# The exact position as text, to 4 decimal places and more, and the exact grid reference. The
# rounded position (51.768, 0.099; grid to 100 m) shares none of them.
EXACT_TEXTS = ["51.7676", "0.0987", str(EASTING), str(NORTHING)]


@pytest.fixture
def sensitive(partner_a):
    return make_asset(
        owner=partner_a,
        reference="ALP-CC-0001",
        name="Harlow control room mast",
        asset_type=Asset.AssetType.MAST_TOWER,
        address="Secret Lane, Harlow",
        latitude=LATITUDE,
        longitude=LONGITUDE,
        location_generalised=True,
    )


@pytest.fixture
def ordinary(partner_a):
    return make_asset(
        owner=partner_a,
        reference="ALP-LC-0002",
        latitude=Decimal("51.781234"),
        longitude=Decimal("0.101234"),
    )


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def outputs(client, sensitive):
    """Every output that carries (or could carry) the asset's position, as text."""
    ref = sensitive.reference
    urls = {
        "list": reverse("assets:list"),
        "list filtered": reverse("assets:list") + "?q=control+room",
        "detail": sensitive.get_absolute_url(),
        "map": reverse("assets:map-data"),
        "map bbox": reverse("assets:map-data") + "?bbox=0.0,51.7,0.2,51.8&zoom=16",
        "map tiny bbox": reverse("assets:map-data") + "?bbox=0.0986,51.7675,0.0988,51.7677",
        "csv": reverse("assets:export-csv"),
        "geojson": reverse("assets:export-geojson"),
        "ogc items": reverse("ogcapi:items") + "?f=json",
        "ogc items bng": reverse("ogcapi:items") + "?f=json&crs=EPSG:27700",
        "ogc items html": reverse("ogcapi:items") + "?f=html",
        "ogc item": reverse("ogcapi:item", args=[ref]) + "?f=json",
        "ogc item bng": reverse("ogcapi:item", args=[ref]) + "?f=json&crs=EPSG:27700",
        "ogc item html": reverse("ogcapi:item", args=[ref]) + "?f=html",
        "ogc collection": reverse("ogcapi:collection") + "?f=json",
        "search": reverse("search") + "?q=control+room",
        "sitemap": "/sitemap.xml",
        "changes": reverse("assets:changes"),
        "open data (JSON-LD)": reverse("open-data"),
        "data catalogue": "/data.json",
    }
    found = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = body(response)
    return found


def test_anonymous_outputs_never_carry_the_exact_position(client, sensitive, ordinary):
    found = outputs(client, sensitive)
    for name, text in found.items():
        for exact in EXACT_TEXTS:
            assert exact not in text, f"{exact} leaked in {name}"
    # ...while the asset is listed, with its position rounded to 3 places.
    assert "51.768" in found["detail"] and "0.099" in found["detail"]
    assert GENERALISED_NOTE in found["detail"]
    assert "51.768000,0.099000" in found["csv"]
    assert str(round(EASTING, -2)) in found["csv"]
    assert sensitive.reference in found["geojson"] and sensitive.reference in found["map"]
    # Other assets keep their exact position.
    assert "51.781234" in found["csv"] and "0.101234" in found["csv"]
    # A box around the exact spot that misses the rounded one finds nothing.
    assert json.loads(found["map tiny bbox"])["features"] == []


def test_the_map_says_a_position_is_rounded(client, sensitive, ordinary):
    features = {f["id"]: f for f in client.get(reverse("assets:map-data")).json()["features"]}
    assert features[sensitive.reference]["geometry"]["coordinates"] == [0.099, 51.768]
    assert features[sensitive.reference]["properties"]["position_note"] == GENERALISED_NOTE
    assert "position_note" not in features[ordinary.reference]["properties"]


def test_clusters_place_a_lone_generalised_asset_at_its_rounded_position(
    client, sensitive, settings
):
    settings.ASSET_MAP_MAX_FEATURES = 0  # cluster everything
    for zoom in (10, 16):  # the shared grid and a live one
        text = body(client.get(reverse("assets:map-data") + f"?zoom={zoom}"))
        assert json.loads(text)["clustered"]
        for exact in EXACT_TEXTS[:2]:
            assert exact not in text


def test_the_owners_members_and_staff_see_the_exact_position(
    client, sensitive, member, outsider, manager
):
    for user in (member, manager):
        client.force_login(user)
        found = outputs(client, sensitive)
        assert "51.767612" in found["detail"] and "0.098712" in found["detail"]
        assert "51.767612,0.098712" in found["csv"]
        assert str(EASTING) in found["csv"]
        assert "51.767612" in found["geojson"] and "0.098712" in found["ogc item"]
        assert GENERALISED_NOTE not in found["detail"]
        client.logout()
    # Another partner's member is not the owner: rounded.
    client.force_login(outsider)
    found = outputs(client, sensitive)
    for name in ("detail", "csv", "geojson", "map", "ogc items", "ogc item"):
        for exact in EXACT_TEXTS:
            assert exact not in found[name], f"{exact} leaked to another partner in {name}"


def test_position_for_and_the_queryset_rule_agree(sensitive, member, outsider, manager):
    expected = {
        None: (Decimal("51.768"), Decimal("0.099")),
        outsider: (Decimal("51.768"), Decimal("0.099")),
        member: (LATITUDE, LONGITUDE),
        manager: (LATITUDE, LONGITUDE),
    }
    for user, (lat, lon) in expected.items():
        viewer = user or AnonymousUser()
        asset = Asset.objects.get(pk=sensitive.pk)
        assert asset.position_for(viewer)[:2] == (lat, lon)
        row = Asset.objects.with_position_for(viewer).get(pk=sensitive.pk)
        assert (row.shown_latitude, row.shown_longitude) == (lat, lon)
        shown_e, shown_n = asset.position_for(viewer)[2:]
        assert (row.shown_easting, row.shown_northing) == (shown_e, shown_n)
    rounded = Asset.objects.get(pk=sensitive.pk).position_for(AnonymousUser())
    assert rounded[2] % 100 == 0 and abs(rounded[2] - EASTING) <= 50
    # The operator page (terms offered) reads the exact position whoever asks.
    assert sensitive.exact_position() == (LATITUDE, LONGITUDE, EASTING, NORTHING)


@pytest.mark.parametrize("path", ["python", "database"])
def test_every_export_code_path_rounds(sensitive, ordinary, path):
    queryset = Asset.objects.visible_to(AnonymousUser()).order_by("reference")
    if path == "python":
        streams = [exports.csv_python_stream(queryset), exports.geojson_python_stream(queryset)]
    else:
        streams = [exports.csv_stream(queryset), exports.geojson_stream(queryset)]
    for stream in streams:
        text = b"".join(
            piece if isinstance(piece, bytes) else piece.encode() for piece in stream
        ).decode()
        assert sensitive.reference in text
        for exact in EXACT_TEXTS:
            assert exact not in text, f"{exact} leaked through the {path} path"
        assert "51.781234" in text


def test_the_database_paths_match_the_python_paths_for_generalised_assets(sensitive, ordinary):
    queryset = Asset.objects.visible_to(AnonymousUser()).order_by("reference")
    python_csv = "".join(exports.csv_python_stream(queryset)).encode()
    database_csv = b"".join(
        piece if isinstance(piece, bytes) else piece.encode()
        for piece in exports.csv_stream(queryset)
    )
    assert database_csv == python_csv
    python_json = b"".join(exports.geojson_python_stream(queryset))
    database_json = b"".join(exports.geojson_stream(queryset))
    assert database_json == python_json
    if connection.vendor == "postgresql":
        assert b"".join(exports.csv_copy_stream(queryset)) == python_csv


def test_the_form_lets_an_owner_generalise_a_location(client, member, partner_a, ordinary):
    client.force_login(member)
    page = client.get(reverse("dashboard:assets-edit", args=[ordinary.reference]))
    assert 'name="location_generalised"' in page.content.decode()
    assert "rounded to about 100 metres" in page.content.decode()


def test_the_operator_sees_the_exact_position_once_terms_are_offered(client, sensitive, member):
    from tests.assets.factories import make_request

    request = make_request([sensitive])
    enquiry = request.new_enquiries[0]
    page = body(client.get(request.get_absolute_url()))
    assert not any(text in page for text in EXACT_TEXTS)

    enquiry.move_to(enquiry.Status.UNDER_REVIEW, by=member)
    page = body(client.get(request.get_absolute_url()))
    assert not any(text in page for text in EXACT_TEXTS)

    enquiry.move_to(enquiry.Status.TERMS_OFFERED, note="Our standard terms.", by=member)
    page = body(client.get(request.get_absolute_url()))
    assert "Exact position, shared with you now that terms are offered" in page
    assert all(text in page for text in EXACT_TEXTS)
