"""The text filters' indexes (diz_portal/fts.py): the register's `q` and site search find
exactly the rows the plain `icontains` filters found, from an index, and the index follows
every write, bulk ones and table rebuilds included. The SQLite-only parts run only on
SQLite; PostgreSQL, which serves the same filters from pg_trgm and tsvector indexes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q

from assets.filters import SEARCH_FIELDS, TEXT_INDEX, AssetFilter
from assets.models import Asset
from diz_portal import fts, search
from diz_portal.filters import every_word
from tests.assets.factories import make_asset, make_assets

pytestmark = pytest.mark.django_db

# FTS5 is SQLite's: these run in the SQLite leg of CI, and are not collected on PostgreSQL.
sqlite_only = pytest.mark.sqlite_only


def by_scan(value, fields=SEARCH_FIELDS):
    """The filter as it was before the indexes: every word in one of the fields."""
    queryset = Asset.objects.all()
    for word in value.split()[:5]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return set(queryset.values_list("reference", flat=True))


def by_filter(value):
    found = AssetFilter({"q": value}, queryset=Asset.objects.all()).qs
    return set(found.values_list("reference", flat=True))


@pytest.fixture
def assets(partner_a):
    make_asset(reference="HAR-LC-0001", name="Edinburgh Way column", owner=partner_a)
    make_asset(
        reference="HAR-RF-0002",
        name="Civic Centre roof",
        address="The Water Gardens, Harlow",
        postcode="CM20 1WG",
        owner=partner_a,
    )
    make_asset(reference="EPP-DC-0003", name='Duct "chamber" 7', owner=partner_a)
    make_asset(reference="BET-LD-0004", name="Elsenham recreation ground", owner=partner_a)
    make_assets(5, owner=partner_a, name="Bulk column")


@pytest.mark.parametrize(
    "value",
    [
        "harlow",  # in the addresses
        "HARLOW column",  # any case; both words, in different fields
        "arlo",  # inside a word
        "cm20 1wg",  # the postcode, a word of three characters
        "LC-0001",
        "RF 1WG ar",  # a two-character word: filtered by icontains within the index's rows
        "column roof",  # no asset has both
        '"chamber"',  # FTS5 syntax is taken literally
        'chamber" OR x',
        "AND NOT *",
        "bulk column edinburgh way harlow extra",  # only the first five words count
        "zzzz",
    ],
)
def test_the_register_filter_finds_what_a_scan_finds(assets, value):
    assert by_filter(value) == by_scan(value)


def test_every_word_without_an_index_is_the_plain_filter(assets):
    found = every_word(Asset.objects.all(), "harlow roof", SEARCH_FIELDS)
    assert set(found.values_list("reference", flat=True)) == {"HAR-RF-0002"}


@sqlite_only
def test_the_register_filter_uses_the_index(assets):
    sql = str(AssetFilter({"q": "harlow ab"}, queryset=Asset.objects.all()).qs.query)
    assert "assets_asset_fts MATCH" in sql
    assert sql.count("LIKE") == 4  # "ab" only, in each of the four fields


@sqlite_only
def test_the_index_follows_updates_deletes_and_bulk_writes(assets, partner_a):
    asset = Asset.objects.get(reference="BET-LD-0004")
    asset.name = "Elsenham pavilion"
    asset.save()
    assert by_filter("pavilion") == {"BET-LD-0004"}
    assert by_filter("recreation") == set()
    Asset.objects.filter(reference="BET-LD-0004").update(address="1 Station Road")
    assert by_filter("station") == {"BET-LD-0004"}
    Asset.objects.filter(name="Bulk column").delete()
    assert by_filter("bulk") == set()
    # Writing a column the index does not hold leaves it alone (and still right).
    Asset.objects.update(notes="Checked.")
    assert by_filter("harlow") == by_scan("harlow")


@sqlite_only
def test_a_table_rebuild_that_drops_the_triggers_is_repaired_after_migrate(assets):
    """Django alters a SQLite table by copying it to a new one: the triggers go with the
    old one. After migrate, fts.ensure_all puts them back and rebuilds the index."""
    with connection.cursor() as cursor:
        for trigger in TEXT_INDEX.triggers():
            cursor.execute(f"DROP TRIGGER {trigger}")
    Asset.objects.filter(reference="BET-LD-0004").update(name="Renamed while unguarded")
    fts.ensure_all(using="default")
    assert by_filter("unguarded") == {"BET-LD-0004"}
    assert by_filter("recreation") == set()
    # Once repaired, a no-op.
    fts.ensure_all(using="default")
    assert by_filter("harlow") == by_scan("harlow")


@sqlite_only
def test_site_search_finds_inside_words_and_needs_every_word(partner_a):
    make_asset(reference="HAR-LC-0001", name="Edinburgh Way column", owner=partner_a)
    make_asset(
        reference="HAR-RF-0002",
        name="Civic Centre roof",
        asset_type="rooftop",
        address="The Water Gardens",
        owner=partner_a,
    )
    results, counts = search.search("dinburg column", AnonymousUser())
    assert [r.url for r in results] == ["/assets/HAR-LC-0001/"]
    assert counts == {"asset": 1}
    results, _ = search.search("civic EDINBURGH", AnonymousUser())
    assert results == []


@sqlite_only
@pytest.mark.parametrize("value", ["harlow", "column harlow", "bulk", "zzzz", "cm20 ar"])
def test_common_and_rare_words_find_the_same_rows(assets, monkeypatch, value):
    """A word in at least fts.COMMON rows is matched while SQLite walks the list in order
    (the `+` hint); a rarer one drives the query. Either way, the same rows."""
    rare = by_filter(value)
    monkeypatch.setattr(fts, "COMMON", 3)
    sql = str(AssetFilter({"q": value}, queryset=Asset.objects.all()).qs.query)
    assert ('+"assets_asset"."id" IN' in sql) == (value not in ("zzzz",))
    assert by_filter(value) == rare == by_scan(value)
