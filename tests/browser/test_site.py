import pytest
from django.urls import reverse

from diz_portal import demo
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content():
    demo.load()


PAGES = [
    "/",
    "/about/",
    "/background/",
    "/how-the-diz-was-built/",
    "/lessons-learned/",
    "/collaborating-over-covid-19/",
    "/contact/",
    "/accessibility-statement/",
    "/privacy-notice/",
    "/cookies/",
]


def test_content_pages_have_no_axe_violations(page, content):
    for url in PAGES:
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page)


def test_login_and_404_have_no_axe_violations(page, content):
    page.goto(reverse("account_login"))
    assert_accessible(page)
    page.fill("#id_login", "nobody@example.org")
    page.fill("#id_password", "wrong-password")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert_accessible(page)


def test_error_pages_have_no_axe_violations(page, content):
    from urllib.parse import urlsplit

    from django.test import RequestFactory

    from diz_portal.views import permission_denied, server_error

    # 400: a NUL byte in the address is refused before any view runs.
    response = page.goto("/partners/?district=nul%00byte")
    assert response.status == 400
    assert page.locator("h1").inner_text() == "Sorry, we could not understand that request"
    assert_accessible(page)
    # 403 and 500 have no page that reliably produces them: serve what the handlers render.
    request = RequestFactory().get("/")
    request.user = None
    pages = {
        "/forbidden-test/": permission_denied(request).content,
        "/server-error-test/": server_error(None).content,
    }

    def serve(route):
        path = urlsplit(route.request.url).path
        route.fulfill(body=pages[path], content_type="text/html; charset=utf-8")

    for path in pages:
        page.route(f"**{path}", serve)
        page.goto(path)
        assert page.locator("h1.govuk-heading-xl").count() == 1
        assert_accessible(page)


def test_keyboard_user_reaches_main_content_via_skip_link(page, content):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.locator(".govuk-skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.url.endswith("#main-content")


def test_pages_work_without_javascript(browser, live_server, content):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto("/")
    assert "best connected place" in tab.content()
    tab.click("text=About")
    assert tab.locator("h1").inner_text() == "About the DIZ"
    context.close()


def test_search_results_and_errors_have_no_axe_violations(page, content):
    from tests.factories import make_partner

    make_partner("Harlow Fibre Partnership", short_description="Gigabit fibre for Harlow.")
    page.goto("/")
    page.fill("#site-search-q", "Harlow fibre")
    page.press("#site-search-q", "Enter")
    page.wait_for_load_state()
    assert page.locator("mark").count() > 0
    assert page.get_by_role("link", name="Harlow Fibre Partnership").count() == 1
    assert_accessible(page)
    response = page.goto("/search/?q=" + "fibre+" * 60)
    assert response.status == 400
    assert page.locator("#search-q[aria-invalid=true]").count() == 1
    assert_accessible(page)
    page.goto("/search/")
    assert_accessible(page)
