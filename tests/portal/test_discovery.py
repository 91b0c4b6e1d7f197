import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from diz_portal import demo
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Disallow: /dashboard/" in body
    assert "Sitemap: https://www.diz.org.uk/sitemap.xml" in body


def test_sitemap_index_lists_every_section(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    for section in ("sections", "pages", "partners", "projects", "assets", "events"):
        assertContains(response, f"/sitemap-{section}.xml")


def test_sitemap_sections_list_public_pages_only(client):
    demo.load()
    make_partner("Listed Partner", slug="listed")
    make_partner("Hidden Partner", slug="hidden", published=False)
    partners = client.get("/sitemap-partners.xml")
    assertContains(partners, "https://www.diz.org.uk/partners/listed/")
    assertNotContains(partners, "/partners/hidden/")
    pages = client.get("/sitemap-pages.xml")
    assertContains(pages, "https://www.diz.org.uk/about/")
    sections = client.get("/sitemap-sections.xml")
    assertContains(sections, "https://www.diz.org.uk/assets/data/")
    for name in ("projects", "assets", "events"):
        assert client.get(f"/sitemap-{name}.xml").status_code == 200


def test_pages_carry_canonical_and_open_graph_tags(client):
    demo.load()
    response = client.get(reverse("page", args=["about"]))
    assertContains(response, '<link rel="canonical" href="https://www.diz.org.uk/about/">')
    assertContains(response, '<meta property="og:url" content="https://www.diz.org.uk/about/">')
    assertContains(response, 'property="og:title"')
