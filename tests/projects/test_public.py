import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from diz_portal import sections
from projects import sections as project_sections
from projects.models import FundingLine, Project
from tests import factories
from tests.projects.factories import add_funding, add_outcome, make_project, make_update

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


def titles(response):
    return [project.title for project in response.context["page"].object_list]


@pytest.fixture
def portfolio(partner_a, partner_b):
    """Three published projects and one unpublished, spread over partners and districts."""
    fibre = make_project(
        "Ultrafast GPs",
        lead=partner_a,
        status=Project.Status.COMPLETED,
        themes=["connectivity", "health"],
        districts=["harlow", "uttlesford"],
        start_date=datetime.date(2019, 3, 1),
        body="Full fibre to **GP surgeries**.",
    )
    inclusion = make_project(
        "Living Smart at Home",
        lead=partner_b,
        partners=[partner_a],
        status=Project.Status.ACTIVE,
        themes=["digital-inclusion"],
        districts=["epping-forest"],
        start_date=datetime.date(2020, 1, 1),
        summary="Demonstration smart homes.",
    )
    seminars = make_project(
        "Smart Place Seminar Series",
        lead=partner_b,
        status=Project.Status.ON_HOLD,
        themes=["smart-places"],
        districts=["broxbourne"],
    )
    secret = make_project("Secret plan", lead=partner_a, published=False)
    add_funding(fibre, "1700000", FundingLine.Status.RECEIVED)
    add_funding(fibre, "400000", FundingLine.Status.BID)
    add_funding(inclusion, "70000", FundingLine.Status.AWARDED)
    add_funding(seminars, "5000.50", FundingLine.Status.AWARDED)
    add_funding(secret, "999999", FundingLine.Status.AWARDED)
    return {"fibre": fibre, "inclusion": inclusion, "seminars": seminars, "secret": secret}


def test_list_shows_published_projects_newest_first_with_total_funding(client, portfolio):
    response = client.get(LIST)
    assert response.status_code == 200
    # Newest start date first; projects without a start date last.
    assert titles(response) == [
        "Living Smart at Home",
        "Ultrafast GPs",
        "Smart Place Seminar Series",
    ]
    assertNotContains(response, "Secret plan")
    # Awarded and received lines of published projects; bids and unpublished projects excluded.
    assert response.context["funding_total"] == "£1,775,000.50"
    assertContains(response, "£1,775,000.50")


def test_list_sorts_by_title(client, portfolio):
    response = client.get(LIST, {"sort": "title"})
    assert titles(response) == [
        "Living Smart at Home",
        "Smart Place Seminar Series",
        "Ultrafast GPs",
    ]


@pytest.mark.parametrize(
    ("params", "expected", "total"),
    [
        ({"status": "completed"}, ["Ultrafast GPs"], "£1,700,000"),
        ({"status": "on-hold"}, ["Smart Place Seminar Series"], "£5,000.50"),
        ({"theme": "health"}, ["Ultrafast GPs"], "£1,700,000"),
        ({"theme": "skills"}, [], "£0"),
        ({"district": "epping-forest"}, ["Living Smart at Home"], "£70,000"),
        # Partner A leads Ultrafast GPs and takes part in Living Smart at Home.
        ({"partner": "alpha"}, ["Living Smart at Home", "Ultrafast GPs"], "£1,770,000"),
        ({"partner": "beta"}, ["Living Smart at Home", "Smart Place Seminar Series"], "£75,000.50"),
        ({"q": "smart"}, ["Living Smart at Home", "Smart Place Seminar Series"], "£75,000.50"),
        ({"q": "surgeries"}, ["Ultrafast GPs"], "£1,700,000"),  # in the body
        ({"q": "demonstration homes"}, ["Living Smart at Home"], "£70,000"),  # every word
        ({"q": "nothing like this"}, [], "£0"),
        (
            {"partner": "alpha", "district": "harlow", "theme": "connectivity"},
            ["Ultrafast GPs"],
            "£1,700,000",
        ),
        (
            {"status": "", "theme": "", "partner": "", "district": "", "q": ""},
            ["Living Smart at Home", "Ultrafast GPs", "Smart Place Seminar Series"],
            "£1,775,000.50",
        ),
    ],
)
def test_filters_and_their_funding_totals(client, portfolio, params, expected, total):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert titles(response) == expected
    assert response.context["funding_total"] == total


def test_unpublished_partner_is_not_offered_as_a_filter(client, portfolio, partner_b):
    partner_b.published = False
    partner_b.save()
    response = client.get(LIST, {"partner": "beta"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"theme": "no-such-theme"}, "theme"),
        ({"theme": "<script>"}, "theme"),
        ({"partner": "nobody"}, "partner"),
        ({"partner": "../../etc"}, "partner"),
        ({"district": "london"}, "district"),
        ({"district": "1 OR 1=1"}, "district"),
        ({"sort": "price"}, "sort"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_invalid_filter_values_are_explained_with_a_400(client, portfolio, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert field in response.context["filter"].form.errors
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, "We could not apply those filters", status_code=400)
    assertNotContains(response, "Ultrafast GPs", status_code=400)


@pytest.mark.parametrize("params", [{"partner": "a\x00b"}, {"q": "nul\x00byte"}])
def test_nul_in_a_filter_is_refused_before_the_filter_runs(client, portfolio, params):
    # diz_portal.middleware answers every NUL with the site's 400 page (PostgreSQL cannot
    # even compare such a string), so the filter form never sees it.
    response = client.get(LIST, params)
    assertContains(response, "Sorry, we could not understand that request", status_code=400)
    assertNotContains(response, "Ultrafast GPs", status_code=400)


def test_bad_page_numbers_fall_back_to_a_real_page(client, partner_a):
    for n in range(25):
        make_project(f"Project {n:02d}", lead=partner_a)
    assert len(titles(client.get(LIST, {"page": "2"}))) == 5
    assert client.get(LIST, {"page": "abc"}).context["page"].number == 1
    assert client.get(LIST, {"page": "999"}).context["page"].number == 2


def test_pagination_keeps_the_filters(client, partner_a):
    for n in range(25):
        make_project(f"Project {n:02d}", lead=partner_a, status=Project.Status.ACTIVE)
    response = client.get(LIST, {"status": "active"})
    assertContains(response, "?status=active&amp;page=2")
    # The one GOV.UK pagination partial, labelled for this list.
    assertContains(response, '<nav class="govuk-pagination govuk-pagination--block"', count=1)
    assertContains(response, 'aria-label="Pages of projects"')
    assertContains(response, "Page 1 of 2")


def test_list_uses_gov_uk_components(client, portfolio):
    response = client.get(LIST, {"partner": "alpha"})
    # Filters in a one-third sidebar, results in two-thirds.
    assertContains(response, '<div class="govuk-grid-column-one-third">')
    assertContains(response, '<div class="govuk-grid-column-two-thirds">')
    assertContains(
        response,
        '<button type="submit" class="govuk-button" data-module="govuk-button">'
        "Apply filters</button>",
        html=True,
    )
    assertContains(response, f'<a class="govuk-link" href="{LIST}">Clear filters</a>', html=True)
    # Key figures wrap onto their own rows on a phone; the total is one figure.
    assertContains(response, '<dl class="diz-key-figures">')
    assertContains(response, '<dd data-testid="funding-total">£1,770,000</dd>', html=True)
    assertContains(response, '<li class="diz-card">', count=2)
    assertContains(response, '<strong class="govuk-tag govuk-tag--teal">Active</strong>', html=True)


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        (Project.Status.PROPOSED, "blue"),
        (Project.Status.ACTIVE, "teal"),
        (Project.Status.COMPLETED, "green"),
        (Project.Status.ON_HOLD, "yellow"),
    ],
)
def test_status_tag_colour_matches_its_words(client, partner_a, status, colour):
    project = make_project("Tagged", lead=partner_a, status=status)
    tag = f'<strong class="govuk-tag govuk-tag--{colour}">{project.get_status_display()}</strong>'
    assertContains(client.get(LIST), tag, html=True)
    assertContains(client.get(project.get_absolute_url()), tag, html=True)


def test_list_advertises_the_atom_feed(client):
    response = client.get(LIST)
    assertContains(
        response,
        '<link rel="alternate" type="application/atom+xml" title="DIZ project updates" '
        f'href="{reverse("projects:feed")}">',
    )


@pytest.mark.parametrize("n", [5, 200])
def test_list_queries_do_not_grow(client, django_assert_num_queries, partner_a, partner_b, n):
    for i in range(n):
        project = make_project(
            lead=partner_a if i % 2 else partner_b,
            partners=[partner_b],
            themes=["health", "skills"],
            districts=["harlow"],
        )
        add_funding(project, "100")
    # session-free anonymous request: count, page rows (+lead partner), their themes,
    # funding total, then the theme, partner and district choices of the filter form
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert response.status_code == 200
    # a filtered request also looks up the chosen partner's slug
    with django_assert_num_queries(8):
        response = client.get(LIST, {"partner": "alpha", "q": "project"})
    assert response.status_code == 200


def test_detail_shows_everything_about_a_project(client, portfolio, partner_a, partner_b):
    fibre = portfolio["fibre"]
    fibre.partners.set([partner_b])
    fibre.end_date = datetime.date(2021, 12, 31)
    fibre.save()
    add_outcome(fibre, "GP sites connected", "74")
    make_update(fibre, "Bid succeeds", date=datetime.date(2019, 3, 15), body="We *won*.")
    make_update(fibre, "Draft never shown", published=False)
    response = client.get(fibre.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, '<h1 class="govuk-heading-xl">Ultrafast GPs</h1>', html=True)
    assertContains(
        response, '<strong class="govuk-tag govuk-tag--green">Completed</strong>', html=True
    )
    assertContains(response, "Full fibre to <strong>GP surgeries</strong>.")
    for partner in (partner_a, partner_b):
        assertContains(
            response,
            f'<a class="govuk-link" href="{partner.get_absolute_url()}">{partner.name}</a>',
            html=True,
        )
    # The facts are a GOV.UK summary list.
    for key in ("Lead partner", "Partner organisations", "Themes", "Districts", "Dates"):
        assertContains(response, f'<dt class="govuk-summary-list__key">{key}</dt>', html=True)
    assertContains(response, "Harlow")
    assertContains(response, "Uttlesford")
    assertContains(response, "1 March 2019")
    assertContains(response, "31 December 2021")
    assertContains(response, "<dt>GP sites connected</dt><dd>74</dd>", html=True)
    # Funding rows stack on a phone: each cell names its column.
    assertContains(response, '<table class="govuk-table diz-table-stack">')
    for amount in ("£1,700,000", "£400,000"):
        assertContains(
            response,
            '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Amount">'
            f"{amount}</td>",
            html=True,
        )
    # Secured funding excludes the bid
    assertContains(response, "Secured (awarded or received)")
    assert response.context["funding_total"] == "£1,700,000"
    assertContains(response, "Bid succeeds")
    assertContains(response, "15 March 2019")
    assertContains(response, "We <em>won</em>.")
    assertNotContains(response, "Draft never shown")
    feed = reverse("projects:project-feed", kwargs={"slug": fibre.slug})
    assertContains(
        response, f'type="application/atom+xml" title="Ultrafast GPs: updates" href="{feed}"'
    )
    assertContains(response, f'href="{reverse("projects:feed")}"')


def test_detail_does_not_link_unpublished_partners(client, portfolio, partner_a):
    partner_a.published = False
    partner_a.save()
    response = client.get(portfolio["fibre"].get_absolute_url())
    assertContains(response, partner_a.name)
    assertNotContains(response, f'href="{partner_a.get_absolute_url()}"')


def test_markdown_in_the_body_is_sanitised(client, partner_a):
    project = make_project(lead=partner_a, body="<script>alert(1)</script>[x](javascript:alert(1))")
    response = client.get(project.get_absolute_url())
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "javascript:")


@pytest.mark.parametrize("slug", ["secret-plan", "no-such-project"])
def test_unpublished_or_missing_projects_are_404(client, portfolio, slug):
    portfolio["secret"].slug = "secret-plan"
    portfolio["secret"].save()
    assert client.get(reverse("projects:detail", kwargs={"slug": slug})).status_code == 404


def test_malformed_slug_is_404(client):
    assert client.get("/projects/not a slug!/").status_code == 404
    # A NUL anywhere in a request is refused as malformed (diz_portal.middleware).
    assert client.get("/projects/%00/").status_code == 400


def test_list_and_detail_refuse_writes(client, portfolio):
    assert client.post(LIST).status_code == 405
    assert client.post(portfolio["fibre"].get_absolute_url()).status_code == 405


@pytest.mark.parametrize("n", [5, 200])
def test_detail_queries_do_not_grow(client, django_assert_num_queries, partner_a, n):
    project = make_project(lead=partner_a, themes=["health"], districts=["harlow"])
    for i in range(n):
        project.partners.add(factories.make_partner())
        add_funding(project, "10")
        add_outcome(project, f"Figure {i}", str(i), i)
        make_update(project)
    project.districts.set(factories.all_districts())
    # Other apps add their own related items here with a fixed number of queries each.
    with CaptureQueriesContext(connection) as hooks:
        sections.collect("project_detail", RequestFactory().get("/"), project)
    # project + lead partner, themes, districts, partners, funding lines, outcomes, published
    # updates, then whatever the other apps' sections need
    with django_assert_num_queries(7 + len(hooks)):
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["project"].published_updates) == n


def test_home_section_shows_featured_published_projects(
    client, partner_a, django_assert_num_queries
):
    make_project("Featured fibre", lead=partner_a, featured=True, themes=["connectivity"])
    make_project("Featured but hidden", lead=partner_a, featured=True, published=False)
    make_project("Not featured", lead=partner_a)
    request = RequestFactory().get("/")
    # featured projects with their lead partner, and their themes
    with django_assert_num_queries(2):
        section = project_sections.home(request)
    assert [p.title for p in section["projects"]] == ["Featured fibre"]
    response = client.get(reverse("home"))
    assertContains(response, "Featured projects")
    assertContains(response, "Featured fibre")
    assertNotContains(response, "Featured but hidden")
    assertNotContains(response, "Not featured")


def test_home_section_is_absent_without_featured_projects(partner_a):
    make_project(lead=partner_a)
    assert project_sections.home(RequestFactory().get("/")) is None


def test_partner_section_lists_projects_led_or_joined(
    client, portfolio, partner_a, django_assert_num_queries
):
    request = RequestFactory().get("/")
    # published projects the partner leads or joins, with their lead partners
    with django_assert_num_queries(1):
        section = project_sections.partner_detail(request, partner_a)
    assert [p.title for p in section["projects"]] == ["Living Smart at Home", "Ultrafast GPs"]
    response = client.get(partner_a.get_absolute_url())
    assertContains(response, "Ultrafast GPs")
    assertContains(response, "(lead partner)")
    assertContains(response, "Living Smart at Home")
    assertNotContains(response, "Secret plan")


def test_partner_section_is_absent_for_a_partner_without_projects(db):
    assert (
        project_sections.partner_detail(RequestFactory().get("/"), factories.make_partner()) is None
    )
