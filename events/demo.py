"""Demo events: the DIZ's recorded past events, and a few upcoming ones marked Illustrative.

Past events come from the partnership's published record (council reports, partner news).
Where the record gives no time or venue we say so rather than invent one. Everything in the
future is invented for the demo and says "Illustrative" in its title or summary.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import transaction

from events.models import Event, EventSeries, Speaker
from partners.models import Partner

LONDON = ZoneInfo("Europe/London")
TIMES_NOTE = "The record gives the date only; the times shown are indicative."

SERIES = [
    {
        "slug": "smart-place-seminars",
        "name": "Smart Place Seminar Series",
        "description": (
            "Seminars that test smart-city ideas against the needs of market towns and rural "
            "areas. Partners take turns to host, and an executive report follows each one."
        ),
    },
    {
        "slug": "partnership-meetings",
        "name": "Partnership meeting",
        "description": (
            "The DIZ partners' regular meeting. Since spring 2020 it has met monthly online "
            "and is open to every partner organisation."
        ),
    },
    {
        "slug": "conferences",
        "name": "Conference",
        "description": "Conferences and showcases the DIZ has delivered or presented at.",
    },
]

# Host partners are matched by any of these slugs; ones not loaded are skipped.
EFDC = ["epping-forest-district-council", "epping-forest-dc", "epping-forest"]
HARLOW = ["harlow-council", "harlow-district-council", "harlow"]
UTTLESFORD = ["uttlesford-district-council", "uttlesford"]
CVSU = ["cvs-uttlesford", "cvsu"]
CATAPULT = ["connected-places-catapult"]


def _at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


EVENTS = [
    {
        "slug": "design-in-the-public-sector-ae-workshops",
        "title": "Design in the Public Sector: A&E challenge workshops",
        "series": None,
        "summary": (
            "LGA and Design Council programme workshops on why people over 75 end up in A&E, "
            "run with health partners between October 2017 and May 2018."
        ),
        "description": (
            "A team from Epping Forest District Council, the Princess Alexandra Hospital, West "
            "Essex CCG, Essex Partnership Trust, One Epping Forest and a local GP worked through "
            "the programme's design sprints. Their ideas for better information for ambulance "
            "crews and first responders were passed to the NHS.\n\n"
            "The workshop venues are not recorded. " + TIMES_NOTE
        ),
        "start": _at(2017, 10, 2, 10),
        "end": _at(2018, 5, 31, 16),
        "format": "in-person",
        "venue_name": "Programme workshop venues",
        "address": "Not recorded",
        "postcode": "Not recorded",
        "hosts": [EFDC],
        "projects": ["design-in-the-public-sector-ae"],
    },
    {
        "slug": "smart-place-seminar-ware-2019",
        "title": "Smart Place Seminar, Ware",
        "series": "smart-place-seminars",
        "summary": (
            "The Smart Place seminar at Fletcher's Lea in Ware drew a wide range of speakers "
            "and delegates; an executive report was published afterwards."
        ),
        "description": (
            "The most recent seminar in the series when Epping Forest's cabinet was briefed in "
            "2019. Speakers and delegates came from across the public and private sectors, and "
            "the DIZ published an executive report on its website.\n\n"
            "Speaker names are not recorded. " + TIMES_NOTE
        ),
        "start": _at(2019, 4, 26, 9, 30),
        "end": _at(2019, 4, 26, 13),
        "format": "in-person",
        "venue_name": "Fletcher's Lea",
        "address": "Ware, Hertfordshire",
        "postcode": "SG12",
        "hosts": [EFDC],
        "projects": ["smart-place-seminar-series"],
    },
    {
        "slug": "5g-testbed-exploratory-workshop-2019",
        "title": "5G testbed exploratory workshop",
        "series": None,
        "summary": (
            "The Rural Connected Communities programme met DIZ partners to explore a bid for a "
            "rural 5G testbed. The record says mid-2019; the exact day shown is illustrative."
        ),
        "description": (
            "An exploratory workshop on whether the DIZ should bid to host a 5G testbed, with "
            "a second event planned. The record gives neither the exact date nor the venue."
        ),
        "start": _at(2019, 7, 1, 10),
        "end": _at(2019, 7, 1, 12),
        "format": "in-person",
        "venue_name": "Venue not recorded",
        "address": "Not recorded",
        "postcode": "Not recorded",
        "hosts": [EFDC],
        "projects": ["5g-testbed-exploration"],
    },
    {
        "slug": "lga-annual-digital-showcase-2019",
        "title": "DIZ at the LGA Annual Digital Showcase",
        "series": "conferences",
        "summary": "The DIZ presented its partnership model at the LGA Annual Digital Showcase.",
        "description": "The venue and programme are not recorded. " + TIMES_NOTE,
        "start": _at(2019, 11, 4, 10),
        "end": _at(2019, 11, 4, 16),
        "format": "in-person",
        "venue_name": "Venue not recorded",
        "address": "Not recorded",
        "postcode": "Not recorded",
        "hosts": [EFDC],
    },
    {
        "slug": "next-generation-of-digital-adoption-2020",
        "title": "Be Part of the Next Generation of Digital Adoption",
        "series": "conferences",
        "summary": (
            "A one-day conference at the BT Tower on technology, infrastructure, investment "
            "and skills for digital adoption, which the DIZ helped deliver."
        ),
        "description": (
            "Speakers from industry and government looked at what it takes for places like "
            "the DIZ to adopt digital technology: the infrastructure, the investment and the "
            "skills. " + TIMES_NOTE
        ),
        "start": _at(2020, 2, 25, 9, 30),
        "end": _at(2020, 2, 25, 16, 30),
        "format": "in-person",
        "venue_name": "BT Tower",
        "address": "60 Cleveland Street, London",
        "postcode": "W1T 4JZ",
        "hosts": [EFDC],
        "projects": ["digital-adoption-conference-bt-tower", "digital-adoption-conference"],
    },
    {
        "slug": "partnership-meeting-online-2020",
        "title": "DIZ partnership meeting, now monthly and online",
        "series": "partnership-meetings",
        "summary": (
            "From spring 2020 the partnership met monthly online, open to all partners. The "
            "meetings recurred; the single date shown is illustrative."
        ),
        "description": (
            "When COVID-19 arrived the partners already knew each other, so meetings moved "
            "online, opened up and became monthly. External speakers covered the pandemic's "
            "global impact, infrastructure and skills, and a newsletter of links shared good "
            "practice. By 2021 all five districts and both counties were attending."
        ),
        "start": _at(2020, 5, 14, 10),
        "end": _at(2020, 5, 14, 11, 30),
        "format": "online",
        "hosts": [EFDC],
        "projects": ["covid-19-collaboration"],
    },
    {
        "slug": "dl100-awards-2020",
        "title": "Digital Leaders #DL100 Awards: DIZ wins Cross-Sector Digital Collaboration",
        "series": None,
        "summary": (
            "After a public vote put the DIZ in the top three, the judges named it Cross-Sector "
            "Digital Collaboration of the Year."
        ),
        "description": (
            "The DIZ was shortlisted alongside the Geospatial Commission and PiGIS. Presenting "
            "the award, the judges praised how widely the DIZ engages across the public and "
            "private sectors, and called it a model other councils could follow.\n\n"
            "The source gives 15 October without the year; 2020 is inferred. The venue is not "
            "recorded. " + TIMES_NOTE
        ),
        "start": _at(2020, 10, 15, 18),
        "end": _at(2020, 10, 15, 20),
        "format": "in-person",
        "venue_name": "Venue not recorded",
        "address": "Not recorded",
        "postcode": "Not recorded",
        "hosts": [],
    },
    {
        "slug": "cabinet-progress-report-2021",
        "title": "Cabinet receives the DIZ Annual Progress Report 2020/21",
        "series": None,
        "summary": (
            "Epping Forest's cabinet received the DIZ's progress report for April 2020 to "
            "March 2021 and discussed the district's longer-term digital ambitions."
        ),
        "description": TIMES_NOTE,
        "start": _at(2021, 7, 12, 19),
        "end": _at(2021, 7, 12, 21),
        "format": "in-person",
        "venue_name": "Epping Forest District Council Civic Offices",
        "address": "323 High Street, Epping",
        "postcode": "CM16 4BZ",
        "hosts": [EFDC],
    },
    # --- Illustrative upcoming events (invented for the demo) ---
    {
        "slug": "partnership-meeting-january-2027",
        "title": "DIZ partnership meeting, January 2027 (Illustrative)",
        "series": "partnership-meetings",
        "summary": "Illustrative: the monthly online meeting of DIZ partners.",
        "description": "An invented example of the monthly meeting, for the demo.",
        "start": _at(2027, 1, 14, 10),
        "end": _at(2027, 1, 14, 11, 30),
        "format": "online",
        "joining_link": "https://meet.example.org/diz-partnership-2027-01",
        "capacity": 60,
        "hosts": [EFDC],
        "projects": ["covid-19-collaboration"],
    },
    {
        "slug": "small-cells-on-public-assets-2027",
        "title": "Small cells on public assets: opening the Common Asset Register",
        "series": "smart-place-seminars",
        "summary": (
            "Illustrative: how operators can use the DIZ's Common Asset Register to find "
            "sites for 5G small cells and fibre."
        ),
        "description": (
            "An invented seminar for the demo. Operators, councils and the NHS estates teams "
            "walk through the register and what makes a good small-cell site.\n\n"
            "The venue in Harlow is to be confirmed."
        ),
        "start": _at(2027, 3, 18, 10),
        "end": _at(2027, 3, 18, 13),
        "format": "hybrid",
        "venue_name": "Venue to be confirmed",
        "address": "Harlow, Essex",
        "postcode": "CM20",
        "joining_link": "https://meet.example.org/diz-small-cells-2027",
        "capacity": 80,
        "hosts": [HARLOW, EFDC],
        "projects": ["diz-wide-common-asset-register", "common-asset-register"],
        "speakers": [
            ("Illustrative speaker", "Programme manager", "DIZ"),
            ("Illustrative speaker", "Estates lead", "A DIZ partner"),
        ],
    },
    {
        "slug": "digital-buddies-five-years-on-2027",
        "title": "Digital inclusion beyond the pandemic: Digital Buddies five years on",
        "series": "smart-place-seminars",
        "summary": (
            "Illustrative: what West Essex has learned from Digital Buddies and the living "
            "smart homes."
        ),
        "description": (
            "An invented seminar for the demo, looking back at the volunteer Digital Buddies "
            "and demonstration smart homes.\n\nThe venue in Saffron Walden is to be confirmed."
        ),
        "start": _at(2027, 6, 17, 10),
        "end": _at(2027, 6, 17, 12, 30),
        "format": "in-person",
        "venue_name": "Venue to be confirmed",
        "address": "Saffron Walden, Essex",
        "postcode": "CB11",
        "capacity": 50,
        "hosts": [UTTLESFORD, CVSU],
        "projects": ["living-smart-at-home"],
    },
    {
        "slug": "clean-air-at-the-school-gate-2027",
        "title": "Clean air at the school gate: IoT results",
        "series": "smart-place-seminars",
        "summary": (
            "Illustrative: results from sensors monitoring air quality at school gates and on "
            "routes to school."
        ),
        "description": (
            "An invented seminar for the demo.\n\nThe venue in Epping is to be confirmed."
        ),
        "start": _at(2027, 9, 23, 14),
        "end": _at(2027, 9, 23, 16, 30),
        "format": "in-person",
        "venue_name": "Venue to be confirmed",
        "address": "Epping, Essex",
        "postcode": "CM16",
        "capacity": 40,
        "hosts": [EFDC, CATAPULT],
        "projects": ["school-gate-air-quality", "school-gate-air-quality-iot"],
    },
]


def _partners(candidate_lists):
    found = []
    for slugs in candidate_lists:
        partner = Partner.objects.filter(slug__in=slugs).first()
        if partner:
            found.append(partner)
    return found


def _projects(slugs):
    try:
        Project = apps.get_model("projects", "Project")
    except LookupError:
        return []
    return list(Project.objects.filter(slug__in=slugs))


@transaction.atomic
def load(stdout=None):
    series = {}
    for data in SERIES:
        obj, _ = EventSeries.objects.get_or_create(slug=data["slug"], defaults=data)
        series[data["slug"]] = obj
    created = 0
    for data in EVENTS:
        data = dict(data)
        hosts = data.pop("hosts", [])
        projects = data.pop("projects", [])
        speakers = data.pop("speakers", [])
        data["series"] = series.get(data["series"])
        data["published"] = True
        event, was_created = Event.objects.get_or_create(slug=data["slug"], defaults=data)
        if was_created:
            event.hosts.set(_partners(hosts))
            event.projects.set(_projects(projects))
            for order, (name, role, organisation) in enumerate(speakers):
                Speaker.objects.create(
                    event=event, name=name, role=role, organisation=organisation, order=order
                )
        created += was_created
    if stdout:
        stdout.write(f"Events ready; {created} created.")
