"""Partner logos where people expect them: the directory and the home page's partner strip."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from diz_portal.cache import forget_version
from tests import factories
from tests.partners.factories import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_logo():
    partner = factories.make_partner("Harlow Council", slug="harlow-council")
    partner.logo = image_upload()
    partner.save()
    return partner


def test_directory_cards_show_logos_sized_and_lazy(client, with_logo):
    page = client.get(reverse("partners:list"))
    assertContains(
        page,
        f'<img class="diz-logo" src="{with_logo.logo.url}" alt="" width="120" height="60" '
        'loading="lazy">',
    )


def test_home_page_partner_strip_names_every_partner(client, with_logo):
    factories.make_partner("Uttlesford District Council", slug="uttlesford")
    page = client.get(reverse("home"))
    assertContains(page, f'alt="{with_logo.name}"')
    assertContains(page, 'loading="lazy"')
    # Partners without a logo are named in words.
    assertContains(page, ">Uttlesford District Council</a>")


def cold_queries(client):
    for cache in caches.all():
        cache.clear()
    forget_version()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    return len(queries)


def test_home_strip_queries_do_not_grow(client):
    factories.make_partner("First partner")
    cold_queries(client)  # creates the site content row on first use
    few = cold_queries(client)
    for i in range(30):
        factories.make_partner(f"Partner {i}")
    assert cold_queries(client) == few
