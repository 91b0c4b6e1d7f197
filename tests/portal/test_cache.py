import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diz_portal import cache, demo
from diz_portal.models import ContentVersion, Page, SearchEntry, SiteContent
from events.models import Registration
from projects.models import Project
from tests.assets.factories import make_asset, make_enquiry
from tests.events.factories import make_event, register
from tests.factories import make_member, make_partner
from tests.portal.isolated import run_django
from tests.projects.factories import make_project, theme

# Real commits: cached pages are invalidated when a transaction commits, which the usual
# per-test transaction (rolled back, never committed) would never do.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    demo.load()


def test_anonymous_pages_are_cached(client, page_cache, django_assert_num_queries, clock):
    first = client.get(reverse("home"))
    assert first["X-Page-Cache"] == "miss"
    # A hit within the second costs no query at all: the version is held by the process.
    with django_assert_num_queries(0):
        second = client.get(reverse("home"))
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # After it, one: the version, read again.
    clock.advance(1.0)
    with django_assert_num_queries(1):
        assert client.get(reverse("home"))["X-Page-Cache"] == "hit"


class Clock:
    """time.monotonic as diz_portal.cache sees it, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(cache.time, "monotonic", clock)
    cache.forget_version()
    return clock


def another_server_edits(title):
    """A change committed through another app server: the row and the version move, but
    this process hears nothing of it (no bump here)."""
    Page.objects.filter(slug="about").update(title=title)
    ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)


def test_an_edit_on_another_server_shows_here_within_one_second(client, page_cache, clock):
    url = reverse("page", args=["about"])
    client.get(url)
    another_server_edits("About the zone, edited elsewhere")
    # Within the second this process still serves what it had...
    clock.advance(0.99)
    stale = client.get(url)
    assert stale["X-Page-Cache"] == "hit"
    assert b"edited elsewhere" not in stale.content
    # ...and from one second after its last look at the version, the edit.
    clock.advance(0.01)
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert b"About the zone, edited elsewhere" in fresh.content


def test_the_second_counts_from_before_the_version_was_read(client, page_cache, clock):
    """A commit that lands while this process is reading the version is at most one second
    old when the process looks again: the clock is read before the query, not after."""
    url = reverse("page", args=["about"])
    real_query = cache.ContentVersion.objects.filter

    def slow_read(*args, **kwargs):
        clock.advance(0.5)  # the query takes half a second; the edit commits meanwhile
        return real_query(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache.ContentVersion.objects, "filter", slow_read)
        client.get(url)
    another_server_edits("About the zone, edited meanwhile")
    clock.advance(0.5)  # one second after the read began
    assert b"edited meanwhile" in client.get(url).content


def test_an_edit_here_shows_on_the_next_request_whatever_the_clock(client, page_cache, clock):
    url = reverse("page", args=["about"])
    client.get(url)
    page = Page.objects.get(slug="about")
    page.title = "About the zone, edited here"
    page.save()
    # The clock has not moved: this process's own commit dropped its copy of the version.
    assert b"edited here" in client.get(url).content


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
        "pages = type(caches['pages']).__name__\n"
        "print(json.dumps({'backend': backend, 'pages': pages, 'value': cache.get(key)}))\n"
        "cache.delete(key)",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result == {"backend": "RedisCache", "pages": "RedisCache", "value": "shared"}


def version():
    return ContentVersion.objects.get(pk=1).value if ContentVersion.objects.exists() else 0


def version_updates(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("UPDATE") and "diz_portal_contentversion" in q["sql"]
    ]


def test_many_saves_in_one_transaction_update_the_version_row_once():
    before = version()
    # The transaction commits (and its on-commit callbacks run) inside the capture.
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        for n in range(20):
            Page.objects.create(title=f"Page {n}", slug=f"page-{n}", body="Text.")
        cache.bump()  # as a bulk import does after its set-based write
        # Nothing is bumped before the commit: concurrent writers never wait on the row.
        assert not version_updates(ctx.captured_queries)
    # one UPDATE, after the COMMIT
    assert len(version_updates(ctx.captured_queries)) == 1
    assert version() == before + 1


def test_a_rollback_bumps_nothing():
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Page.objects.create(title="Draft", slug="draft", body="Text.")
        raise RuntimeError("the import failed")
    assert version() == before


def test_a_rolled_back_savepoint_does_not_swallow_a_later_change():
    before = version()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Page.objects.create(title="Draft", slug="draft", body="Text.")
                raise RuntimeError
        except RuntimeError:
            pass
        # The bump registered inside the savepoint was dropped with it; this change needs one.
        Page.objects.create(title="Kept", slug="kept", body="Text.")
    assert version() == before + 1


def test_a_rolled_back_savepoint_alone_bumps_nothing():
    before = version()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Page.objects.create(title="Draft", slug="draft", body="Text.")
                raise RuntimeError
        except RuntimeError:
            pass
    assert version() == before


def test_outside_a_transaction_a_change_bumps_at_once():
    before = version()
    Page.objects.create(title="Now", slug="now", body="Text.")
    assert version() == before + 1


def test_private_records_do_not_bump(partner_a):
    asset = make_asset(owner=partner_a)
    before = version()
    enquiry = make_enquiry(asset)
    enquiry.notes.create(note="Called back.")
    SearchEntry.objects.create(key="test:1", kind="page", title="Entry", url="/x/")
    assert version() == before


def test_a_registration_bumps_because_event_lists_show_places_left():
    event = make_event(capacity=10)
    before = version()
    with transaction.atomic():
        register(event)
        register(event)
    assert Registration.objects.count() == 2
    assert version() == before + 1


def test_pages_that_use_a_csrf_token_are_never_cached(client, page_cache, partner_a):
    """A cached form would hand every visitor the first visitor's CSRF token."""
    asset = make_asset(owner=partner_a)
    event = make_event()
    basket = f"{reverse('assets:basket')}?asset={asset.reference}"
    for url in (basket, event.get_absolute_url()):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert "csrfmiddlewaretoken" in response.content.decode()
            assert "X-Page-Cache" not in response, url
        # A visitor who already holds a CSRF cookie still gets the form live.
        assert "csrftoken" in client.cookies
        assert "X-Page-Cache" not in client.get(url)


def test_the_asset_detail_page_is_cached_and_its_enquiry_form_is_not(client, page_cache, partner_a):
    asset = make_asset(owner=partner_a)
    client.get(asset.get_absolute_url())
    response = client.get(asset.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in client.cookies
    basket = f"{reverse('assets:basket')}?asset={asset.reference}"
    assert f'href="{basket}"' in response.content.decode()
    assert "X-Page-Cache" not in client.get(basket)


def test_a_response_that_sets_a_cookie_is_never_cached(rf, settings):
    settings.PAGE_CACHE_SECONDS = 300

    def view(request):
        from django.http import HttpResponse
        from django.middleware.csrf import get_token

        response = HttpResponse(f"<p>{get_token(request)}</p>", content_type="text/html")
        response.set_cookie("csrftoken", "x")
        return response

    middleware = cache.AnonymousPageCacheMiddleware(view)
    first = middleware(rf.get("/somewhere/"))
    second = middleware(rf.get("/somewhere/"))
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert first.content != second.content  # two visitors, two tokens


def test_adding_a_partner_to_a_project_refreshes_its_cached_page(client, page_cache):
    project = make_project("Fibre to the Library")
    helper = make_partner("Gamma Broadband Cooperative", slug="gamma")
    client.get(project.get_absolute_url())
    assert client.get(project.get_absolute_url())["X-Page-Cache"] == "hit"
    project.partners.add(helper)  # a many-to-many change only: no save of the project
    response = client.get(project.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Gamma Broadband Cooperative" in response.content.decode()


def test_removing_a_theme_refreshes_the_cached_project_list(client, page_cache):
    project = make_project("Smart Street Lights", themes=("health",))
    url = reverse("projects:list") + "?theme=health"
    assert "Smart Street Lights" in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    project.themes.remove(theme("health"))
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Smart Street Lights" not in response.content.decode()


def test_pages_live_in_their_own_cache_and_rate_limits_in_the_shared_one(settings):
    """Without Redis: pages in fast per-process memory, rate limits in the database, which
    every gunicorn worker reads."""
    from django.core.cache import caches

    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set")
    assert type(caches["pages"]).__name__ == "LocMemCache"
    assert type(caches["default"]).__name__ == "DatabaseCache"
    assert settings.CACHES["default"]["LOCATION"] == "diz_cache"


@pytest.mark.parametrize(
    ("label", "public"),
    [
        ("diz_portal.page", True),
        ("diz_portal.sitecontent", True),
        ("partners.partner", True),
        ("partners.district", True),
        ("projects.project", True),
        ("projects.theme", True),
        ("assets.asset", True),
        ("events.event", True),
        ("events.registration", True),  # event lists show the places left
        ("diz_portal.searchentry", False),
        ("diz_portal.outboundemail", False),
        ("diz_portal.contentversion", False),
        ("partners.membership", False),
        ("partners.invitation", False),
        ("assets.enquiry", False),
        ("assets.enquirynote", False),
        ("assets.assetimport", False),
        ("assets.historicalasset", False),  # history rows are written beside the real ones
        ("django_tasks_database.dbtaskresult", False),  # the task queue
        ("sessions.session", False),
    ],
)
def test_which_models_change_public_pages(label, public):
    assert cache.changes_public_pages(apps.get_model(label)) is public


def test_a_many_to_many_through_table_changes_public_pages():
    assert cache.changes_public_pages(Project.partners.through)


@pytest.mark.django_db
def test_deep_pages_read_from_a_cached_anchor_give_the_same_rows(page_cache, monkeypatch):
    """A deep page steps over at most ANCHOR_STRIDE index entries from a cached anchor key;
    its rows are exactly those of a plain OFFSET, filtered or not, and on the last page."""
    from assets.models import Asset

    monkeypatch.setattr(cache, "ANCHOR_STRIDE", 4)
    owner = make_partner("Harlow Council")
    for number in range(23):
        make_asset(owner=owner, reference=f"HAR-{number:03d}", name=f"Column {number}")
    everything = Asset.objects.order_by("reference")
    for queryset in (everything, everything.filter(name__contains="1")):
        paginator = cache.DeferredJoinPaginator(
            queryset, 3, key="reference", rows=Asset.objects.all()
        )
        expected = list(queryset.values_list("reference", flat=True))
        for number in paginator.page_range:
            page = [asset.reference for asset in paginator.page(number)]
            assert page == expected[(number - 1) * 3 : number * 3]
    with CaptureQueriesContext(connection) as deep:
        cache.DeferredJoinPaginator(everything, 3, key="reference", rows=everything).page(6)
    # The anchor is cached now: the deep page's key query starts from it.
    assert any('"reference" >= ' in query["sql"] for query in deep.captured_queries)
