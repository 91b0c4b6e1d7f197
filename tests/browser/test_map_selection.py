"""Gathering assets on the register's map into one enquiry (issue 13, item 1): the popup's
"Add to enquiry", "Select all assets in the current map view", a box drawn on the map, the
selection panel and its link to the basket, the basket's limit, and the page without
JavaScript (the table's checkboxes, no panel)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from assets.models import Asset
from tests.assets.factories import make_asset
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spread(partner_a, partner_b):
    """Four public assets of two owners, far enough apart (about 100 px at the first view)
    to be drawn one marker each, and one partners-only asset the public never sees."""
    places = [
        ("ALP-LC-0001", "Edinburgh Way column", partner_a),
        ("ALP-LC-0002", "Fourth Avenue column", partner_a),
        ("BET-RF-0001", "Princess Alexandra roof", partner_b),
        ("BET-RF-0002", "Town Park pavilion roof", partner_b),
    ]
    assets = [
        make_asset(
            reference=reference,
            name=name,
            owner=owner,
            latitude=f"{51.70 + i * 0.08:.6f}",
            longitude=f"{0.05 + i / 10:.6f}",
        )
        for i, (reference, name, owner) in enumerate(places)
    ]
    make_asset(
        reference="ALP-RF-0009",
        name="Hospital roof",
        owner=partner_a,
        visibility=Asset.Visibility.PARTNERS,
        latitude="51.740000",
        longitude="0.100000",
    )
    return assets


def open_map(page):
    page.goto(reverse("assets:list"))
    page.wait_for_selector("#map-status:has-text('4 assets in this area')", timeout=10000)


def marker(page, reference):
    return page.locator(f"#asset-map .diz-marker-icon[title*='({reference})']")


def open_popup(page, reference, name):
    """Click a marker until its popup shows. On a busy machine a click can land while the
    map is still drawing the marker; a visitor would click again, and so does the test."""
    for _ in range(3):
        marker(page, reference).click()
        try:
            page.wait_for_selector(f".leaflet-popup:has-text('{name}')", timeout=5000)
            return page.locator(".leaflet-popup")
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"The popup of {reference} did not open")


def panel(page):
    return page.locator("#map-selection [data-selection-panel]")


def test_add_two_assets_from_popups_and_ask_about_them(page, spread):
    open_map(page)
    assert not panel(page).is_visible()  # nothing selected yet

    popup = open_popup(page, "ALP-LC-0001", "Edinburgh Way column")
    add = popup.get_by_role("button", name=re.compile("^Add to enquiry"))
    add.click()
    assert page.locator(".leaflet-popup button").inner_text().startswith("Remove from enquiry")
    # The table's checkbox follows, and the marker says it is selected.
    assert page.locator("#choose-ALP-LC-0001").is_checked()
    assert (
        marker(page, "ALP-LC-0001")
        .get_attribute("aria-label")
        .endswith("(selected for your enquiry)")
    )
    assert "Added Edinburgh Way column (ALP-LC-0001) to your enquiry." in (
        page.locator("#map-selection").inner_text()
    )

    page.locator(".leaflet-popup-close-button").click()  # it covers the next marker
    popup = open_popup(page, "BET-RF-0001", "Princess Alexandra roof")
    popup.get_by_role("button", name=re.compile("^Add to enquiry")).click()
    assert panel(page).is_visible()
    assert "2 assets selected" in panel(page).inner_text()
    ask = page.get_by_role("link", name="Ask about 2 selected assets")
    assert ask.get_attribute("href") == (
        reverse("assets:basket") + "?asset=ALP-LC-0001&asset=BET-RF-0001"
    )
    assert page.locator("#map-selection").get_attribute("aria-live") == "polite"
    assert_accessible(page)

    # The selection outlives the page (sessionStorage): moving the map, paging, reloading.
    page.reload()
    page.wait_for_selector("#map-status:has-text('4 assets in this area')", timeout=10000)
    assert "2 assets selected" in panel(page).inner_text()
    assert page.locator("#choose-BET-RF-0001").is_checked()
    assert not page.locator("#choose-ALP-LC-0002").is_checked()

    page.get_by_role("link", name="Ask about 2 selected assets").click()
    page.wait_for_selector("h1:has-text('Ask about 2 assets')")
    basket = page.locator("main").inner_text()
    assert "Edinburgh Way column" in basket and "Princess Alexandra roof" in basket
    assert "Fourth Avenue column" not in basket


def test_select_all_in_view_clear_and_the_basket_limit(page, spread, monkeypatch):
    monkeypatch.setattr("assets.views.BASKET_MAX_ASSETS", 3)
    open_map(page)
    assert "up to 3 assets in one enquiry" in page.locator("#map-select-area-hint").inner_text()
    # A keyboard user's way: the button, not the mouse.
    page.get_by_role("button", name="Select all assets in the current map view").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#map-selection:has-text('3 assets selected')")
    text = page.locator("#map-selection").inner_text()
    assert "Added 3 assets in the current map view." in text
    assert "You can ask about up to 3 assets in one enquiry, so 1 asset was not added." in text
    # The partners-only asset is never offered to the public.
    assert "ALP-RF-0009" not in page.get_by_role(
        "link", name="Ask about 3 selected assets"
    ).get_attribute("href")
    # Full: ticking a fourth row in the table is refused, and says why.
    page.get_by_label("Choose Town Park pavilion roof (BET-RF-0002) for an enquiry").click()
    assert not page.locator("#choose-BET-RF-0002").is_checked()
    assert "You can ask about up to 3 assets in one enquiry." in (
        page.locator("#map-selection").inner_text()
    )
    assert_accessible(page)

    page.get_by_role("button", name="Clear selection").click()
    assert not panel(page).is_visible()
    assert "Selection cleared." in page.locator("#map-selection").inner_text()
    assert page.locator("#asset-table input[name=asset]:checked").count() == 0


def test_unticking_in_the_table_and_sending_the_whole_selection(page, spread):
    open_map(page)
    page.get_by_label("Choose Fourth Avenue column (ALP-LC-0002) for an enquiry").check()
    page.get_by_label("Choose Town Park pavilion roof (BET-RF-0002) for an enquiry").check()
    assert "2 assets selected" in panel(page).inner_text()
    page.get_by_label("Choose Fourth Avenue column (ALP-LC-0002) for an enquiry").uncheck()
    assert "1 asset selected" in panel(page).inner_text()
    page.get_by_role("button", name="Ask about selected assets").click()
    page.wait_for_selector("h1:has-text('Ask about')")
    assert "asset=BET-RF-0002" in page.url and "ALP-LC-0002" not in page.url


def test_draw_a_box_round_two_assets(page, spread):
    page.set_viewport_size({"width": 1280, "height": 1400})  # map and buttons in view
    open_map(page)
    area = page.get_by_role("button", name="Select assets in an area")
    area.click()
    assert area.get_attribute("aria-pressed") == "true"
    first = marker(page, "ALP-LC-0001").bounding_box()
    second = marker(page, "ALP-LC-0002").bounding_box()
    # From just beyond the first marker to just beyond the second: the other two lie
    # further north-east.
    left = min(first["x"], second["x"]) - 8
    bottom = max(first["y"] + first["height"], second["y"] + second["height"]) + 8
    right = max(first["x"] + first["width"], second["x"] + second["width"]) + 8
    top = min(first["y"], second["y"]) - 8
    page.mouse.move(left, bottom)
    page.mouse.down()
    page.mouse.move((left + right) / 2, (top + bottom) / 2, steps=4)
    page.mouse.move(right, top, steps=4)
    page.mouse.up()
    page.wait_for_selector("#map-selection:has-text('2 assets selected')")
    assert "Added 2 assets in the area you drew." in page.locator("#map-selection").inner_text()
    assert area.get_attribute("aria-pressed") == "false"
    assert page.locator(".leaflet-popup").count() == 0  # the drag opened no popup
    href = page.get_by_role("link", name="Ask about 2 selected assets").get_attribute("href")
    assert href.endswith("?asset=ALP-LC-0001&asset=ALP-LC-0002")


def test_without_javascript_the_table_checkboxes_and_no_panel(browser, live_server, spread):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(reverse("assets:list"))
    assert tab.locator("#asset-table input[type=checkbox][name=asset]").count() == 4
    assert not tab.locator("#map-selection").is_visible()
    assert not tab.get_by_role(
        "button", name="Select all assets in the current map view"
    ).is_visible()
    tab.get_by_label("Choose Edinburgh Way column (ALP-LC-0001) for an enquiry").check()
    tab.get_by_label("Choose Town Park pavilion roof (BET-RF-0002) for an enquiry").check()
    tab.get_by_role("button", name="Ask about selected assets").click()
    assert "asset=ALP-LC-0001" in tab.url and "asset=BET-RF-0002" in tab.url
    assert tab.locator("h1").inner_text() == "Ask about 2 assets"
    context.close()
