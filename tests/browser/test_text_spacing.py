"""People who set their own text spacing or a larger text size lose nothing.

WCAG 1.4.12 Text spacing: with line height 1.5, paragraph spacing 2em, letter spacing 0.12em
and word spacing 0.16em no text is cut off and nothing scrolls sideways. WCAG 1.4.4 Resize
text: at 200% text size a desktop-width window still shows everything without scrolling
sideways. axe-core tests neither.

The pages carry the demo content (`make run`'s partners, projects, assets and events), so
their text is as long as real text.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event
from tests.browser.conftest import OVERFLOWING_ELEMENTS_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}

# The WCAG 1.4.12 bookmarklet's values, as a user style sheet would set them.
TEXT_SPACING_CSS = """
* {
  line-height: 1.5 !important;
  letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important;
}
p { margin-bottom: 2em !important; }
"""

ADD_STYLE_SHEET_JS = """
(css) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
"""

# Elements that cut their own text off: overflow hidden (or clip) and content bigger than the
# box. Visually hidden text (a 1px box) is meant to be clipped; a map's panes are not text.
CLIPPED_TEXT_JS = """
() => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".leaflet-container, .diz-map")) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const hides = (o) => o === "hidden" || o === "clip";
    const clipsX = hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const clipsY = hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (!clipsX && !clipsY) continue;
    if (el.clientWidth <= 1 || el.clientHeight <= 1) continue;
    const text = (el.innerText || "").trim();
    if (!text) continue;
    const label = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    out.push(label + " (" + el.clientWidth + "x" + el.clientHeight + ", content " +
      el.scrollWidth + "x" + el.scrollHeight + "): " + text.slice(0, 60));
  }
  return out.slice(0, 10);
}
"""


@pytest.fixture
def demo_content():
    call_command("load_demo", stdout=io.StringIO())
    event = Event.objects.upcoming().filter(published=True).first()
    assert event is not None, "the demo content has an upcoming event to register for"
    return {"event": event}


def pages(demo_content):
    """The home page, the asset register's list and a form: registering for an event."""
    return ["/", reverse("assets:list"), demo_content["event"].get_absolute_url()]


def test_text_spacing_cuts_no_text_off(page, demo_content):
    page.set_viewport_size(DESKTOP)
    for url in pages(demo_content):
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        if url == demo_content["event"].get_absolute_url():
            assert page.locator("main form").count() >= 1, "the event page has its form"
        # page.add_style_tag would write a <style> element, which the strict CSP blocks; a
        # constructed style sheet is how a user style sheet or an extension adds the spacing.
        page.evaluate(ADD_STYLE_SHEET_JS, TEXT_SPACING_CSS)
        # The spacing took effect (the check below is not run on the page as it was).
        spacing = page.evaluate("getComputedStyle(document.querySelector('main')).wordSpacing")
        assert spacing != "0px", spacing
        clipped = page.evaluate(CLIPPED_TEXT_JS)
        assert clipped == [], f"{url}: text cut off with WCAG 1.4.12 spacing: {clipped}"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= DESKTOP["width"], (
            f"{url} scrolls sideways with WCAG 1.4.12 spacing ({scroll_width} px wide)"
        )
        assert page.problems == [], page.problems


def test_200_percent_text_fits_a_desktop_window(page, demo_content):
    page.set_viewport_size(DESKTOP)
    for url in pages(demo_content):
        page.goto(url)
        page.wait_for_load_state("load")
        before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        # Script-set styles are not inline markup: the CSP lets Playwright set this.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert after >= 1.9 * before, f"{url}: text did not grow ({before}px to {after}px)"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        overflowing = page.evaluate(OVERFLOWING_ELEMENTS_JS, DESKTOP["width"])
        assert scroll_width <= DESKTOP["width"] and not overflowing, (
            f"{url} at 200% text scrolls sideways at {DESKTOP['width']} CSS px "
            f"(document {scroll_width} px wide); sticking out: {overflowing}"
        )
        assert page.problems == [], page.problems
