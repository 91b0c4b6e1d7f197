"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, with axe-core checks.

Under CI=true a missing browser fails the run: a skipped accessibility check is a defect.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab on the live server that records CSP violations and page errors."""
    context = browser.new_context(base_url=live_server.url)
    # Map tiles are the only outside fetch a page makes; tests never reach the internet.
    context.route("**/*", _block_outside(live_server.url))
    tab = context.new_page()
    tab.problems = []
    tab.on(
        "console",
        lambda msg: (
            tab.problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    tab.on("pageerror", lambda exc: tab.problems.append(f"page error: {exc}"))
    yield tab
    context.close()


def _block_outside(base_url):
    def handler(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            route.abort()

    return handler


@pytest.fixture
def login(page, live_server):
    """Sign the browser in as `user` by handing it a real session cookie."""

    def _login(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return _login


def assert_accessible(page, context=None):
    """axe-core WCAG 2.2 AA: zero violations; no CSP violation or script error so far; and the
    page reflows at 320 CSS px (WCAG 1.4.10), which axe does not test."""
    # After a click the next page may still be loading its stylesheet; axe must see it styled.
    page.wait_for_load_state("load")
    results = Axe().run(
        page,
        context=context,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}},
    )
    assert results.violations_count == 0, results.generate_report()
    assert page.problems == [], page.problems
    assert_reflows(page)


# Elements wider than the viewport, or placed outside it, that no scrolling or clipping
# ancestor contains. A wide table inside its own scrolling region is allowed (1.4.10's
# exception for data tables); visually hidden text (clipped to 1px) is not content that shows.
OVERFLOWING_ELEMENTS_JS = """
(width) => {
  const clips = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.width <= 1 && r.height <= 1) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    if (r.right > width + 1 || r.left < -1) {
      if (clips(el)) continue;
      const classes = typeof el.className === "string" ? el.className.trim() : "";
      const label = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (classes ? "." + classes.split(/\\s+/).join(".") : "");
      out.push(label + " [" + Math.round(r.left) + ", " + Math.round(r.right) + "]: " +
        (el.textContent || "").trim().slice(0, 60));
    }
  }
  return out.slice(0, 10);
}
"""


def assert_reflows(page, width=320):
    """At `width` CSS px the document is no wider than the viewport and no element sticks out
    of it. Restores the viewport afterwards."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": 640})
    try:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        overflowing = page.evaluate(OVERFLOWING_ELEMENTS_JS, width)
        assert scroll_width <= width and not overflowing, (
            f"{page.url} scrolls sideways at {width} CSS px (document {scroll_width} px wide); "
            f"sticking out: {overflowing}"
        )
    finally:
        if before:
            page.set_viewport_size(before)
