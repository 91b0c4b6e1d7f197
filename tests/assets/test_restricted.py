"""Partners-only assets never reach anonymous visitors, on any surface."""

import json

import pytest
from django.urls import reverse

from assets.models import Asset
from tests import factories
from tests.assets.factories import make_asset

pytestmark = pytest.mark.django_db

SECRET = "Vaultroof"


@pytest.fixture
def assets(partner_a):
    public = make_asset(reference="ALP-RF-0001", name="Openroof civic centre", owner=partner_a)
    restricted = make_asset(
        reference="ALP-RF-0666",
        name=f"{SECRET} hospital",
        owner=partner_a,
        visibility=Asset.Visibility.PARTNERS,
    )
    return public, restricted


@pytest.fixture
def hidden_owner(db):
    """A partner whose only asset is partners-only."""
    partner = factories.make_partner("Gamma Hospital Trust", slug="gamma")
    make_asset(
        reference="GAM-RF-0001",
        name=f"{SECRET} annex",
        owner=partner,
        visibility=Asset.Visibility.PARTNERS,
    )
    return partner


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def surfaces(public, restricted, partner):
    return [
        reverse("assets:list"),
        reverse("assets:list") + f"?q={SECRET}",
        reverse("assets:list") + f"?owner={partner.slug}",
        reverse("assets:map-data") + "?bbox=-1,51,1,53",
        reverse("assets:map-data"),
        reverse("assets:export-csv"),
        reverse("assets:export-geojson"),
        reverse("home"),
        partner.get_absolute_url(),
        "/sitemap-assets.xml",
        reverse("search") + f"?q={SECRET}",
    ]


def test_anonymous_never_sees_partners_only_assets(client, assets, partner_a, hidden_owner):
    public, restricted = assets
    for url in surfaces(public, restricted, partner_a):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        # The search term itself is echoed in the search box; the asset must not be.
        for leak in (f"{SECRET} hospital", f"{SECRET} annex", restricted.reference, "GAM-RF-0001"):
            assert leak not in text, (url, leak)
    assert client.get(restricted.get_absolute_url()).status_code == 404
    # Refused from a basket exactly like a reference that does not exist.
    basket = client.get(reverse("assets:basket"), {"asset": restricted.reference})
    assert basket.status_code == 400
    assert restricted.name not in body(basket)
    assert "We could not find this asset in the register" in body(basket)
    enquiry = reverse("assets:enquiry", args=[restricted.reference])
    assert client.get(enquiry).status_code == 404
    response = client.post(
        enquiry, {"name": "A", "organisation": "B", "email": "a@b.example", "message": "Hi"}
    )
    assert response.status_code == 404
    assert not restricted.enquiries.exists()
    # The owner filter offers no partner whose assets are all partners-only.
    assert "Gamma Hospital Trust" not in body(client.get(reverse("assets:list")))
    assert client.get(reverse("assets:list") + "?owner=gamma").status_code == 400
    assert client.get(hidden_owner.get_absolute_url()).status_code == 200
    assert SECRET not in body(client.get(hidden_owner.get_absolute_url()))


def test_counts_exclude_partners_only_assets(client, assets, partner_a):
    response = client.get(reverse("assets:list"))
    assert response.context["page"].paginator.count == 1
    data = json.loads(body(client.get(reverse("assets:map-data"))))
    assert data["total"] == 1
    home = client.get(reverse("home"))
    section = next(s for s in home.context["sections"] if s["template"].startswith("assets/"))
    assert section["totals"]["total"] == 1
    assert section["totals"]["restricted"] == 0
    partner_page = client.get(partner_a.get_absolute_url())
    section = next(
        s for s in partner_page.context["sections"] if s["template"].startswith("assets/")
    )
    assert section["total"] == 1


def test_signed_in_user_without_membership_sees_public_only(client, assets, partner_a):
    client.force_login(factories.make_user())
    assert SECRET not in body(client.get(reverse("assets:list")))
    assert client.get(assets[1].get_absolute_url()).status_code == 404
    assert SECRET not in body(client.get(reverse("assets:export-csv")))


@pytest.mark.parametrize("persona", ["member", "outsider", "manager", "superuser"])
def test_partner_users_and_staff_see_them_clearly_marked(
    client, assets, partner_a, personas, persona
):
    client.force_login(personas[persona])
    restricted = assets[1]
    response = client.get(reverse("assets:list"))
    assert SECRET in body(response)
    assert "Partners only" in body(response)
    detail = client.get(restricted.get_absolute_url())
    assert detail.status_code == 200
    assert "Partners only: not shown to the public" in body(detail)
    assert SECRET in body(client.get(reverse("assets:export-csv")))
    data = json.loads(body(client.get(reverse("assets:map-data"))))
    marked = {f["id"]: f["properties"]["partners_only"] for f in data["features"]}
    assert marked == {"ALP-RF-0001": False, "ALP-RF-0666": True}
    assert SECRET in body(client.get(partner_a.get_absolute_url()))


def test_retired_assets_leave_every_public_view(client, assets, partner_a, member):
    public, _ = assets
    public.retire()
    for url in surfaces(*assets, partner_a):
        assert "Openroof" not in body(client.get(url)), url
    assert client.get(public.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(public.get_absolute_url()).status_code == 404
    assert "Openroof" in body(client.get(reverse("dashboard:assets-list")))
