import pytest
from django.core.management import call_command

from partners import demo
from partners.models import District, Membership, Partner, Sector

pytestmark = pytest.mark.django_db


def test_demo_partners_are_the_real_partnership(capsys):
    District.objects.all().delete()  # load() must not rely on the data migration's rows
    demo.load()
    assert Partner.objects.count() == len(demo.PARTNERS) == 23
    efdc = Partner.objects.get(slug="epping-forest-district-council")
    assert efdc.sector == Sector.LOCAL_AUTHORITY
    assert [d.slug for d in efdc.districts.all()] == ["epping-forest"]
    essex = Partner.objects.get(slug="essex-county-council")
    assert {d.slug for d in essex.districts.all()} == {"epping-forest", "harlow", "uttlesford"}
    assert Partner.objects.get(slug="kao-data").sector == Sector.PRIVATE_DATA_CENTRE
    # Unconfirmed and assumed rows say so on their public page.
    assert "Candidate partner" in Partner.objects.get(slug="harlow-college").description
    assert "Illustrative" in Partner.objects.get(slug="hertford-regional-college").description
    assert "Confirmed partner" in efdc.description
    assert len({p["sector"] for p in demo.PARTNERS}) >= 9


def test_demo_load_is_idempotent_and_keeps_edits():
    demo.load()
    partner = Partner.objects.get(slug="harlow-council")
    partner.short_description = "Edited by the partner"
    partner.save()
    demo.load()
    assert Partner.objects.count() == 23
    partner.refresh_from_db()
    assert partner.short_description == "Edited by the partner"


def test_load_demo_links_the_partner_user(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "member of Epping Forest District Council" in out
    membership = Membership.objects.get(user__email="partner@demo.diz.org.uk")
    assert membership.partner.slug == demo.DEMO_MEMBER_PARTNER
    call_command("load_demo")
    assert Membership.objects.filter(user__email="partner@demo.diz.org.uk").count() == 1
