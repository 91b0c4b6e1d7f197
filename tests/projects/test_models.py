import datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import FundingLine, Project, ProjectUpdate, Theme, format_gbp
from tests import factories
from tests.projects.factories import add_funding, make_project, make_update

pytestmark = pytest.mark.django_db


def test_end_date_before_start_is_refused_by_the_database():
    project = make_project()
    project.start_date = datetime.date(2020, 5, 1)
    project.end_date = datetime.date(2020, 4, 30)
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_end_date_before_start_is_a_form_error_on_clean():
    project = make_project(start_date=datetime.date(2020, 5, 1))
    project.end_date = datetime.date(2020, 4, 30)
    with pytest.raises(ValidationError) as excinfo:
        project.full_clean()
    assert "end_date" in excinfo.value.message_dict


def test_open_ended_and_same_day_projects_are_allowed():
    make_project(start_date=datetime.date(2020, 5, 1))
    make_project(start_date=datetime.date(2020, 2, 25), end_date=datetime.date(2020, 2, 25))
    assert Project.objects.count() == 2


def test_feed_is_a_reserved_slug():
    project = make_project(slug="feed")
    with pytest.raises(ValidationError) as excinfo:
        project.full_clean()
    assert "slug" in excinfo.value.message_dict


def test_negative_funding_is_refused_by_the_database():
    project = make_project()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingLine.objects.create(project=project, funder="X", amount=Decimal("-1"))


def test_negative_funding_fails_validation():
    line = FundingLine(project=make_project(), funder="X", amount=Decimal("-0.01"))
    with pytest.raises(ValidationError) as excinfo:
        line.full_clean()
    assert "amount" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1700000"), "£1,700,000"),
        (Decimal("1700000.00"), "£1,700,000"),
        (Decimal("1250.5"), "£1,250.50"),
        (Decimal("0"), "£0"),
        (None, "£0"),
    ],
)
def test_format_gbp(amount, expected):
    assert format_gbp(amount) == expected


def test_involving_counts_lead_and_participant_projects_once(partner_a, partner_b):
    led = make_project(lead=partner_a, partners=[partner_a])  # listed twice on purpose
    joined = make_project(lead=partner_b, partners=[partner_a, factories.make_partner()])
    make_project(lead=partner_b)
    assert list(Project.objects.involving(partner_a).order_by("pk")) == [led, joined]
    assert list(Project.objects.involving_slug("alpha").order_by("pk")) == [led, joined]


def test_led_by_accepts_a_queryset_or_a_list(partner_a, partner_b):
    mine = make_project(lead=partner_a)
    make_project(lead=partner_b, partners=[partner_a])
    assert list(Project.objects.led_by([partner_a])) == [mine]
    assert list(Project.objects.led_by(type(partner_a).objects.filter(pk=partner_a.pk))) == [mine]


def test_funding_secured_adds_awarded_and_received_lines_only():
    one = make_project()
    two = make_project()
    add_funding(one, "1700000", FundingLine.Status.RECEIVED)
    add_funding(one, "35000", FundingLine.Status.BID)
    add_funding(two, "70000.50", FundingLine.Status.AWARDED)
    assert Project.objects.funding_secured() == Decimal("1770000.50")
    assert Project.objects.filter(pk=two.pk).funding_secured() == Decimal("70000.50")
    assert Project.objects.none().funding_secured() == Decimal("0")


def test_published_updates_need_a_published_project():
    live = make_project()
    hidden = make_project(published=False)
    shown = make_update(live)
    make_update(live, published=False)
    make_update(hidden)
    assert list(ProjectUpdate.objects.published()) == [shown]


def test_themes_data_migration_creates_the_seven_themes_and_can_run_again():
    migration = import_module("projects.migrations.0002_themes")
    Theme.objects.all().delete()
    migration.create_themes(apps, None)
    migration.create_themes(apps, None)
    assert Theme.objects.count() == 7
    assert list(Theme.objects.values_list("name", flat=True)[:1]) == [
        "Connectivity and infrastructure"
    ]


def test_ensure_defaults_restores_missing_themes():
    Theme.objects.filter(slug="skills").delete()
    themes = Theme.objects.ensure_defaults()
    assert themes["skills"].name == "Skills"
    assert Theme.objects.count() == 7


def test_history_is_kept_for_every_model():
    project = make_project()
    add_funding(project, "10")
    make_update(project)
    project.outcomes.create(label="Homes", value="4")
    for model in [Project, FundingLine, ProjectUpdate, project.outcomes.model]:
        assert model.history.count() >= 1, model
