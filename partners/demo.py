"""Demo partners: the DIZ's real partner organisations, described in the portal's own words.

The list follows the research brief's suggested partners. Each description says how sure we
are: "S" rows are named as DIZ partners in published sources; "L" rows are real local bodies
whose DIZ role is not confirmed; the one "A" row is an assumption, marked Illustrative.
"""

from importlib import import_module

from django.db import transaction

from partners.models import District, Membership, Partner, Sector

CONFIRMED = "**Confirmed partner:** named as a DIZ partner or participant in published sources."
CANDIDATE = (
    "**Candidate partner:** a real local organisation seen in sources about the area, but its "
    "role in the DIZ is not confirmed in published sources."
)
ASSUMED = (
    "**Illustrative:** not found in any published source about the DIZ. Included as a "
    "placeholder for a possible partner; verify or replace it."
)
ESSEX = ["epping-forest", "harlow", "uttlesford"]
HERTS = ["broxbourne", "east-hertfordshire"]
ALL = ESSEX + HERTS

PARTNERS = [
    {
        "slug": "epping-forest-district-council",
        "name": "Epping Forest District Council",
        "sector": Sector.LOCAL_AUTHORITY,
        "districts": ["epping-forest"],
        "website": "https://www.eppingforestdc.gov.uk/",
        "short_description": "Co-founder and lead partner; hosts the DIZ programme team and "
        "chairs the partnership.",
        "description": "The district council that started the DIZ and still leads it. Its "
        "officers and councillors support the partnership day to day: the DIZ programme "
        "manager is based here, and the chair of the DIZ is one of its councillors.\n\n"
        "It led the delivery of the full-fibre connections to GP surgeries and the "
        '"Switch" digital inclusion work.',
        "basis": CONFIRMED,
    },
    {
        "slug": "harlow-council",
        "name": "Harlow Council",
        "sector": Sector.LOCAL_AUTHORITY,
        "districts": ["harlow"],
        "website": "https://www.harlow.gov.uk/",
        "short_description": "Home of the acute hospital and the Harlow Enterprise Zone; "
        "town-centre sites for small cells.",
        "description": "The council for Harlow, the new town at the centre of the DIZ. The "
        "district is home to The Princess Alexandra Hospital and to the Harlow Enterprise "
        "Zone, with its data centre campus and science park. Its town-centre buildings and "
        "street furniture are candidate sites for small-cell mobile equipment.",
        "basis": CONFIRMED,
    },
    {
        "slug": "uttlesford-district-council",
        "name": "Uttlesford District Council",
        "sector": Sector.LOCAL_AUTHORITY,
        "districts": ["uttlesford"],
        "website": "https://www.uttlesford.gov.uk/",
        "short_description": "Rural district around Saffron Walden and Stansted; has pushed "
        "superfast broadband close to full coverage.",
        "description": "The most rural of the five districts, including Saffron Walden, "
        "Great Dunmow and London Stansted Airport. The council has invested to bring "
        "superfast broadband to nearly every home and business, and the district hosted an "
        'early example of a "smart house" showing technology that helps people live '
        "independently.",
        "basis": CONFIRMED,
    },
    {
        "slug": "east-hertfordshire-district-council",
        "name": "East Hertfordshire District Council",
        "sector": Sector.LOCAL_AUTHORITY,
        "districts": ["east-hertfordshire"],
        "website": "https://www.eastherts.gov.uk/",
        "short_description": "The market towns of Hertford, Ware, Bishop's Stortford and "
        "Sawbridgeworth.",
        "description": "The district council for the Hertfordshire market towns of Hertford, "
        "Ware, Bishop's Stortford and Sawbridgeworth and the villages around them. Ware "
        "hosted the first documented Smart Place seminar of the DIZ.",
        "basis": CONFIRMED,
    },
    {
        "slug": "broxbourne-borough-council",
        "name": "Broxbourne Borough Council",
        "sector": Sector.LOCAL_AUTHORITY,
        "districts": ["broxbourne"],
        "website": "https://www.broxbourne.gov.uk/",
        "short_description": "The Lea Valley towns of Cheshunt, Hoddesdon and Waltham Cross.",
        "description": "The borough council for Cheshunt, Hoddesdon, Waltham Cross and the "
        "surrounding Lea Valley, at the south-west corner of the DIZ.",
        "basis": CONFIRMED,
    },
    {
        "slug": "essex-county-council",
        "name": "Essex County Council (including Superfast Essex)",
        "sector": Sector.LOCAL_AUTHORITY,
        "districts": ESSEX,
        "website": "https://www.essex.gov.uk/",
        "short_description": "Highway authority and broadband programme for the Essex "
        "districts; joint bidder for the GP fibre scheme.",
        "description": "The county council for Epping Forest, Harlow and Uttlesford. It is "
        "the highway authority, so its street lights and roadside land matter for siting "
        "equipment. Its broadband programme, Superfast Essex, bid jointly for the funding "
        "that brought full fibre to GP surgeries.",
        "basis": CONFIRMED,
    },
    {
        "slug": "hertfordshire-county-council",
        "name": "Hertfordshire County Council",
        "sector": Sector.LOCAL_AUTHORITY,
        "districts": HERTS,
        "website": "https://www.hertfordshire.gov.uk/",
        "short_description": "Highway authority for Broxbourne and East Hertfordshire; a "
        "partner in delivery.",
        "description": "The county council for Broxbourne and East Hertfordshire, and the "
        "highway authority for the Hertfordshire side of the DIZ.",
        "basis": CONFIRMED,
    },
    {
        "slug": "princess-alexandra-hospital",
        "name": "The Princess Alexandra Hospital NHS Trust",
        "sector": Sector.HEALTH_ACUTE,
        "districts": ["harlow"],
        "website": "https://www.pah.nhs.uk/",
        "short_description": "The district general hospital whose catchment defines the DIZ's "
        "footprint.",
        "description": "The acute hospital in Harlow. The DIZ covers the area the hospital "
        "serves rather than any one council's boundary. The trust also runs services at St "
        "Margaret's in Epping and the Herts & Essex in Bishop's Stortford, and took part in "
        "the A&E and ambulance design project.",
        "basis": CONFIRMED,
    },
    {
        "slug": "west-essex-ccg",
        "name": "West Essex CCG (historical)",
        "sector": Sector.HEALTH_COMMISSIONER,
        "districts": ESSEX,
        "short_description": "NHS commissioner on the A&E design project; replaced by an "
        "Integrated Care Board in 2022.",
        "description": "The clinical commissioning group that planned and bought NHS services "
        "for west Essex, and sat on the A&E and ambulance design project team. Clinical "
        "commissioning groups were replaced by Integrated Care Boards in July 2022, so this "
        "is a predecessor body, kept here for the record.",
        "basis": CONFIRMED,
    },
    {
        "slug": "essex-partnership-university-nhs-ft",
        "name": "Essex Partnership University NHS Foundation Trust",
        "sector": Sector.HEALTH_COMMUNITY,
        "districts": ESSEX,
        "website": "https://eput.nhs.uk/",
        "short_description": "Community nursing provider on the A&E and ambulance project team.",
        "description": "The community health and nursing provider, described in DIZ sources "
        'as "Essex Partnership Trust". Its community nurses were part of the team that '
        "looked at how people reach A&E and the ambulance service.",
        "basis": CONFIRMED,
    },
    {
        "slug": "one-epping-forest",
        "name": "One Epping Forest",
        "sector": Sector.VOLUNTARY,
        "districts": ["epping-forest"],
        "short_description": "The local strategic partnership whose director helped lead the "
        "DIZ's early development.",
        "description": "A cross-sector partnership of public, voluntary and business bodies in "
        "Epping Forest. Its director co-presented the DIZ to councils in the early days and "
        "was thanked for the work.",
        "basis": CONFIRMED,
    },
    {
        "slug": "cvs-uttlesford",
        "name": "CVS Uttlesford",
        "sector": Sector.VOLUNTARY,
        "districts": ["uttlesford"],
        "website": "https://cvsu.org.uk/",
        "short_description": "Council for voluntary service that ran Digital Buddies and four "
        'demonstration "living smart" homes.',
        "description": "The council for voluntary service in Uttlesford (CVSU). On behalf of "
        "the Department for Digital, Culture, Media and Sport it ran a digital inclusion pilot "
        "in west Essex, with volunteer Digital Buddies and demonstration homes showing how "
        "technology supports independent living.",
        "basis": CONFIRMED,
    },
    {
        "slug": "citizens-online",
        "name": "Citizens Online",
        "sector": Sector.VOLUNTARY,
        "districts": ["epping-forest", "uttlesford"],
        "website": "https://www.citizensonline.org.uk/",
        "short_description": 'National digital inclusion charity behind the "Switch" review '
        "and the DCMS-commissioned pilot.",
        "description": "A national charity, founded in 2000, that helps people get online. It "
        'delivered the "Switch" digital inclusion work with Epping Forest District Council '
        "and commissioned CVS Uttlesford to run the government-funded pilot.",
        "basis": CONFIRMED,
    },
    {
        "slug": "arup",
        "name": "Arup",
        "sector": Sector.CONSULTANT,
        "districts": ALL,
        "website": "https://www.arup.com/",
        "short_description": "Co-author of the 2019 DIZ Digital Innovation Strategy.",
        "description": "Engineering and design consultancy that worked with the partners to "
        "write the DIZ Digital Innovation Strategy in 2019, covering the whole zone.",
        "basis": CONFIRMED,
    },
    {
        "slug": "connected-places-catapult",
        "name": "Connected Places Catapult",
        "sector": Sector.GOVERNMENT,
        "districts": [],
        "website": "https://cp.catapult.org.uk/",
        "short_description": "National innovation body; proposed partner for air-quality "
        "sensors at school gates.",
        "description": "A national innovation centre for towns, cities and transport. It was "
        "named as a proposed partner in a project to monitor air quality at school gates "
        "with connected sensors.",
        "basis": CONFIRMED,
    },
    {
        "slug": "digital-catapult",
        "name": "Digital Catapult",
        "sector": Sector.GOVERNMENT,
        "districts": [],
        "website": "https://www.digicatapult.org.uk/",
        "short_description": "National innovation body; co-partner on the air-quality sensor "
        "proposal.",
        "description": "The national centre for advanced digital technology. It was the other "
        "proposed partner, with Connected Places Catapult, in the school-gate air-quality "
        "sensor project.",
        "basis": CONFIRMED,
    },
    {
        "slug": "uk-innovation-corridor",
        "name": "UK Innovation Corridor",
        "sector": Sector.GOVERNMENT,
        "districts": ALL,
        "short_description": "Sub-regional partnership from north-east London to Cambridge "
        "that lobbies for the DIZ.",
        "description": "Launched in 2013 as the London Stansted Cambridge Consortium, the "
        "Corridor runs from north-east London to Cambridge and Peterborough. All five DIZ "
        'districts sit in its "Innovation Core", Epping Forest was a founder member, and it '
        "lobbies for the districts' priorities, the DIZ among them.",
        "basis": CONFIRMED,
    },
    {
        "slug": "anglia-ruskin-university",
        "name": "Anglia Ruskin University",
        "sector": Sector.HIGHER_EDUCATION,
        "districts": ["harlow"],
        "website": "https://www.aru.ac.uk/",
        "short_description": "Runs a MedTech campus in Harlow; a candidate for the DIZ's "
        '"university innovation lead".',
        "description": "The DIZ says a university innovation lead takes part, without naming "
        "the university. Anglia Ruskin runs a MedTech campus in the Harlow Enterprise Zone "
        "and a university centre with Harlow College, which makes it the likeliest "
        "candidate.",
        "basis": CANDIDATE,
    },
    {
        "slug": "harlow-college",
        "name": "Harlow College",
        "sector": Sector.FURTHER_EDUCATION,
        "districts": ["harlow"],
        "short_description": "Further education college in Harlow; possibly one of the DIZ's "
        '"three local colleges".',
        "description": "The further education college in Harlow, with a university centre run "
        "with Anglia Ruskin University. The DIZ says all three local colleges take part but "
        "does not name them.",
        "basis": CANDIDATE,
    },
    {
        "slug": "epping-forest-college",
        "name": "Epping Forest College",
        "sector": Sector.FURTHER_EDUCATION,
        "districts": ["epping-forest"],
        "short_description": "Local further education college and partner in the district "
        "council's economic development work.",
        "description": "The further education college in Loughton, named as a partner in "
        "Epping Forest District Council's economic development work. A likely but unconfirmed "
        "member of the DIZ's three local colleges.",
        "basis": CANDIDATE,
    },
    {
        "slug": "kao-data",
        "name": "Kao Data (Harlow campus)",
        "sector": Sector.PRIVATE_DATA_CENTRE,
        "districts": ["harlow"],
        "website": "https://www.kaodata.com/",
        "short_description": "Carrier-neutral data centre campus on Kao Park in the Harlow "
        "Enterprise Zone.",
        "description": "A data centre campus on Kao Park, the site named after Sir Charles Kao, "
        'whose pioneering work on fibre optics was done there. The DIZ lists "a data '
        'centre" among its private-sector partners without naming it.',
        "basis": CANDIDATE,
    },
    {
        "slug": "london-stansted-airport",
        "name": "London Stansted Airport",
        "sector": Sector.PRIVATE_AIRPORT,
        "districts": ["uttlesford"],
        "website": "https://www.stanstedairport.com/",
        "short_description": "Major employer and connectivity stakeholder in Uttlesford.",
        "description": "The airport in Uttlesford, one of the largest employers in the area. "
        'The DIZ lists "the airport" among its private-sector partners without naming it; '
        'Stansted has spoken at a district council "Meet the Buyer" event.',
        "basis": CANDIDATE,
    },
    {
        "slug": "hertford-regional-college",
        "name": "Hertford Regional College",
        "sector": Sector.FURTHER_EDUCATION,
        "districts": HERTS,
        "short_description": "Illustrative: a possible third local college, not found in DIZ "
        "sources.",
        "description": "A further education college serving Broxbourne and East "
        "Hertfordshire, listed here only as a possible third local college.",
        "basis": ASSUMED,
    },
]

DEMO_MEMBER_PARTNER = "epping-forest-district-council"


@transaction.atomic
def load(stdout=None):
    """Create the demo partners that are missing; existing rows (and any edits) are kept."""
    districts = ensure_districts()
    created = 0
    for data in PARTNERS:
        data = dict(data)
        district_slugs = data.pop("districts")
        basis = data.pop("basis")
        data["description"] = f"{data['description']}\n\n{basis}"
        partner, was_created = Partner.objects.get_or_create(slug=data["slug"], defaults=data)
        if was_created:
            partner.districts.set([districts[slug] for slug in district_slugs])
        created += was_created
    if stdout:
        stdout.write(f"Partners: {len(PARTNERS)} ready, {created} created.")


def ensure_districts():
    """The five districts by slug; recreated from the data migration's list if missing (a
    flushed test database has none)."""
    for name, slug, county in import_module("partners.migrations.0002_districts").DISTRICTS:
        District.objects.get_or_create(slug=slug, defaults={"name": name, "county": county})
    return {district.slug: district for district in District.objects.all()}


def link_demo_member(user):
    partner = Partner.objects.get(slug=DEMO_MEMBER_PARTNER)
    Membership.objects.get_or_create(user=user, partner=partner)
    return partner.name
