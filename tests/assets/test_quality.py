"""Freshness and quality (issue 13, item 6): the public data-quality page, the weekly "assets due
for review" email and the dashboard's list of assets due."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from assets import quality
from assets.models import Asset, AssetReviewReminder
from diz_portal.models import OutboundEmail
from tests import factories
from tests.assets.factories import make_asset

pytestmark = pytest.mark.django_db

QUALITY = reverse("assets:quality")
LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 6, 10)  # a Wednesday


def at(day, hour=9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON))


@pytest.fixture
def dataset(partner_a, partner_b):
    """Alpha: 4 public assets (and a partners-only and a retired one, never counted);
    Beta: 1 public duct."""
    full = {
        "power_supply": Asset.PowerSupply.METERED_24H,
        "power_available": True,
        "structural_assessed_on": date(2025, 1, 1),
        "mounting_height_m": Decimal("6"),
        "planning_constraints": "none_known",
        "last_verified": date(2026, 1, 1),
    }
    make_asset(owner=partner_a, reference="ALP-LC-0001", **full)
    make_asset(
        owner=partner_a, reference="ALP-LC-0002", **{**full, "last_verified": date(2025, 1, 1)}
    )
    make_asset(
        owner=partner_a,
        reference="ALP-LC-0003",
        power_supply=Asset.PowerSupply.PART_NIGHT,
        planning_constraints="green_belt",
    )
    # Land: no structural assessment expected, so it is left out of that measure.
    make_asset(owner=partner_a, reference="ALP-LD-0004", asset_type=Asset.AssetType.LAND)
    make_asset(
        owner=partner_a, reference="ALP-LC-0005", visibility=Asset.Visibility.PARTNERS, **full
    )
    retired = make_asset(owner=partner_a, reference="ALP-LC-0006", **full)
    retired.retire()
    make_asset(
        owner=partner_b,
        reference="BET-DC-0001",
        asset_type=Asset.AssetType.DUCT_CHAMBER,
        duct_internal_diameter_mm=100,
        duct_fill_percent=20,
        last_verified=date(2026, 5, 1),
    )


def scores(owner_row):
    name, slug, total, owner_scores = owner_row
    return name, total, {s.measure.key: (s.done, s.of, s.percent) for s in owner_scores}


def test_quality_numbers_on_a_known_dataset(dataset):
    owners, (total, overall) = quality.by_owner(TODAY)
    assert [scores(row) for row in owners] == [
        (
            "Alpha District Council",
            4,
            {
                "power": (3, 4, 75),
                "structural": (2, 3, 67),
                "fitting": (2, 4, 50),
                "planning": (3, 4, 75),
                "verified": (1, 4, 25),
            },
        ),
        (
            "Beta Health Trust",
            1,
            {
                "power": (0, 1, 0),
                "structural": (0, 0, None),
                "fitting": (1, 1, 100),
                "planning": (0, 1, 0),
                "verified": (1, 1, 100),
            },
        ),
    ]
    assert total == 5
    assert [(s.done, s.of) for s in overall] == [(3, 5), (2, 3), (3, 5), (3, 5), (2, 5)]
    assert [quality.rating(p)[1] for p in (100, 80, 79, 50, 49, 0)] == [
        "Good", "Good", "Fair", "Fair", "Poor", "Poor"
    ]  # fmt: skip
    assert quality.rating(None) is None


def test_the_quality_page_shows_numbers_and_words_not_colour_alone(client, dataset):
    with at(TODAY):
        response = client.get(QUALITY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "80% or more" in page and "50% to 79%" in page and "under 50%" in page
    alpha = page[page.index("Alpha District Council") :]
    alpha = alpha[: alpha.index("</tr>")]
    cells = re.findall(r'data-label="([^"]+)">(.*?)</td>', alpha)
    assert cells[1] == (
        "Power supply kind",
        '3 of 4 (75%) <strong class="govuk-tag govuk-tag--yellow">Fair</strong>',
    )
    assert cells[4] == (
        "Planning constraints",
        '3 of 4 (75%) <strong class="govuk-tag govuk-tag--yellow">Fair</strong>',
    )
    assert cells[5][1] == '1 of 4 (25%) <strong class="govuk-tag govuk-tag--red">Poor</strong>'
    beta = page[page.index("Beta Health Trust") :]
    beta = beta[: beta.index("</tr>")]
    assert "Does not apply" in beta  # no structures
    assert '1 of 1 (100%) <strong class="govuk-tag govuk-tag--green">Good</strong>' in beta
    assert "Checked on or after 10 June 2025" in page
    assert "All owners" in page


def test_the_quality_page_counts_public_assets_only(client, partner_a):
    make_asset(owner=partner_a, reference="ALP-LC-0001", visibility=Asset.Visibility.PARTNERS)
    page = client.get(QUALITY).content.decode()
    assert "Alpha District Council" not in page
    assert "no public assets" in page


def test_the_quality_page_runs_one_aggregate_query(
    client, partner_a, partner_b, django_assert_max_num_queries
):
    for n in range(3):
        make_asset(owner=partner_a, reference=f"ALP-LC-{n:04d}")
    # The content version and the one aggregate (GROUP BY owner); the page cache is off here.
    with django_assert_max_num_queries(2) as captured:
        client.get(QUALITY)
    grouped = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and "COUNT" in grouped[0]
    for n in range(3, 60):
        make_asset(owner=partner_b, reference=f"BET-LC-{n:04d}")
    with django_assert_max_num_queries(2):
        client.get(QUALITY)


# --- the weekly review reminders --------------------------------------------------------------


@pytest.fixture
def due(partner_a, partner_b):
    factories.make_member(partner_a, "second@alpha.example.org")
    make_asset(owner=partner_a, reference="ALP-LC-0001", review_by=date(2026, 6, 1))  # overdue
    make_asset(owner=partner_a, reference="ALP-LC-0002", review_by=date(2026, 7, 5))  # soon
    make_asset(owner=partner_a, reference="ALP-LC-0003", review_by=date(2026, 9, 1))  # not yet
    make_asset(owner=partner_b, reference="BET-LC-0001", review_by=date(2026, 6, 20))
    retired = make_asset(owner=partner_a, reference="ALP-LC-0009", review_by=date(2026, 1, 1))
    retired.retire()


def review_emails():
    return list(OutboundEmail.objects.filter(kind="asset-review").order_by("pk"))


def test_the_weekly_job_emails_each_partners_members_once_a_week(member, outsider, due):
    with at(TODAY):
        call_command("assets_review_reminders")
    emails = review_emails()
    assert len(emails) == 2
    alpha, beta = emails
    assert sorted(alpha.to) == ["member@alpha.example.org", "second@alpha.example.org"]
    assert alpha.subject == "2 assets of Alpha District Council due for review"
    assert "ALP-LC-0001" in alpha.body and "(overdue)" in alpha.body
    assert "ALP-LC-0002" in alpha.body and "review by 5 July 2026" in alpha.body
    assert "ALP-LC-0003" not in alpha.body and "ALP-LC-0009" not in alpha.body
    assert "/dashboard/assets/#review" in alpha.body
    assert beta.to == ["member@beta.example.org"] and "BET-LC-0001" in beta.body
    # Again the same day, and later the same week: nothing more.
    with at(TODAY, hour=15):
        call_command("assets_review_reminders")
    with at(date(2026, 6, 14), hour=23):  # Sunday
        call_command("assets_review_reminders")
    assert len(review_emails()) == 2
    assert AssetReviewReminder.objects.count() == 2
    # Next week: one each again.
    with at(date(2026, 6, 15)):
        call_command("assets_review_reminders")
    assert len(review_emails()) == 4
    assert set(AssetReviewReminder.objects.values_list("week", flat=True)) == {
        date(2026, 6, 8),
        date(2026, 6, 15),
    }


def test_partners_with_nothing_due_get_no_email(member, partner_a):
    make_asset(owner=partner_a, reference="ALP-LC-0001", review_by=date(2027, 6, 1))
    with at(TODAY):
        call_command("assets_review_reminders")
    assert review_emails() == []
    assert not AssetReviewReminder.objects.exists()


def test_the_dashboard_lists_assets_due_for_review(client, member, due):
    client.force_login(member)
    with at(TODAY):
        page = client.get(reverse("dashboard:assets-list")).content.decode()
    section = page[page.index('id="review"') : page.index("</section>", page.index('id="review"'))]
    assert section.index("ALP-LC-0001") < section.index("ALP-LC-0002")  # soonest first
    assert "Overdue" in section and "review by 1 June 2026" in section
    assert "ALP-LC-0003" not in section and "BET-LC-0001" not in section
    assert "ALP-LC-0009" not in section  # retired


def test_the_asset_page_says_when_a_review_is_overdue(client, partner_a):
    asset = make_asset(owner=partner_a, review_by=date(2026, 6, 1))
    with at(TODAY):
        page = client.get(asset.get_absolute_url()).content.decode()
    assert "1 June 2026" in page and "Review overdue" in page
