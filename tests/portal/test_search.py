import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from assets.models import Asset
from diz_portal import demo, search
from diz_portal.models import Page, SearchEntry
from tests.assets.factories import make_asset
from tests.factories import make_member, make_partner, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    demo.load()
    make_partner("Harlow Digital Skills College", short_description="Fibre skills for Harlow.")


def test_finds_pages_and_partners_grouped_by_type(client, content):
    response = client.get(reverse("search"), {"q": "Harlow"})
    assertContains(response, '<h2 class="govuk-heading-m" id="results-partner">', html=False)
    assertContains(response, "<mark>Harlow</mark>", count=None, html=False)
    assertContains(response, "Digital Skills College")


def test_unpublished_things_are_not_found(client, content):
    make_partner("Secretive Widgets Ltd", published=False)
    Page.objects.filter(slug="cookies").update(published=False)
    Page.objects.get(slug="background").save()  # a save re-indexes
    assertNotContains(client.get(reverse("search"), {"q": "Secretive"}), "Secretive Widgets")


def test_an_edit_updates_the_index(client, content):
    page = Page.objects.get(slug="lessons-learned")
    page.body = "Partners liked the zeppelin."
    page.save()
    assertContains(client.get(reverse("search"), {"q": "zeppelin"}), "Lessons learned")
    page.delete()
    assertNotContains(client.get(reverse("search"), {"q": "zeppelin"}), "Lessons learned")


def test_restricted_entries_reach_partner_users_only(client, content, partner_a):
    SearchEntry.objects.create(
        key="test:1", kind="asset", title="Hidden vault", url="/assets/X/", restricted=True
    )
    search.refresh_vectors(SearchEntry.objects.all())
    assertNotContains(client.get(reverse("search"), {"q": "vault"}), "Hidden vault")
    client.force_login(make_member(partner_a))
    response = client.get(reverse("search"), {"q": "vault"})
    assertContains(response, "Hidden")
    assertContains(response, "Partners only")


@pytest.mark.parametrize(
    "q",
    ["", "   ", "'", '"unclosed', "a & b | !c", "<script>alert(1)</script>", "-", "*:*", "ü日本"],
)
def test_odd_queries_are_answered_calmly(client, content, q):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    assertNotContains(response, "<script>alert(1)</script>")


def test_very_long_query_is_refused_clearly(client, content):
    response = client.get(reverse("search"), {"q": "fibre " * 100})
    assertContains(response, "characters or fewer", status_code=400)


def test_snippets_escape_html(client):
    SearchEntry.objects.create(
        key="test:2", kind="page", title="Angle <b>brackets</b>", summary="x <i>marks</i>", url="/"
    )
    search.refresh_vectors(SearchEntry.objects.all())
    response = client.get(reverse("search"), {"q": "brackets"})
    assertNotContains(response, "<b>brackets</b>")
    assertContains(response, "&lt;b&gt;")


def test_search_queries_do_not_grow(client, content, django_assert_max_num_queries):
    for n in range(30):
        make_partner(f"Harlow partner {n}")
    # search: results + counts per kind
    with django_assert_max_num_queries(2):
        client.get(reverse("search"), {"q": "Harlow"})


def test_rebuild_restores_the_index(content):
    before = SearchEntry.objects.count()
    SearchEntry.objects.all().delete()
    search.rebuild()
    assert SearchEntry.objects.count() == before > 0


@pytest.fixture
def kestrel_assets(partner_a):
    make_asset(reference="ALP-LC-0001", name="Kestrel column", owner=partner_a)
    make_asset(
        reference="ALP-LC-0002",
        name="Kestrel vault",
        owner=partner_a,
        visibility=Asset.Visibility.PARTNERS,
    )


@pytest.mark.parametrize("persona", ["anonymous", "no_membership", "member", "outsider", "staff"])
def test_search_shows_each_visitor_exactly_the_assets_the_register_shows_them(
    client, kestrel_assets, member, outsider, manager, persona
):
    """Search visibility comes from the register's own rule (Asset.objects.visible_to), so
    the two cannot drift apart: same assets for every kind of visitor."""
    user = {
        "anonymous": None,
        "no_membership": make_user("someone@example.org"),
        "member": member,
        "outsider": outsider,  # a member of partner B; the assets are partner A's
        "staff": manager,
    }[persona]
    if user is not None:
        client.force_login(user)
    register = client.get(reverse("assets:list"), {"q": "Kestrel"})
    found = client.get(reverse("search"), {"q": "Kestrel"})
    registered = Asset.objects.visible_to(register.wsgi_request.user).filter(
        name__contains="Kestrel"
    )
    assert registered.exists()
    for asset in Asset.objects.filter(name__contains="Kestrel"):
        shown = asset in registered
        assert (asset.name in register.content.decode()) == shown, (persona, asset.name)
        assert (asset.get_absolute_url() in found.content.decode()) == shown, (persona, asset.name)
    if persona in ("anonymous", "no_membership"):
        assertNotContains(found, "Kestrel vault")
