"""The register's pages in GOV.UK Frontend markup: layout, components, the one pagination
partial, the map's key, and messages in plain English."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from assets import importer
from assets.models import Asset, AssetImport, AssetImportProblem
from tests.assets.factories import make_asset, make_assets, make_enquiry
from tests.assets.test_import import make_csv, row

pytestmark = pytest.mark.django_db

LIST = reverse("assets:list")
MAP = reverse("assets:map-data")

# Classes of the old hand-written stylesheet, which no longer style anything.
OLD_CLASSES = {
    "card", "card-list", "tag", "tag-warning", "button", "button-secondary", "meta", "lede",
    "note", "table-scroll", "error-summary", "errorlist", "field", "filters", "layout-sidebar",
    "key-figures", "asset-facts", "project-facts", "pagination", "numeric", "prose",
    "plain-list", "illustrative", "confirmation", "visually-hidden", "map", "map-small",
    "asset-table", "data-dictionary", "enquiry-hp", "import-progress", "attribution",
}  # fmt: skip


def classes(response):
    html = response.content.decode()
    return {name for value in re.findall(r'class="([^"]*)"', html) for name in value.split()}


def assert_govuk_only(response):
    old = classes(response) & OLD_CLASSES
    assert not old, f"old stylesheet classes left: {sorted(old)}"
    assert "style=" not in response.content.decode()


def test_list_page_is_a_sidebar_of_filters_and_the_results(client, partner_a):
    make_assets(60, owner=partner_a)
    response = client.get(LIST)
    assert_govuk_only(response)
    html = response.content.decode()
    assert html.index("govuk-grid-column-one-third") < html.index('id="filter-heading"')
    assert html.index("govuk-grid-column-two-thirds") < html.index('id="asset-table"')
    assertContains(
        response,
        '<button type="submit" class="govuk-button" data-module="govuk-button">Apply filters'
        "</button>",
        html=True,
    )
    assertContains(response, f'<a class="govuk-link" href="{LIST}">Clear filters</a>', html=True)
    # Each cell carries its column's name, for the stacked rows of a narrow screen.
    assertContains(response, 'class="govuk-table diz-table-stack diz-asset-table"')
    assertContains(response, 'data-label="Availability"', count=50)
    assertContains(response, '<strong class="govuk-tag govuk-tag--green">Available</strong>')
    # The one pagination partial, keeping the filters.
    assertContains(response, 'class="govuk-pagination govuk-pagination--block"')
    assertContains(response, 'href="?page=2" rel="next"')


def test_the_map_key_is_part_of_the_hidden_map_section(client, partner_a):
    make_asset(owner=partner_a)
    html = client.get(LIST).content.decode()
    section = html[html.index("<section") : html.index("</section>")]
    assert "hidden data-map-section" in section
    key = section[section.index('<ul class="diz-legend"') :]
    for css, text in [
        ("available", "Available (green circle)"),
        ("under-discussion", "Under discussion (orange ring)"),
        ("in-use", "In use (blue square)"),
        ("not-available", "Not available (red diamond)"),
    ]:
        assert f'<span class="diz-marker diz-marker--{css}" aria-hidden="true"></span>{text}' in key
    assert "A group of assets: select it to zoom in" in key


@pytest.mark.parametrize("code", [code for code, _ in Asset.Availability.choices])
def test_map_data_carries_the_availability_code_for_the_marker(client, partner_a, code):
    make_asset(owner=partner_a, availability=code)
    [feature] = client.get(MAP).json()["features"]
    assert feature["properties"]["availability_code"] == code
    assert feature["properties"]["availability"] == Asset.Availability(code).label


@pytest.mark.parametrize(
    ("code", "colour"),
    [
        ("available", "green"),
        ("under_discussion", "orange"),
        ("in_use", "blue"),
        ("not_available", "red"),
    ],
)
def test_detail_page_facts_are_a_summary_list_with_a_coloured_availability(
    client, partner_a, code, colour
):
    asset = make_asset(owner=partner_a, availability=code, asset_type="duct_chamber")
    response = client.get(asset.get_absolute_url())
    assert_govuk_only(response)
    assertContains(response, '<dl class="govuk-summary-list" aria-labelledby="details-heading">')
    assertContains(
        response,
        f'<strong class="govuk-tag govuk-tag--{colour}">{Asset.Availability(code).label}</strong>',
    )
    assertContains(response, f'data-availability="{code}"')
    assertContains(response, 'class="govuk-warning-text"')  # the NUAR warning for ducts
    assertContains(response, 'role="button" draggable="false" class="govuk-button"')


def test_partners_only_detail_is_tagged_for_a_member(client, partner_a, member):
    asset = make_asset(owner=partner_a, visibility="partners")
    client.force_login(member)
    response = client.get(asset.get_absolute_url())
    assert_govuk_only(response)
    assertContains(
        response,
        '<strong class="govuk-tag govuk-tag--yellow">Partners only: not shown to the public'
        "</strong>",
    )


def test_enquiry_form_errors_say_what_to_enter(client, partner_a):
    asset = make_asset(owner=partner_a)
    response = client.post(reverse("assets:enquiry", args=[asset.reference]), {})
    assert response.status_code == 400
    assert_govuk_only(response)
    assertContains(response, "Error: Ask about", status_code=400)
    assertContains(response, 'class="govuk-error-summary"', status_code=400)
    for message in [
        "Enter your name",
        "Enter the name of your organisation",
        "Enter your email address, so the owners can reply",
        "Enter your message to the owners",
    ]:
        # In the summary (linked to the field) and by the field.
        assertContains(response, message, count=2, status_code=400)
    assertNotContains(response, "This field is required", status_code=400)


def test_enquiry_sent_is_a_confirmation_panel(client):
    response = client.get(reverse("assets:enquiry-sent"))
    assert_govuk_only(response)
    assertContains(response, '<h1 class="govuk-panel__title">Enquiry sent</h1>', html=True)


def test_data_dictionary_and_open_data_pages(client):
    for url in (reverse("assets:data"), reverse("open-data")):
        response = client.get(url)
        assert response.status_code == 200
        assert_govuk_only(response)
    response = client.get(reverse("assets:data"))
    assertContains(response, 'class="govuk-table diz-table-stack" id="data-dictionary"')
    assertContains(response, 'data-label="Allowed values"')


def test_dashboard_lists_use_the_one_pagination_partial(client, member, partner_a):
    assets = make_assets(51, owner=partner_a)
    for _ in range(51):
        make_enquiry(Asset.objects.get(pk=assets[0].pk))
    client.force_login(member)
    for name, label in [
        ("dashboard:assets-list", "Pages of your assets"),
        ("dashboard:assets-enquiries", "Pages of enquiries"),
    ]:
        response = client.get(reverse(name))
        assert_govuk_only(response)
        assertContains(
            response, f'<nav class="govuk-pagination govuk-pagination--block" aria-label="{label}">'
        )
        assertContains(response, "Page 1 of 2")
        assertContains(response, 'class="govuk-table diz-table-stack"')


def test_dashboard_pages_are_govuk_markup(client, member, partner_a):
    asset = make_asset(owner=partner_a)
    enquiry = make_enquiry(asset)
    client.force_login(member)
    for url in [
        reverse("dashboard:assets-add"),
        reverse("dashboard:assets-edit", args=[asset.reference]),
        reverse("dashboard:assets-retire", args=[asset.reference]),
        reverse("dashboard:assets-import"),
        reverse("dashboard:assets-enquiry", args=[enquiry.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_govuk_only(response)
    response = client.get(reverse("dashboard:assets-enquiry", args=[enquiry.pk]))
    assertContains(response, '<strong class="govuk-tag govuk-tag--blue">Received</strong>')
    response = client.get(reverse("dashboard:assets-retire", args=[asset.reference]))
    assertContains(response, "govuk-button--warning")


def test_asset_form_messages_say_how_to_fix(client, member, partner_a):
    from tests import factories

    make_asset(reference="ALP-LC-0001", owner=partner_a)
    client.force_login(member)
    data = {
        "reference": "alp-lc-0001",
        "name": "New column",
        "asset_type": "lamp_column",
        "owner": partner_a.pk,
        "district": factories.district("harlow").pk,
        "address": "Fifth Avenue, Harlow",
        "postcode": "nowhere",
        "uprn": "12ab",
        "latitude": "51.77",
        "longitude": "0.09",
        "power_available": "on",
        "power_supply": "none",
        "availability": "available",
        "visibility": "public",
    }
    response = client.post(reverse("dashboard:assets-add"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["reference"] == [
        "An asset with this reference is already in the register: enter a different reference"
    ]
    assert errors["postcode"] == ["Enter a full UK postcode, such as CM20 1HH, or leave it empty"]
    assert errors["uprn"] == ["Enter the UPRN as 1 to 12 digits, or leave it empty"]
    assert errors["power_available"] == [
        "Untick “Power available”, or choose the power supply the asset has: power cannot be "
        "available when the power supply is none"
    ]
    assertContains(response, "Error: Add an asset", status_code=400)


def test_import_form_messages(client, member, partner_a, settings):
    client.force_login(member)
    response = client.post(reverse("dashboard:assets-import"), {"owner": partner_a.pk})
    assertContains(response, "Select a CSV file to import", count=2, status_code=400)
    assertContains(response, "Error: Import assets", status_code=400)


def test_the_preview_lists_every_problem_of_every_row_at_once(partner_a):
    """Each problem names its row and column and says what to enter; a repeated reference
    does not hide the rest of its row's problems."""
    data = make_csv(
        row(reference="ALP-LC-0001"),  # row 2: fine
        row(reference="ALP-LC-0002", latitude="70", longitude="east", height_m="lots"),  # 3
        row(reference="ALP-LC-0001", district="atlantis", power_available="maybe"),  # 4
        row(reference="bad ref", uprn="12ab", availability="soon"),  # 5
        row(reference="ALP-LC-0005", power_supply="none", power_available="yes", name=""),  # 6
    )
    result = importer.import_file(data, owner=partner_a)
    found = [str(problem) for problem in result.problems]
    expected = [
        "Row 3, latitude: enter a latitude between 49.8 and 60.9, for example 51.767",
        "Row 3, longitude: enter a longitude between -8.7 and 1.8, for example 0.093",
        "Row 3, height_m: enter the height in metres as a number, for example 10.5, or leave "
        "the cell empty",
        "Row 4, reference: ALP-LC-0001 is also on row 2. Each asset goes on one row: delete "
        "one of the rows, or give this asset its own reference",
        "Row 4, power_available: enter yes or no, or leave the cell empty for no (this cell "
        "has “maybe”)",
        "Row 5, reference: enter a reference of capital letters, numbers and hyphens only, "
        "such as HDC-LC-000123",
        "Row 5, uprn: enter the UPRN as 1 to 12 digits, or leave the cell empty",
        "Row 5, availability: enter the availability as one of: available, under_discussion, "
        "in_use, not_available (this cell has “soon”)",
        "Row 6, name: enter a name for the asset",
        "Row 6, power_available: enter no, or change power_supply from none to the supply the "
        "asset has: power cannot be available with no supply",
    ]
    for line in expected:
        assert line in found, found
    [district] = [line for line in found if line.startswith("Row 4, district")]
    assert district.startswith("Row 4, district: enter the district as one of: ")
    assert "harlow" in district and district.endswith("(this cell has “atlantis”)")
    # Never Django's or Python's own wording.
    for line in found:
        assert "Ensure this value" not in line and "Enter a number" not in line, line
    assert not Asset.objects.exists()


def test_preview_page_pages_through_problems_with_the_partial(client, member, partner_a):
    batch = AssetImport.objects.create(
        owner=partner_a, filename="big.csv", content="", status="invalid", problem_count=150
    )
    AssetImportProblem.objects.bulk_create(
        AssetImportProblem(batch=batch, row=n + 2, column="latitude", message=importer.LATITUDE)
        for n in range(150)
    )
    client.force_login(member)
    url = reverse("dashboard:assets-import-preview", args=[batch.pk])
    response = client.get(url + "?page=2")
    assert_govuk_only(response)
    assertContains(response, "Error: Import of big.csv")
    assertContains(response, 'class="govuk-error-summary"')
    assertContains(response, '<a href="#import-problems">See all 150 problems, row by row</a>')
    assertContains(response, 'aria-label="Pages of problems"')
    assertContains(response, 'href="?page=1" rel="prev"')
    assertContains(response, '<th scope="row" class="govuk-table__header">Row 151</th>')
    assertContains(response, 'data-label="What to correct">' + importer.LATITUDE)


def test_ogc_api_pages_are_govuk_markup(client, partner_a):
    make_assets(120, owner=partner_a)
    for name, args in [
        ("ogcapi:landing", []),
        ("ogcapi:conformance", []),
        ("ogcapi:collections", []),
        ("ogcapi:collection", []),
        ("ogcapi:items", []),
    ]:
        response = client.get(reverse(name, args=args) + "?f=html")
        assert response.status_code == 200, name
        assert_govuk_only(response)
    response = client.get(reverse("ogcapi:items") + "?f=html")
    assertContains(response, 'class="govuk-pagination govuk-pagination--block"')
    assertContains(response, "offset=100")
    error = client.get(reverse("ogcapi:items") + "?f=html&limit=lots")
    assert error.status_code == 400
    assert_govuk_only(error)
    assertContains(
        error, "Correct the <code>limit</code> parameter in the address", status_code=400
    )
