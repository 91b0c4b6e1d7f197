import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from assets import sections
from assets.models import Asset
from tests.assets.factories import make_asset, make_assets, make_enquiry

pytestmark = pytest.mark.django_db


def request_for(user=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


def test_home_totals_count_what_the_visitor_may_see(partner_a, member):
    make_assets(3, owner=partner_a)
    make_assets(2, owner=partner_a, availability=Asset.Availability.IN_USE)
    make_assets(4, owner=partner_a, visibility=Asset.Visibility.PARTNERS)
    anonymous = sections.home(request_for())["totals"]
    assert anonymous == {"total": 5, "available": 3, "owners": 1, "restricted": 0}
    signed_in = sections.home(request_for(member))["totals"]
    assert signed_in["total"] == 9 and signed_in["restricted"] == 4


def test_home_page_shows_totals(client, partner_a):
    make_assets(3, owner=partner_a)
    response = client.get(reverse("home"))
    assert "Common Asset Register" in response.content.decode()
    assert "Assets listed" in response.content.decode()


def test_partner_section_lists_a_few_and_links_to_the_filtered_register(
    client, partner_a, django_assert_max_num_queries
):
    make_assets(12, owner=partner_a)
    with django_assert_max_num_queries(2):  # count, first five with districts
        section = sections.partner_detail(request_for(), partner_a)
    assert section["total"] == 12
    assert len(section["assets"]) == 5
    response = client.get(partner_a.get_absolute_url())
    assert f"{reverse('assets:list')}?owner=alpha" in response.content.decode()


def test_partner_section_is_absent_without_visible_assets(partner_a):
    make_asset(owner=partner_a, visibility=Asset.Visibility.PARTNERS)
    assert sections.partner_detail(request_for(), partner_a) is None


def test_dashboard_section_counts_and_links(
    client, member, partner_a, django_assert_max_num_queries
):
    asset = make_asset(owner=partner_a)
    make_enquiry(asset)
    make_enquiry(asset, status="declined")
    with django_assert_max_num_queries(2):  # assets, open enquiries
        section = sections.dashboard(request_for(member), [partner_a])
    assert section["assets"] == 1 and section["open_enquiries"] == 1
    assert sections.dashboard(request_for(member), []) is None
    client.force_login(member)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert reverse("dashboard:assets-import") in page
    assert reverse("dashboard:assets-enquiries") in page
