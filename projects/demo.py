"""Demo projects: the DIZ's real programme, described in the portal's own words.

Facts come from the partnership's published sources (council minutes, the DIZ website, the LGA
case study). Where a source gives only a year or a season, the dates below are approximate and
the project says so; where we had to assume something (a status, an asset register's scope),
the text is marked "Illustrative".

Partners are looked up by slug from the partners demo. A missing participant is skipped; a
project whose lead partner is missing is left out until the lead exists (run load_demo again).
"""

import datetime
from decimal import Decimal

from django.db import transaction

from partners.models import District, Partner
from projects.models import FundingLine, Outcome, Project, ProjectUpdate, Theme

D = datetime.date
ALL_DISTRICTS = ["broxbourne", "east-hertfordshire", "epping-forest", "harlow", "uttlesford"]
WEST_ESSEX = ["epping-forest", "harlow", "uttlesford"]
APPROXIMATE = "*Dates are approximate: the sources give only the year or season for some of them.*"

# Short keys for partners, each with the slugs it may have (first match wins).
PARTNER_SLUGS = {
    "efdc": ["epping-forest-district-council"],
    "harlow": ["harlow-council"],
    "uttlesford": ["uttlesford-district-council"],
    "east-herts": ["east-hertfordshire-district-council"],
    "broxbourne": ["broxbourne-borough-council"],
    "essex-cc": ["essex-county-council", "essex-county-council-incl-superfast-essex"],
    "herts-cc": ["hertfordshire-county-council"],
    "pah": [
        "princess-alexandra-hospital",
        "the-princess-alexandra-hospital-nhs-trust",
        "princess-alexandra-hospital-nhs-trust",
    ],
    "ccg": ["west-essex-ccg", "west-essex-ccg-historical"],
    "ept": [
        "essex-partnership-university-nhs-ft",
        "essex-partnership-university-nhs-ft-essex-partnership-trust",
        "essex-partnership-university-nhs-foundation-trust",
    ],
    "one-ef": ["one-epping-forest"],
    "cvsu": ["cvs-uttlesford", "cvs-uttlesford-cvsu"],
    "citizens-online": ["citizens-online"],
    "arup": ["arup"],
    "cp-catapult": ["connected-places-catapult"],
    "digital-catapult": ["digital-catapult"],
    "corridor": ["uk-innovation-corridor-lscc", "uk-innovation-corridor"],
}
COUNCILS = ["harlow", "uttlesford", "east-herts", "broxbourne", "essex-cc", "herts-cc"]

PROJECTS = [
    {
        "slug": "digital-innovation-strategy",
        "title": "Digital Innovation Strategy",
        "status": Project.Status.COMPLETED,
        "themes": ["connectivity", "economy", "smart-places"],
        "lead": "efdc",
        "partners": ["arup", *COUNCILS, "pah", "one-ef"],
        "districts": ALL_DISTRICTS,
        "start_date": D(2018, 1, 1),
        "end_date": D(2019, 6, 13),
        "featured": True,
        "summary": (
            "A long-term, place-based digital strategy for west Essex and east Hertfordshire, "
            "paid for jointly by twelve organisations and written with Arup."
        ),
        "body": f"""Partners pooled their money to commission one strategy for the whole zone
instead of each writing their own. Produced with the engineering consultancy Arup, it sets out
the area's digital strengths and weaknesses today and in the future, states long-term
ambitions, and recommends practical steps partners can take straight away to improve
connectivity and services.

The strategy looks a long way ahead (East Herts members described its horizon as about fifty
years). It was adopted in 2019 together with the DIZ vision, and a delivery plan followed.

{APPROXIMATE}""",
        "funding": [
            (
                "Twelve partner organisations",
                "Pooled contributions, including up to £25,000 from Epping Forest District "
                "Council's External Partnership Fund",
                Decimal("70000"),
                FundingLine.Status.RECEIVED,
            ),
        ],
        "outcomes": [("Organisations sharing the cost", "12"), ("Year adopted", "2019")],
        "updates": [
            (
                D(2019, 4, 16),
                "Strategy goes to scrutiny",
                "Epping Forest's Overview and Scrutiny Committee considered the draft strategy.",
            ),
            (
                D(2019, 6, 13),
                "Cabinet endorses the strategy",
                "Epping Forest District Council's Cabinet endorsed the strategy. It is now "
                "being presented to the Hertfordshire Infrastructure Planning Partnership and "
                "other partners for their own endorsement.",
            ),
        ],
    },
    {
        "slug": "design-in-the-public-sector-ae",
        "title": "Design in the Public Sector: A&E and ambulance project",
        "status": Project.Status.COMPLETED,
        "themes": ["health"],
        "lead": "efdc",
        "partners": ["pah", "ccg", "ept", "one-ef"],
        "districts": WEST_ESSEX,
        "start_date": D(2017, 10, 1),
        "end_date": D(2018, 5, 31),
        "summary": (
            "A design sprint on the LGA and Design Council programme about avoidable A&E "
            "visits by people over 75 at the Princess Alexandra Hospital."
        ),
        "body": """Council, hospital, commissioner, community health and voluntary sector
partners applied together in November 2017 for a place on the LGA and Design Council's
*Design in the Public Sector* programme, and won consultancy support through the competition.

The team, which also included a local GP, asked how technology could help reduce avoidable
A&E attendances by people over 75. Its recommendations focused on giving ambulance crews and
first responders better information and support, and were taken forward with NHS partners.

The support was given in kind, so no cash funding is recorded here.""",
        "funding": [],
        "outcomes": [("Age group in focus", "Over 75")],
        "updates": [
            (
                D(2018, 10, 1),
                "Findings shared with NHS boards",
                "The team presented its work to the Urgent Care Local Delivery Board and the "
                "STP Clinical Expert Oversight Group; local pilots are being discussed. "
                "*The exact date in autumn 2018 is approximate.*",
            ),
        ],
    },
    {
        "slug": "ultrafast-gps",
        "title": "Ultrafast GPs: Local Full Fibre Network",
        "status": Project.Status.COMPLETED,
        "themes": ["connectivity", "health"],
        "lead": "efdc",
        "partners": [*COUNCILS, "ccg"],
        "districts": ALL_DISTRICTS,
        "start_date": D(2019, 3, 1),
        "end_date": D(2021, 12, 31),
        "featured": True,
        "summary": (
            "Gigabit-capable full fibre to 74 GP surgery sites across all five districts, "
            "funded with £1.7m from the government's Local Full Fibre Networks programme."
        ),
        "body": f"""The DIZ and Superfast Essex bid together to the Department for Digital,
Culture, Media and Sport (DCMS) for Local Full Fibre Networks funding. The scheme was first
announced at £2.1m for 113 practices and was later confirmed at £1.7m for up to 80 surgeries.

Full fibre of up to 1 Gbps reached 74 GP surgery sites. The benefits:

- more remote and online care, which proved vital during COVID-19;
- more resilient health providers;
- spare capacity that lets thousands of nearby homes and businesses connect;
- more residents booking appointments and managing their care online.

The DIZ programme manager ran the operational delivery.

{APPROXIMATE}""",
        "funding": [
            (
                "Department for Digital, Culture, Media and Sport",
                "DCMS Local Full Fibre Networks",
                Decimal("1700000"),
                FundingLine.Status.RECEIVED,
            ),
        ],
        "outcomes": [
            ("GP sites connected", "74"),
            ("Top speed", "1 Gbps"),
            ("Districts reached", "5"),
        ],
        "updates": [
            (
                D(2019, 3, 15),
                "Joint bid succeeds",
                "The joint bid by the DIZ and Superfast Essex was announced as successful, "
                "with GP practices in all five districts in line for full fibre.",
            ),
            (
                D(2020, 1, 15),
                "Ready to procure",
                "The project passed the DCMS *Ready to Procure* assurance stage. *Month "
                "approximate: the source says winter 2019/20.*",
            ),
            (
                D(2021, 12, 1),
                "74 GP sites connected",
                "Full fibre is live at 74 GP surgery sites across Broxbourne, East "
                "Hertfordshire, Epping Forest, Harlow and Uttlesford. *Date approximate.*",
            ),
        ],
    },
    {
        "slug": "common-asset-register",
        "title": "Common Asset Register",
        "status": Project.Status.ACTIVE,
        "themes": ["connectivity", "economy"],
        "lead": "efdc",
        "partners": [*COUNCILS, "pah"],
        "districts": ALL_DISTRICTS,
        "start_date": D(2020, 1, 1),
        "end_date": None,
        "featured": True,
        "summary": (
            "One register of publicly owned buildings, land, street furniture and ducts, so "
            "that operators can find sites for fibre and 5G quickly."
        ),
        "body": """The DIZ asks whether existing public assets could be used better to attract
investment and go "further, faster". A single register across councils, the NHS and colleges
lets a telecoms operator see in one place which rooftops, lighting columns, ducts and plots
might host equipment, and whom to ask.

**Illustrative:** the DIZ's sources list this register as begun but give no scope, fields,
partners or dates. The description, partners and start date here are our assumptions for the
demo. The register itself is on this portal's Common Asset Register pages.""",
        "funding": [],
        "outcomes": [],
        "updates": [],
    },
    {
        "slug": "living-smart-at-home",
        "title": "Living Smart at Home",
        "status": Project.Status.COMPLETED,
        "themes": ["digital-inclusion", "health", "skills"],
        "lead": "cvsu",
        "partners": ["citizens-online", "efdc", "harlow", "uttlesford"],
        "districts": WEST_ESSEX,
        "start_date": D(2019, 1, 1),
        "end_date": D(2020, 12, 31),
        "featured": True,
        "summary": (
            "A voluntary-sector pilot with four demonstration smart homes and volunteer "
            "Digital Buddies helping older and disabled residents get online."
        ),
        "body": f"""CVS Uttlesford ran a digital inclusion pilot across West Essex, commissioned
by DCMS through the charity Citizens Online. It had two strands:

1. **Digital Buddies**: volunteers helped people aged 55 and over, and disabled people of any
   age, to build confidence and independence online and feel less isolated, using the free
   *Learn My Way* course.
2. **Living smart homes**: four demonstration homes that residents could visit to try
   easy-to-use technology such as booking a GP appointment online, ordering repeat
   prescriptions and making video calls.

Linking this pilot to the DIZ's "Living Smart at Home" title is our reading of the sources.
The amount of funding is not published, so none is recorded here.

{APPROXIMATE}""",
        "funding": [],
        "outcomes": [("Demonstration smart homes", "4"), ("Digital Buddies age group", "55+")],
        "updates": [],
    },
    {
        "slug": "switch-digital-inclusion",
        "title": "Switch: digital inclusion in Epping Forest",
        "status": Project.Status.ACTIVE,
        "themes": ["digital-inclusion", "skills"],
        "lead": "efdc",
        "partners": ["citizens-online", "uttlesford"],
        "districts": ["epping-forest", "uttlesford"],
        "start_date": D(2019, 1, 1),
        "end_date": None,
        "summary": (
            "A district-led review with Citizens Online of who is offline in West Essex and "
            "what would help them, leading to a Digital Buddies scheme."
        ),
        "body": f"""About 34,000 people in Epping Forest and Uttlesford had never used the
internet or had not used it in the previous three months: roughly 21,000 adults in Epping
Forest and 13,000 in Uttlesford.

Citizens Online's 80-page report recommended a Digital Inclusion Network and a Digital Buddies
scheme at one buddy for every hundred people, about 210 volunteers.

**Illustrative:** the status shown (recommendations adopted, buddies being recruited) is our
reading of the sources; check it before relying on it. Council funding for the project is not
published, so none is recorded here.

{APPROXIMATE}""",
        "funding": [],
        "outcomes": [
            ("People offline in West Essex (estimate)", "34,000"),
            ("Digital Buddies recommended", "About 210"),
        ],
        "updates": [
            (
                D(2019, 11, 1),
                "Report recommends a Digital Inclusion Network",
                "Citizens Online's report recommends a Digital Inclusion Network and about "
                "210 Digital Buddies. *Date approximate.*",
            ),
        ],
    },
    {
        "slug": "digital-adoption-conference",
        "title": "Digital Adoption Conference at BT Tower",
        "status": Project.Status.COMPLETED,
        "themes": ["skills", "economy", "connectivity"],
        "lead": "efdc",
        "partners": [],
        "districts": [],
        "start_date": D(2020, 2, 25),
        "end_date": D(2020, 2, 25),
        "summary": (
            "“Be Part of the Next Generation of Digital Adoption”: a one-day conference the "
            "DIZ helped deliver at the BT Tower in London."
        ),
        "body": """The conference brought together speakers from industry and government on
four themes: technology, infrastructure, investment and skills. The DIZ was one of the
organisations that delivered it.""",
        "funding": [],
        "outcomes": [("Themes covered", "4")],
        "updates": [],
    },
    {
        "slug": "covid-19-collaboration",
        "title": "COVID-19 collaboration",
        "status": Project.Status.ACTIVE,
        "themes": ["covid-19", "health"],
        "lead": "efdc",
        "partners": [*COUNCILS],
        "districts": ALL_DISTRICTS,
        "start_date": D(2020, 3, 1),
        "end_date": None,
        "summary": (
            "Using the partnership as a ready channel during the pandemic: open monthly "
            "online meetings, shared good practice and joint bids for recovery funding."
        ),
        "body": f"""When the pandemic struck in spring 2020 the partners already knew each
other. Meetings moved online, were opened to more organisations and became monthly. A
newsletter of web links shared good practice, outside speakers briefed partners on the global
picture, infrastructure and skills, and the partnership got ready to bid together for
recovery funding.

{APPROXIMATE}""",
        "funding": [],
        "outcomes": [("Councils at the monthly meetings by 2021", "7")],
        "updates": [
            (
                D(2021, 7, 12),
                "Annual progress report",
                "Epping Forest District Council's Cabinet received the DIZ annual progress "
                "report for April 2020 to March 2021. All five district councils and both "
                "county councils now attend the monthly meetings.",
            ),
        ],
    },
    {
        "slug": "smart-place-seminar-series",
        "title": "Smart Place Seminar Series",
        "status": Project.Status.ACTIVE,
        "themes": ["smart-places"],
        "lead": "efdc",
        "partners": ["east-herts"],
        "districts": ALL_DISTRICTS,
        "start_date": D(2018, 1, 1),
        "end_date": None,
        "summary": (
            "Seminars that test whether smart-city ideas work for market towns and "
            "countryside, each followed by an executive report."
        ),
        "body": f"""The DIZ's towns and villages look more like most of the UK than a big city
does, which makes the zone a useful testing ground. The seminars bring speakers and delegates
together to ask which smart-city ideas would work here.

Only the April 2019 seminar at Fletcher's Lea, Ware, is documented in the sources; the series
had earlier events.

{APPROXIMATE}""",
        "funding": [],
        "outcomes": [],
        "updates": [
            (
                D(2019, 4, 26),
                "Seminar at Fletcher's Lea, Ware",
                "A wide range of speakers and delegates took part. An executive report is "
                "published on the DIZ website.",
            ),
        ],
    },
    {
        "slug": "school-gate-air-quality",
        "title": "School-gate air quality monitoring",
        "status": Project.Status.PROPOSED,
        "themes": ["smart-places", "health"],
        "lead": "efdc",
        "partners": ["cp-catapult", "digital-catapult"],
        "districts": ["epping-forest"],
        "start_date": D(2020, 4, 1),
        "end_date": None,
        "summary": (
            "Internet of Things sensors to monitor air quality at school gates and on the "
            "routes children take to school."
        ),
        "body": f"""Epping Forest District Council's Cabinet agreed in principle up to £35,000 of
partnership funding for the project, which would work with the Connected Places Catapult and
the Digital Catapult.

{APPROXIMATE}""",
        "funding": [
            (
                "Epping Forest District Council",
                "Partnership funding (agreed in principle)",
                Decimal("35000"),
                FundingLine.Status.BID,
            ),
        ],
        "outcomes": [],
        "updates": [],
    },
    {
        "slug": "5g-testbed-exploration",
        "title": "5G testbed exploration",
        "status": Project.Status.PROPOSED,
        "themes": ["connectivity"],
        "lead": "efdc",
        "partners": [],
        "districts": ALL_DISTRICTS,
        "start_date": D(2019, 6, 1),
        "end_date": None,
        "summary": (
            "Workshops with the Rural Connected Communities programme on whether to bid for a "
            "rural 5G testbed in the DIZ."
        ),
        "body": f"""In 2019 the Rural Connected Communities programme ran an exploratory workshop
with DIZ partners about a 5G testbed bid, and a second event was planned.

**Illustrative:** the sources do not say whether a bid followed; the status shown is an
assumption.

{APPROXIMATE}""",
        "funding": [],
        "outcomes": [],
        "updates": [],
    },
    {
        "slug": "open-data-source-feasibility",
        "title": "Open Data Source feasibility",
        "status": Project.Status.ON_HOLD,
        "themes": ["smart-places", "health"],
        "lead": "efdc",
        "partners": ["pah", "harlow"],
        "districts": ALL_DISTRICTS,
        "start_date": D(2018, 1, 1),
        "end_date": None,
        "summary": (
            "An early idea for a live public information feed: A&E waiting times, air quality, "
            "car park spaces and public transport."
        ),
        "body": f"""Partners looked at whether one open, real-time feed could bring together
information that residents and visitors check every day, and thought it would be beneficial.

**Illustrative:** the source is cut off before the outcome; "on hold" and the partners shown
are assumptions.

{APPROXIMATE}""",
        "funding": [],
        "outcomes": [],
        "updates": [],
    },
]


def _partners_by_key():
    """One query: key -> Partner for every demo partner that exists."""
    wanted = {slug for slugs in PARTNER_SLUGS.values() for slug in slugs}
    found = {p.slug: p for p in Partner.objects.filter(slug__in=wanted)}
    result = {}
    for key, slugs in PARTNER_SLUGS.items():
        for slug in slugs:
            if slug in found:
                result[key] = found[slug]
                break
    return result


@transaction.atomic
def load(stdout=None):
    themes = Theme.objects.ensure_defaults()
    partners = _partners_by_key()
    districts = {d.slug: d for d in District.objects.all()}
    created, skipped = 0, []
    for data in PROJECTS:
        if Project.objects.filter(slug=data["slug"]).exists():
            continue
        lead = partners.get(data["lead"])
        if lead is None:
            skipped.append(data["title"])
            continue
        project = Project.objects.create(
            slug=data["slug"],
            title=data["title"],
            status=data["status"],
            summary=data["summary"],
            body=data["body"],
            lead_partner=lead,
            start_date=data["start_date"],
            end_date=data["end_date"],
            featured=data.get("featured", False),
        )
        project.themes.set([themes[slug] for slug in data["themes"]])
        project.partners.set([partners[k] for k in data["partners"] if k in partners])
        project.districts.set([districts[s] for s in data["districts"] if s in districts])
        for funder, programme, amount, status in data["funding"]:
            FundingLine.objects.create(
                project=project, funder=funder, programme=programme, amount=amount, status=status
            )
        for order, (label, value) in enumerate(data["outcomes"]):
            Outcome.objects.create(project=project, label=label, value=value, order=order)
        for date, title, body in data["updates"]:
            ProjectUpdate.objects.create(project=project, date=date, title=title, body=body)
        created += 1
    if stdout:
        stdout.write(f"Projects ready; {created} created.")
        if skipped:
            stdout.write(f"Skipped until their lead partner exists: {', '.join(skipped)}.")
