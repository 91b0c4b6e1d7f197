"""Demo partners: the DIZ's real partner organisations, described in the portal's own words."""

from django.db import transaction

from partners.models import District, Membership, Partner, Sector

PARTNERS = [
    {
        "slug": "epping-forest-district-council",
        "name": "Epping Forest District Council",
        "sector": Sector.LOCAL_AUTHORITY,
        "districts": ["epping-forest"],
        "short_description": "Co-founder and lead partner; hosts the DIZ programme team.",
    },
]

DEMO_MEMBER_PARTNER = "epping-forest-district-council"


@transaction.atomic
def load(stdout=None):
    created = 0
    for data in PARTNERS:
        data = dict(data)
        district_slugs = data.pop("districts")
        partner, was_created = Partner.objects.get_or_create(slug=data["slug"], defaults=data)
        if was_created:
            partner.districts.set(District.objects.filter(slug__in=district_slugs))
        created += was_created
    if stdout:
        stdout.write(f"Partners ready; {created} created.")


def link_demo_member(user):
    partner = Partner.objects.get(slug=DEMO_MEMBER_PARTNER)
    Membership.objects.get_or_create(user=user, partner=partner)
    return partner.name
