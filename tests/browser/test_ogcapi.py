"""The API's HTML pages and the open data page are part of the site: axe-clean, and no
sideways scrolling at 320 CSS pixels (WCAG 1.4.10 Reflow)."""

import pytest
from django.urls import reverse

from assets.models import Asset
from tests.assets.factories import make_asset, make_assets
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(partner_a):
    make_asset(
        reference="ALP-LC-0001",
        name="Edinburgh Way column",
        owner=partner_a,
        height_m=10,
        material=Asset.Material.ALUMINIUM,
        known_constraints="Dual carriageway: traffic management needed.",
    )
    make_assets(120, owner=partner_a)


PAGES = [
    ("landing", reverse("ogcapi:landing") + "?f=html"),
    ("conformance", reverse("ogcapi:conformance") + "?f=html"),
    ("collections", reverse("ogcapi:collections") + "?f=html"),
    ("collection", reverse("ogcapi:collection") + "?f=html"),
    ("items", reverse("ogcapi:items") + "?f=html"),
    ("item", reverse("ogcapi:item", args=["ALP-LC-0001"]) + "?f=html"),
    ("error", reverse("ogcapi:items") + "?f=html&limit=lots"),
    ("open data", reverse("open-data")),
]


# The right-most edge of anything in the main content, leaving out what is inside a region
# that scrolls on its own (.diz-table-scroll: wide tables and code samples).
MAIN_RIGHT_EDGE = """() => {
  const main = document.querySelector("main");
  let right = main.scrollWidth;
  for (const element of main.querySelectorAll("*")) {
    if (element.parentElement.closest(".diz-table-scroll")) continue;
    right = Math.max(right, element.getBoundingClientRect().right);
  }
  return right;
}"""


@pytest.mark.parametrize(("name", "url"), PAGES, ids=[name for name, _ in PAGES])
def test_pages_are_accessible_and_reflow(page, register, name, url):
    response = page.goto(url)
    assert response.status == (400 if name == "error" else 200)
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    # The main content, not the whole document: the site header's search form is wider than
    # 320 px on every page of the site (a separate, known issue in base.html).
    assert page.evaluate(MAIN_RIGHT_EDGE) <= 320, name


def test_browsing_pages_by_links(page, register):
    page.goto(reverse("ogcapi:landing"))  # a browser's Accept header asks for HTML
    page.click("text=Browse the assets")
    assert page.locator("#items-table tbody tr").count() == 100
    page.click("text=Next page")
    assert "offset=100" in page.url
    assert page.locator("#items-table tbody tr").count() == 21
    page.click("text=Previous page")
    page.click("text=ALP-LC-0001")
    assert page.locator("h1").inner_text().endswith("Edinburgh Way column")
