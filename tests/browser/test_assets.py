from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset, AssetImport
from tests.assets.factories import make_asset, make_assets, make_enquiry
from tests.assets.test_import import make_csv, row
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(partner_a):
    asset = make_asset(
        reference="ALP-LC-0001",
        name="Edinburgh Way column",
        owner=partner_a,
        height_m=10,
        material=Asset.Material.ALUMINIUM,
        known_constraints="Dual carriageway: traffic management needed.",
    )
    make_asset(
        reference="ALP-RF-0002",
        name="Hospital roof",
        owner=partner_a,
        visibility=Asset.Visibility.PARTNERS,
    )
    make_assets(60, owner=partner_a)
    return asset


def test_list_table_and_map(page, register):
    response = page.goto(reverse("assets:list"))
    assert response.status == 200
    # The map draws clustered markers from map.geojson over the same filters.
    page.wait_for_selector(".marker-cluster, .leaflet-marker-icon", timeout=10000)
    # (Not wait_for_function: evaluating a string needs 'unsafe-eval', which the CSP forbids.)
    page.wait_for_selector("#map-status:has-text('in this area')", timeout=10000)
    assert page.locator("#asset-map.leaflet-container").count() == 1
    assert "Hospital roof" not in page.content()
    # The key to the map shows with it: each marker's shape with its words.
    assert page.locator("ul.diz-legend").is_visible()
    assert page.locator("ul.diz-legend li").count() == 5
    assert_accessible(page)


def test_markers_are_shaped_and_coloured_by_availability(page, partner_a):
    # All in the first view, and far enough apart (about 100 px) not to be grouped.
    shapes = {
        "available": "Available",
        "under_discussion": "Under discussion",
        "in_use": "In use",
        "not_available": "Not available",
    }
    for i, code in enumerate(shapes):
        make_asset(
            reference=f"ALP-SH-000{i}",
            name=f"Shape {code}",
            owner=partner_a,
            availability=code,
            latitude=f"{51.70 + i * 0.08:.6f}",
            longitude=f"{0.05 + i / 10:.6f}",
        )
    page.goto(reverse("assets:list"))
    page.wait_for_selector("#map-status:has-text('4 assets in this area')", timeout=10000)
    for i, (code, label) in enumerate(shapes.items()):
        css = code.replace("_", "-")
        marker = page.locator(f"#asset-map .diz-marker-icon:has(.diz-marker--{css})")
        assert marker.count() == 1, code
        name = f"Shape {code} (ALP-SH-000{i}): {label}"
        assert marker.get_attribute("aria-label") == name
        assert marker.get_attribute("title") == name
        assert marker.get_attribute("role") == "button"
        # The key shows the same shape with its words.
        assert (
            page.locator(f".diz-legend li:has(.diz-marker--{css})").inner_text().startswith(label)
        )
    # Shape, not only colour: the four markers differ in their outline (WCAG 1.4.1).
    radii = {
        code: page.locator(f"#asset-map .diz-marker--{code.replace('_', '-')}").evaluate(
            "e => getComputedStyle(e).borderRadius + ' ' + getComputedStyle(e).transform"
        )
        for code in shapes
    }
    assert len(set(radii.values())) >= 3, radii
    # Selecting a marker opens its popup, linking to the asset's page.
    page.locator("#asset-map .diz-marker-icon:has(.diz-marker--in-use)").click()
    page.wait_for_selector(".leaflet-popup a:has-text('Shape in_use')")
    assert_accessible(page)


def test_map_shows_server_clusters_and_zooms_into_one(page, register, settings):
    settings.ASSET_MAP_MAX_FEATURES = 10  # the register's 61 public assets come as clusters
    page.goto(reverse("assets:list"))
    page.wait_for_selector("#map-status:has-text('shown in groups')", timeout=10000)
    assert "About 61 assets" in page.locator("#map-status").inner_text()
    cluster = page.locator("#asset-map .marker-cluster").first
    assert cluster.get_attribute("title").endswith("assets: select to zoom in")
    assert_accessible(page)
    # Selecting a cluster zooms the map in: the next answer is for a smaller area.
    with page.expect_response(lambda r: "map.geojson" in r.url) as answer:
        cluster.click()
    assert "zoom=" in answer.value.url


def test_list_filtered_and_invalid_filter(page, register):
    page.goto(reverse("assets:list") + "?asset_type=lamp_column&power=no")
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=10000)
    assert_accessible(page)
    response = page.goto(reverse("assets:list") + "?asset_type=spaceship")
    assert response.status == 400
    assert page.locator(".govuk-error-summary").count() == 1
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_list_works_without_javascript(browser, live_server, register):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(reverse("assets:list"))
    assert tab.locator("#asset-table tbody tr").count() == 50
    assert not tab.locator("[data-map-section]").is_visible()
    assert not tab.locator(".diz-legend").is_visible()  # the key goes with the map
    tab.select_option("#id_asset_type", "lamp_column")
    tab.click("text=Apply filters")
    assert "asset_type=lamp_column" in tab.url
    tab.click("text=Next page")
    assert "page=2" in tab.url
    context.close()


def test_partner_user_sees_restricted_assets_marked(page, login, register, member):
    login(member)
    page.goto(reverse("assets:list"))
    assert page.get_by_role("link", name="Hospital roof", exact=True).count() == 1
    assert page.get_by_label("Choose Hospital roof (ALP-RF-0002) for an enquiry").count() == 1
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=10000)
    assert_accessible(page)


def test_detail_and_enquiry_form(page, register):
    page.goto(register.get_absolute_url())
    page.wait_for_selector("#asset-map .leaflet-marker-icon", timeout=10000)
    marker = page.locator("#asset-map .diz-marker-icon")
    assert marker.locator(".diz-marker--available").count() == 1
    assert marker.get_attribute("role") == "img"
    assert marker.get_attribute("aria-label") == "ALP-LC-0001 Edinburgh Way column: Available"
    assert page.locator(".govuk-summary-list__key:has-text('Availability')").count() == 1
    assert_accessible(page)
    # The form has its own page, so the detail page can be cached.
    page.click(f"text=Ask about {register.reference}")
    page.wait_for_selector("#id_name")
    page.wait_for_load_state("load")  # the stylesheet that hides the honeypot
    assert not page.locator("#id_website").is_visible()  # honeypot hidden by CSS class
    assert_accessible(page)
    # Error state.
    page.fill("#id_name", "Sam Operator")
    page.fill("#id_email", "not-an-email")
    page.click("text=Send enquiry")
    page.wait_for_selector(".govuk-error-summary")
    assert page.locator("#id_email[aria-invalid=true]").count() == 1
    assert (
        "Enter an email address in the correct format"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    # Corrected and sent.
    page.fill("#id_organisation", "Example Networks Ltd")
    page.fill("#id_email", "sam@operator.example")
    page.fill("#id_message", "We would like to mount a small cell.")
    page.click("text=Send enquiry")
    page.wait_for_selector(".govuk-panel h1:has-text('Enquiry sent')")
    assert_accessible(page)


def test_partners_only_detail_for_a_member(page, login, register, member):
    login(member)
    page.goto(reverse("assets:detail", args=["ALP-RF-0002"]))
    assert page.locator(".govuk-tag:has-text('Partners only')").count() == 1
    page.wait_for_selector("#asset-map .leaflet-marker-icon", timeout=10000)
    assert_accessible(page)


def test_data_dictionary(page):
    page.goto(reverse("assets:data"))
    assert page.locator("#data-dictionary tbody tr").count() > 25
    assert_accessible(page)


def test_dashboard_pages(page, login, register, member, partner_a):
    enquiry = make_enquiry(register)
    login(member)
    for url in [
        reverse("dashboard:assets-list"),
        reverse("dashboard:assets-add"),
        reverse("dashboard:assets-edit", args=[register.reference]),
        reverse("dashboard:assets-retire", args=[register.reference]),
        reverse("dashboard:assets-enquiries"),
        reverse("dashboard:assets-enquiry", args=[enquiry.pk]),
        reverse("dashboard:index"),
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page)
    # Form error states.
    page.goto(reverse("dashboard:assets-add"))
    page.fill("#id_reference", "ALP-LC-0999")
    page.fill("#id_latitude", "70")
    page.click("text=Add asset")
    page.wait_for_selector(".govuk-error-summary")
    assert (
        "Enter a latitude between 49.8 and 60.9"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.goto(reverse("dashboard:assets-enquiry", args=[enquiry.pk]))
    page.click("text=Send reply")
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter your message" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.click("text=Move the enquiry")
    page.wait_for_selector(".govuk-error-summary")
    assert (
        "Select the stage to move this enquiry to"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)


def test_import_pages(page, login, member, partner_a, tmp_path):
    login(member)
    page.goto(reverse("dashboard:assets-import"))
    assert_accessible(page)
    # No file chosen: the error state.
    page.click("text=Check the file")
    page.wait_for_selector(".govuk-error-summary")
    assert "Select a CSV file to import" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    # A file with a wrong row: the preview lists problems.
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        make_csv(
            row(owner=""),
            row(reference="ALP-LC-0101", latitude="70", height_m="lots"),  # row 3
            row(reference="ALP-LC-0101", district="atlantis"),  # row 4: row 3's reference
        )
    )
    page.set_input_files("#id_file", str(bad))
    page.click("text=Check the file")
    page.wait_for_selector("text=nothing has been changed")
    # Every problem of every row at once, each with its row, column and what to enter.
    problems = page.locator("table:has(#import-problems) tbody tr").all_inner_texts()
    found = [" ".join(text.split()) for text in problems]
    assert len(found) == 4, found
    assert any(
        "Row 3" in t and "latitude" in t and "Enter a latitude between 49.8" in t for t in found
    )
    assert any("Row 3" in t and "height_m" in t for t in found)
    assert any("Row 4" in t and "also on row 3" in t for t in found)
    assert any("Row 4" in t and "district" in t and "atlantis" in t for t in found)
    assert_accessible(page)
    # A good file: preview, then confirm.
    good = tmp_path / "good.csv"
    good.write_bytes(make_csv(row(owner="")))
    page.goto(reverse("dashboard:assets-import"))
    page.set_input_files("#id_file", str(good))
    page.click("text=Check the file")
    page.wait_for_selector("text=Confirm and import")
    assert_accessible(page)
    page.click("text=Confirm and import")
    page.wait_for_selector(".govuk-panel:has-text('Import complete')")
    assert Asset.objects.filter(owner=partner_a).count() == 1
    assert AssetImport.objects.filter(applied_at__isnull=False).count() == 1
    assert_accessible(page)
    # A job still running: the progress page, whose script polls the status.
    AssetImport.objects.filter(applied_at__isnull=False).update(
        status="checking", rows_done=1, rows_total=4, applied_at=None
    )
    page.reload()
    page.wait_for_selector("progress")
    with page.expect_response(lambda r: r.url.endswith("/status.json")):
        pass
    assert_accessible(page)


def test_profile_generalised_location_and_data_quality_pages(page, partner_a, member, login):
    """The asset page's suitability profile and its "location generalised" note, and the public
    data-quality page (issue 13, items 5–7): axe-clean and reflowing at 320 px."""
    asset = make_asset(
        reference="ALP-MT-0001",
        name="Control room mast",
        owner=partner_a,
        asset_type=Asset.AssetType.MAST_TOWER,
        latitude="51.767612",
        longitude="0.098712",
        location_generalised=True,
        power_supply=Asset.PowerSupply.PART_NIGHT,
        power_available=True,
        load_rating="spare capacity: 2 small cells",
        mounting_height_m="12.5",
        planning_constraints="conservation_area;green_belt",
        last_verified="2026-01-15",
        review_by=timezone.localdate() + timedelta(days=10),
    )
    make_asset(reference="ALP-DC-0002", owner=partner_a, asset_type=Asset.AssetType.DUCT_CHAMBER)
    response = page.goto(asset.get_absolute_url())
    assert response.status == 200
    text = page.locator("main").inner_text()
    assert "Location shown to about 100 metres" in text
    assert "51.768" in text and "51.7676" not in text
    assert "Telecoms suitability" in text and "Part-night" in text
    # The small map is placed at the rounded position.
    page.wait_for_selector("#asset-map.leaflet-container", timeout=10000)
    assert page.locator("#asset-map").get_attribute("data-lat") == "51.768"
    assert_accessible(page)

    response = page.goto(reverse("assets:quality"))
    assert response.status == 200
    assert page.locator("table#data-quality tbody tr").count() == 1
    # Ratings in words, beside the numbers: never colour alone.
    cells = page.locator("table#data-quality tbody td").all_inner_texts()
    assert any(
        "of 2" in cell and ("Good" in cell or "Fair" in cell or "Poor" in cell) for cell in cells
    )
    assert "80% or more" in page.locator("main").inner_text()
    assert_accessible(page)

    # The owner's member: the exact position, the assets due for review and the profile form.
    login(member)
    page.goto(asset.get_absolute_url())
    assert "51.767612" in page.locator("main").inner_text()
    page.goto(reverse("dashboard:assets-list"))
    assert page.locator("#review-list li").count() == 1  # due in 10 days
    assert "ALP-MT-0001" in page.locator("#review-list").inner_text()
    assert_accessible(page)
    page.goto(reverse("dashboard:assets-edit", args=[asset.reference]))
    assert page.locator("h2:has-text('Telecoms suitability')").count() == 1
    assert page.locator("input[name=planning_constraints][value=green_belt]").is_checked()
    assert_accessible(page)
