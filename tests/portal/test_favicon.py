import pytest
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_from_the_site_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assertContains(client.get("/"), '<link rel="icon" href="/favicon.ico" sizes="48x48">')


def test_pages_carry_a_default_open_graph_image(client):
    from django.conf import settings

    page = client.get("/")
    assertContains(
        page, f'<meta property="og:image" content="{settings.SITE_URL}/static/img/og-default.png">'
    )
    assertContains(
        page, '<meta property="og:image:alt" content="Essex + Herts Digital Innovation Zone">'
    )
