from decimal import Decimal
from io import StringIO

import pytest

from projects import demo
from projects.models import FundingLine, Project, Theme
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_partners():
    """The partners demo's slugs for a few organisations; the others are missing on purpose."""
    factories.all_districts()
    return {
        slug: factories.make_partner(name, slug=slug)
        for slug, name in [
            ("epping-forest-district-council", "Epping Forest District Council"),
            ("essex-county-council", "Essex County Council"),
            ("arup", "Arup"),
            (
                "the-princess-alexandra-hospital-nhs-trust",
                "The Princess Alexandra Hospital NHS Trust",
            ),
        ]
    }


def test_demo_loads_the_programme_and_skips_what_it_cannot_link(demo_partners):
    out = StringIO()
    demo.load(stdout=out)
    # CVS Uttlesford leads Living Smart at Home; without it that project waits.
    assert Project.objects.count() == len(demo.PROJECTS) - 1
    assert "Skipped until their lead partner exists: Living Smart at Home." in out.getvalue()
    gps = Project.objects.get(slug="ultrafast-gps")
    assert gps.lead_partner == demo_partners["epping-forest-district-council"]
    assert [str(o) for o in gps.outcomes.all()][0] == "GP sites connected: 74"
    assert gps.funding_lines.get().amount == Decimal("1700000")
    assert gps.districts.count() == 5
    assert set(gps.themes.values_list("slug", flat=True)) == {"connectivity", "health"}
    # Missing participants are skipped, existing ones linked.
    assert list(gps.partners.values_list("slug", flat=True)) == ["essex-county-council"]
    assert gps.updates.count() == 3
    assert 3 <= Project.objects.featured().count() <= 4
    assert all(p.end_date is None or p.end_date >= p.start_date for p in Project.objects.all())


def test_demo_is_idempotent_and_fills_in_once_the_lead_exists(demo_partners):
    demo.load()
    before = (Project.objects.count(), FundingLine.objects.count())
    demo.load()
    assert (Project.objects.count(), FundingLine.objects.count()) == before
    factories.make_partner("CVS Uttlesford", slug="cvs-uttlesford")
    out = StringIO()
    demo.load(stdout=out)
    assert Project.objects.count() == len(demo.PROJECTS)
    assert "Projects ready; 1 created." in out.getvalue()
    homes = Project.objects.get(slug="living-smart-at-home")
    assert homes.lead_partner.slug == "cvs-uttlesford"


def test_demo_keeps_edits_made_since(demo_partners):
    demo.load()
    Project.objects.filter(slug="ultrafast-gps").update(summary="Edited by the manager.")
    demo.load()
    assert Project.objects.get(slug="ultrafast-gps").summary == "Edited by the manager."


def test_demo_works_on_an_empty_database_after_a_flush(db):
    Theme.objects.all().delete()
    factories.make_partner("Epping Forest District Council", slug="epping-forest-district-council")
    demo.load()
    assert Theme.objects.count() == 7
    assert Project.objects.filter(slug="digital-innovation-strategy").exists()


def test_uncertain_content_is_marked_illustrative(demo_partners):
    demo.load()
    for slug in ["common-asset-register", "5g-testbed-exploration", "open-data-source-feasibility"]:
        assert "**Illustrative:**" in Project.objects.get(slug=slug).body


def test_load_demo_command_links_projects_to_the_demo_partners(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    # Every project's lead partner exists in the partners demo, so none is skipped.
    assert Project.objects.count() == len(demo.PROJECTS)
    gps = Project.objects.get(slug="ultrafast-gps")
    assert gps.partners.filter(slug="essex-county-council").exists()
    homes = Project.objects.get(slug="living-smart-at-home")
    assert homes.lead_partner.slug == "cvs-uttlesford"
    assert homes.partners.filter(slug="citizens-online").exists()
    strategy = Project.objects.get(slug="digital-innovation-strategy")
    assert strategy.partners.filter(slug="arup").exists()
