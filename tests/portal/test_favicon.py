import pytest
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_from_the_site_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assertContains(client.get("/"), '<link rel="icon" href="/favicon.ico" sizes="48x48">')
