import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from partners.models import Sector
from tests import factories

pytestmark = pytest.mark.django_db


def make_partners(n, start=0):
    sectors = [Sector.LOCAL_AUTHORITY, Sector.HEALTH_ACUTE, Sector.VOLUNTARY, Sector.PRIVATE_IT]
    return [
        factories.make_partner(
            f"Organisation {i:03d}",
            slug=f"org-{i:03d}",
            sector=sectors[i % len(sectors)],
            districts=("harlow", "uttlesford"),
        )
        for i in range(start, start + n)
    ]


def test_list_shows_published_partners_grouped_by_sector_with_counts(client):
    factories.make_partner("Harlow Council", sector=Sector.LOCAL_AUTHORITY)
    factories.make_partner("Uttlesford Council", sector=Sector.LOCAL_AUTHORITY)
    factories.make_partner("Hidden Trust", sector=Sector.HEALTH_ACUTE, published=False)
    factories.make_partner("Kao Data", sector=Sector.PRIVATE_DATA_CENTRE)
    response = client.get(reverse("partners:list"))
    assert response.status_code == 200
    assertContains(response, "Harlow Council")
    assertContains(response, "Kao Data")
    assertNotContains(response, "Hidden Trust")
    assertNotContains(response, "Health: acute hospital</a>")  # no published partner there
    assertContains(
        response,
        '<a class="govuk-link" href="?sector=local-authority">Local authority</a>: 2',
        html=False,
    )
    assertContains(
        response, '<h2 class="govuk-heading-m" id="sector-1">Local authority</h2>', html=True
    )
    assertContains(response, "Private sector: data centre</h2>")
    assert [p.name for p in response.context["page"]] == [
        "Harlow Council",
        "Uttlesford Council",
        "Kao Data",
    ]


def test_filter_by_sector_district_and_text(client):
    factories.make_partner(
        "Harlow Council", districts=("harlow",), description="Small cells in the town centre."
    )
    factories.make_partner("Uttlesford Council", districts=("uttlesford",))
    factories.make_partner("CVS Uttlesford", sector=Sector.VOLUNTARY, districts=("uttlesford",))
    url = reverse("partners:list")

    names = lambda response: [p.name for p in response.context["page"]]  # noqa: E731
    assert names(client.get(url, {"sector": "voluntary"})) == ["CVS Uttlesford"]
    assert names(client.get(url, {"district": "uttlesford"})) == [
        "Uttlesford Council",
        "CVS Uttlesford",
    ]
    assert names(client.get(url, {"q": "small CELLS"})) == ["Harlow Council"]
    assert names(client.get(url, {"q": "cvs", "district": "uttlesford"})) == ["CVS Uttlesford"]
    response = client.get(url, {"q": "nothing-like-this"})
    assertContains(response, "No partners match")


def test_pagination_keeps_the_filter(client):
    make_partners(30)
    response = client.get(reverse("partners:list"), {"district": "harlow"})
    assert response.context["page"].paginator.num_pages == 2
    assertContains(response, "?district=harlow&amp;page=2")
    assertContains(response, '<nav class="govuk-pagination govuk-pagination--block"')
    assertContains(response, '<ul class="diz-card-list">')
    second = client.get(reverse("partners:list"), {"district": "harlow", "page": "2"})
    assert len(second.context["page"]) == 6
    # A page number that is not a number falls back to the first page rather than failing.
    assert client.get(reverse("partners:list"), {"page": "x"}).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sector": "pirates"}, "Choose a sector from the list."),
        ({"district": "atlantis"}, "Choose a district from the list."),
        ({"district": "not a slug; DROP TABLE"}, "Choose a district from the list."),
        ({"q": "x" * 101}, "Search for at most 100 characters (you typed 101)."),
    ],
)
def test_bad_filter_values_give_a_clear_400(client, params, message):
    factories.make_partner("Harlow Council")
    response = client.get(reverse("partners:list"), params)
    assert response.status_code == 400
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, message, status_code=400)
    assertContains(response, "Correct the filter above", status_code=400)
    assertNotContains(response, "Harlow Council</a></h3>", status_code=400)


@pytest.mark.parametrize("params", [{"district": "nul\x00byte"}, {"q": "nul\x00byte"}])
def test_nul_in_a_filter_is_refused_before_the_filter_runs(client, params):
    # diz_portal.middleware answers every NUL with the site's 400 page (PostgreSQL cannot
    # even compare such a string), so the filter form never sees it.
    factories.make_partner("Harlow Council")
    response = client.get(reverse("partners:list"), params)
    assertContains(response, "Sorry, we could not understand that request", status_code=400)
    assertNotContains(response, "Harlow Council</a></h3>", status_code=400)


def test_list_accepts_only_safe_methods(client):
    assert client.post(reverse("partners:list")).status_code == 405


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_queries_do_not_grow(client, django_assert_max_num_queries):
    make_partners(5)
    url = reverse("partners:list") + "?district=harlow"
    small = count_queries(client, url)
    make_partners(195, start=5)
    # Anonymous, no session: the counts per sector, the chosen district by slug, the count
    # for the paginator, the district choices of the filter form, the page of partners and
    # their districts (one prefetch).
    with django_assert_max_num_queries(6):
        client.get(url)
    assert count_queries(client, url) == small


def test_detail_shows_profile(client):
    partner = factories.make_partner(
        "Harlow Council",
        districts=("harlow", "epping-forest"),
        website="https://www.harlow.gov.uk/",
        contact_email="digital@harlow.example.org",
        description="We run **small cells**.<script>alert(1)</script>",
    )
    response = client.get(partner.get_absolute_url())
    assertContains(response, '<h1 class="govuk-heading-xl">Harlow Council</h1>', html=True)
    assertContains(response, "Epping Forest</a> (Essex)")
    assertContains(response, 'href="https://www.harlow.gov.uk/"')
    assertContains(response, 'href="mailto:digital@harlow.example.org"')
    # Facts as a GOV.UK summary list; long addresses may wrap on a narrow screen.
    assertContains(response, '<dt class="govuk-summary-list__key">Website</dt>', html=True)
    assertContains(response, 'class="govuk-link diz-break" href="https://www.harlow.gov.uk/"')
    assertContains(response, 'class="govuk-link diz-break" href="mailto:digital@harlow')
    assertContains(response, "<strong>small cells</strong>")
    assertNotContains(response, "<script>alert")


def test_unpublished_and_unknown_partners_are_404(client, member):
    hidden = factories.make_partner("Hidden Trust", published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/partners/no-such-partner/").status_code == 404
    # Even a member of the unpublished partner sees its public page as absent.
    client.force_login(member)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_detail_queries_do_not_grow(client, django_assert_max_num_queries):
    make_partners(5)
    url = reverse("partners:detail", kwargs={"slug": "org-001"})
    small = count_queries(client, url)
    make_partners(195, start=5)
    # The partner and its districts (2); each other app's section (projects it leads or
    # joins, its assets, its events) adds its own fixed few. Same count at 5 and 200.
    with django_assert_max_num_queries(12):
        client.get(url)
    assert count_queries(client, url) == small


def test_home_shows_partners_by_sector(client, django_assert_max_num_queries):
    factories.make_partner("Harlow Council", sector=Sector.LOCAL_AUTHORITY)
    factories.make_partner("Uttlesford Council", sector=Sector.LOCAL_AUTHORITY)
    factories.make_partner("Arup", sector=Sector.CONSULTANT)
    factories.make_partner("Hidden", sector=Sector.PRIVATE_IT, published=False)
    response = client.get(reverse("home"))
    assertContains(
        response,
        '<h2 class="govuk-heading-l" id="partners-by-sector-heading">Partners by sector</h2>',
    )
    assertContains(response, "3 organisations work together")
    assertContains(response, "Local authority</a>: 2 partners")
    assertContains(response, "Strategic digital consultant</a>: 1 partner<")
    assertNotContains(response, "IT and business process")


def test_home_section_query_count_is_fixed(rf):
    from partners import sections

    for i in range(20):
        factories.make_partner(f"P {i}", sector=Sector.values[i % 5])
    with CaptureQueriesContext(connection) as queries:
        section = sections.home(rf.get("/"))
    assert len(queries) == 2  # one grouped count, and the partner strip
    assert section["total"] == 20
    assert len(section["strip"]) == 20


def test_partner_page_carries_schema_org_organization(client):
    import json
    import re

    from tests.factories import make_partner

    partner = make_partner(
        "Harlow & District <Digital>", website="https://harlow.example.org/", slug="harlow-dd"
    )
    body = client.get(partner.get_absolute_url()).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Organization"
    assert data["name"] == "Harlow & District <Digital>"
    assert data["url"] == "https://harlow.example.org/"
    assert "<Digital>" not in match.group(1)
