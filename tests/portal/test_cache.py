import pytest
from django.urls import reverse

from diz_portal import demo
from diz_portal.models import Page, SiteContent
from tests.factories import make_member
from tests.portal.isolated import run_django

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    demo.load()


def test_anonymous_pages_are_cached(client, page_cache, django_assert_max_num_queries):
    first = client.get(reverse("home"))
    assert first["X-Page-Cache"] == "miss"
    # a hit costs one query: the content version
    with django_assert_max_num_queries(1):
        second = client.get(reverse("home"))
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_a_change_shows_on_the_next_request(client, page_cache):
    client.get(reverse("page", args=["about"]))
    page = Page.objects.get(slug="about")
    page.title = "About the zone"
    page.save()
    response = client.get(reverse("page", args=["about"]))
    assert response["X-Page-Cache"] == "miss"
    assert b"About the zone" in response.content


def test_admin_edit_invalidates_the_home_page(client, page_cache, manager):
    anonymous = client.__class__()
    anonymous.get(reverse("home"))
    content = SiteContent.objects.current()
    content.vision = "Changed in the admin."
    content.save()
    assert b"Changed in the admin." in anonymous.get(reverse("home")).content


def test_signed_in_users_always_get_live_pages(client, page_cache, partner_a):
    client.force_login(make_member(partner_a))
    client.get(reverse("home"))
    response = client.get(reverse("home"))
    assert "X-Page-Cache" not in response


def test_health_is_never_cached(client, page_cache):
    client.get(reverse("health"))
    assert "X-Page-Cache" not in client.get(reverse("health"))


def test_pages_with_forms_are_not_cached(client, page_cache):
    client.get(reverse("account_login"))
    assert "X-Page-Cache" not in client.get(reverse("account_login"))


def test_deleting_content_invalidates(client, page_cache):
    client.get(reverse("page", args=["cookies"]))
    Page.objects.filter(slug="cookies").delete()
    assert client.get(reverse("page", args=["cookies"])).status_code == 404


def test_redis_is_used_as_the_shared_cache_when_configured():
    """Against the Redis on 127.0.0.1:6379 (CI and every developer machine run one)."""
    result = run_django(
        "import uuid\n"
        "from django.core.cache import cache, caches\n"
        "key = uuid.uuid4().hex\n"
        "cache.set(key, 'shared', 30)\n"
        "backend = type(caches['default']).__name__\n"
        "print(json.dumps({'backend': backend, 'value': cache.get(key)}))\n"
        "cache.delete(key)",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result == {"backend": "RedisCache", "value": "shared"}
