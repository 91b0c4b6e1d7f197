import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from diz_portal import demo
from diz_portal.models import Page, SiteContent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_content():
    demo.load()


def test_home_shows_vision_and_key_figures(client, demo_content):
    content = SiteContent.objects.current()
    content.population = 551_234
    content.save()
    response = client.get(reverse("home"))
    assertContains(response, "best connected place of its type in the UK")
    assertContains(response, "551,234")
    assertContains(response, "32,500")
    assertContains(response, '<html lang="en-GB" class="govuk-template">', html=False)
    assertContains(response, 'href="#main-content"')
    assertContains(response, '<dl class="diz-key-figures">')
    assertContains(response, '<h1 class="govuk-heading-xl" id="vision-heading">')


def test_accessibility_statement_says_what_is_true(client, demo_content):
    body = client.get(reverse("page", args=["accessibility-statement"])).content.decode()
    for fact in [
        "GOV.UK Frontend design system",
        "axe-core",
        "version 2.2 at AA standard",
        "headless Chromium",
        "every public page, every partner page and every error page",
        "320 CSS pixels",
        "increased text spacing and when zoomed to 200%",
        "works without JavaScript",
        "OpenStreetMap",
        "PDF and Word (DOCX) documents uploaded by partners",
        "mailto:programme@diz.org.uk",
        "Equality and Human Rights Commission (EHRC)",
        "6 December 2026",
    ]:
        assert fact in " ".join(body.split()), fact


def test_vision_is_editable_in_admin(client, manager, demo_content):
    client.force_login(manager)
    url = reverse("admin:diz_portal_sitecontent_change", args=[1])
    data = {
        "vision": "A new vision for the zone.",
        "introduction": "",
        "districts": 5,
        "counties": 2,
        "leps": 2,
        "population": 560000,
        "businesses": 33000,
        "figures_note": "",
        "contact_email": "programme@diz.org.uk",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assertContains(client.get(reverse("home")), "A new vision for the zone.")
    history = SiteContent.objects.current().history.first()
    assert history.history_user == manager


@pytest.mark.parametrize(
    "slug",
    [
        "about",
        "background",
        "how-the-diz-was-built",
        "lessons-learned",
        "collaborating-over-covid-19",
        "contact",
        "accessibility-statement",
        "privacy-notice",
        "cookies",
    ],
)
def test_each_content_page_renders_in_the_layout(client, demo_content, slug):
    page = Page.objects.get(slug=slug)
    response = client.get(page.get_absolute_url())
    assertContains(response, f'<h1 class="govuk-heading-xl">{page.title}</h1>', html=True)
    assertContains(response, 'id="main-content"')


def test_about_lists_other_pages_in_navigation_order(client, demo_content):
    body = client.get(reverse("page", args=["about"])).content.decode()
    assert (
        body.index("Background")
        < body.index("How the DIZ was built")
        < body.index("Lessons learned")
    )


def test_unpublished_page_is_404(client, demo_content):
    Page.objects.filter(slug="background").update(published=False)
    assert client.get(reverse("page", args=["background"])).status_code == 404


def test_page_markdown_is_sanitised(client):
    Page.objects.create(
        title="Test",
        slug="test-page",
        body='Hello <script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x()">b</b>',
    )
    response = client.get(reverse("page", args=["test-page"]))
    assertNotContains(response, "<script>alert")
    assertNotContains(response, "javascript:")
    assertNotContains(response, "onclick")


def test_reserved_slug_is_refused():
    page = Page(title="Admin", slug="admin", body="x")
    with pytest.raises(Exception, match="used by another part"):
        page.full_clean()


def test_load_demo_is_idempotent(demo_content):
    from django.core.management import call_command

    before = Page.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Page.objects.count() == before


def test_home_and_page_queries_are_fixed(client, demo_content, django_assert_max_num_queries):
    # home: site content row + each app's home section (a few fixed queries each)
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))
    # content page: page row + the about list
    with django_assert_max_num_queries(3):
        client.get(reverse("page", args=["about"]))


@pytest.mark.parametrize("url", ["/no-such-page/", "/partners/no-such-partner/"])
def test_404_is_styled_and_leaks_nothing(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assertContains(
        response, '<h1 class="govuk-heading-xl">Page not found</h1>', status_code=404, html=True
    )
    assertNotContains(response, "Traceback", status_code=404)
    assertNotContains(response, "SECRET_KEY", status_code=404)


def test_500_page_renders_without_database_or_request():
    from diz_portal.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert b'<h1 class="govuk-heading-xl">Sorry, there is a problem with the service</h1>' in (
        response.content
    )


def test_post_to_a_read_only_page_is_refused(client):
    assert client.post(reverse("home")).status_code == 405


@pytest.mark.parametrize("path", ["/no-such-page/", "/partners/no-such-partner/"])
def test_a_404_marks_no_menu_item_as_current(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert 'aria-current="page">Partners' not in response.content.decode()
    assert 'aria-current="page">About' not in response.content.decode()
