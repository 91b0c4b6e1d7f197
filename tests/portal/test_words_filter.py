"""The one "every word matches" text filter (diz_portal.filters.WordsFilter) that the partner,
project and asset lists share: each word must appear in one of the filter's fields, an empty
search filters nothing, and words past `max_words` are ignored."""

import django_filters
import pytest

from assets.filters import TEXT_INDEX, AssetFilter
from diz_portal.filters import WordsFilter
from partners.filters import PartnerFilter
from partners.models import Partner
from projects.filters import ProjectFilter
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


class TwoWordFilter(django_filters.FilterSet):
    q = WordsFilter(fields=["name", "short_description"], max_words=2)

    class Meta:
        model = Partner
        fields = ["q"]


@pytest.fixture
def partners(db):
    return {
        "harlow": make_partner("Harlow Council", short_description="Fibre for the town."),
        "epping": make_partner("Epping Forest", short_description="Fibre and masts."),
        "uttles": make_partner("Uttlesford", short_description="Rural masts."),
    }


def names(filterset):
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("name", flat=True))


def test_every_word_must_appear_in_one_of_the_fields(partners):
    # "fibre" is in two descriptions, "masts" in two; only Epping has both.
    assert names(TwoWordFilter({"q": "FIBRE masts"}, Partner.objects.all())) == {"Epping Forest"}
    # One word in the name and another in the description still matches.
    assert names(TwoWordFilter({"q": "harlow town"}, Partner.objects.all())) == {"Harlow Council"}


def test_an_empty_search_filters_nothing(partners):
    for value in ("", "   "):
        found = names(TwoWordFilter({"q": value}, Partner.objects.all()))
        assert found == {"Harlow Council", "Epping Forest", "Uttlesford"}


def test_words_past_the_limit_are_ignored(partners):
    # The third word matches nothing, but only two words are used.
    found = names(TwoWordFilter({"q": "fibre masts nowhere"}, Partner.objects.all()))
    assert found == {"Epping Forest"}


def test_the_three_lists_use_the_one_filter():
    partner_q = PartnerFilter.base_filters["q"]
    project_q = ProjectFilter.base_filters["q"]
    asset_q = AssetFilter.base_filters["q"]
    assert all(isinstance(f, WordsFilter) for f in (partner_q, project_q, asset_q))
    assert (partner_q.fields, partner_q.max_words, partner_q.fts) == (
        ["name", "short_description", "description"],
        10,
        None,
    )
    assert (project_q.fields, project_q.max_words) == (["title", "summary", "body"], 10)
    # The register's words come from its FTS5 index on SQLite, over exactly its fields.
    assert asset_q.fts is TEXT_INDEX
    assert tuple(asset_q.fields) == TEXT_INDEX.columns
    assert asset_q.max_words == 5
