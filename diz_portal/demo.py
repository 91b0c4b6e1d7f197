"""Demo site content: the DIZ's own story, written for the portal from the partnership's sources."""

from django.db import transaction

from diz_portal.models import Page, SiteContent

INTRODUCTION = (
    "The DIZ brings together five district councils, two county councils, the NHS, colleges, "
    "the voluntary sector and private firms across west Essex and east Hertfordshire. Together "
    "they use digital infrastructure and innovation to future-proof the local economy and "
    "health and care services, and to test whether ideas proven in big cities work for market "
    "towns and countryside."
)

PAGES = [
    {
        "slug": "about",
        "title": "About the DIZ",
        "section": "about",
        "nav_order": 10,
        "summary": "Who we are, what we want to achieve, and the questions that guide us.",
        "body": """The Essex + Herts Digital Innovation Zone (DIZ) is a partnership that crosses
sectors and county borders. Epping Forest District Council co-founded it and leads it; partners
take part through their chief executives and leaders.

## Our vision

To be the best connected place of its type in the UK. A place of innovation and inclusion. A
place where the benefits of digital investment are harnessed, maximised and shared across
residents, commuters, businesses and borders.

## The questions we ask

1. How exposed is our local economy to change, and how do we protect future prosperity?
2. How good is connectivity today, and could public assets be used better to attract
   investment and go further, faster?
3. Could partners use digital together to deliver joined-up public services for less, rather
   than each commissioning alone?

## Who takes part

Local authorities, health (the commissioner, the acute hospital and community health),
community and voluntary sector umbrella bodies, a university innovation lead, the three local
colleges, strategic digital consultants, government and national bodies, and private firms
from digital infrastructure to the airport.
""",
    },
    {
        "slug": "background",
        "title": "Background",
        "section": "about",
        "nav_order": 20,
        "summary": (
            "From superfast broadband in Epping Forest to a zone the size of a hospital catchment."
        ),
        "body": """The DIZ grew out of Epping Forest's superfast broadband Rural Challenge, where a
modest council contribution drew in several million pounds of government investment and lifted
district coverage to around 97 per cent, with close to 99.7 per cent expected.

With good fibre coverage in place the question became *what next?* Districts wanted to try
smart technology, future-proof the economy and public services, and talk to infrastructure and
communications providers early. A single district was too small to make the business case, so
the footprint was widened to match the catchment of the Princess Alexandra Hospital in Harlow:
an area that shares health and economic functions across administrative boundaries.

The place sits in the UK Innovation Corridor between the digital hotspots of London and
Cambridge: a mix of market towns and countryside that looks more like most of the UK than a big
city does.
""",
    },
    {
        "slug": "how-the-diz-was-built",
        "title": "How the DIZ was built",
        "section": "about",
        "nav_order": 30,
        "summary": "Ten founding partners, a jointly funded strategy and a monthly rhythm.",
        "body": """Ten organisations founded the DIZ: local government, social care, strategic
health partners and the private sector. In 2017/18 Epping Forest District Council set aside
funding towards a co-funded digital strategy for the wider west Essex and east Herts area.

Partners then pooled about £70,000 between twelve organisations to commission the Digital
Innovation Strategy with Arup. It was adopted in 2019 and maps the area's digital strengths and
gaps, with near-term actions to improve connectivity and services.

The partnership is jointly owned. Member and executive champions and lead officers drive the
programme, a programme manager based at Epping Forest runs delivery, and partners meet monthly.
""",
    },
    {
        "slug": "lessons-learned",
        "title": "Lessons learned",
        "section": "about",
        "nav_order": 40,
        "summary": "What we would tell another place starting a cross-sector digital partnership.",
        "body": """- **Champions matter.** Member and executive champions and lead officers need to
  drive the programme.
- **Collaboration has to be genuine.** There must be something in it for every partner.
- **Share a clear vision** and build a platform for continued delivery.
- **Pool to reach further.** Bidding together opened funds none of us could reach alone, such
  as the LGA and Design Council programme and the DCMS Local Full Fibre Networks fund.
- **Keep it local, relevant and working.**
""",
    },
    {
        "slug": "collaborating-over-covid-19",
        "title": "Collaborating over COVID-19",
        "section": "about",
        "nav_order": 50,
        "summary": "How an existing partnership became a ready channel during the pandemic.",
        "body": """Because the partnership already existed, partners had a ready-made channel to
reach each other when the pandemic struck in spring 2020.

- Meetings moved online, were opened up to more partners and became monthly.
- A newsletter of web links shared best practice across organisations.
- External speakers briefed partners on the global picture, infrastructure and skills.
- The partnership positioned itself to bid together for recovery funding.

By 2021 all five district councils and both county councils were attending the monthly
meetings.
""",
    },
    {
        "slug": "contact",
        "title": "Contact",
        "section": "footer",
        "nav_order": 60,
        "summary": "How to reach the DIZ programme team.",
        "body": """The DIZ programme team is based at Epping Forest District Council.

- Email: [programme@diz.org.uk](mailto:programme@diz.org.uk)
- Operators asking about a site on the Common Asset Register: use the *Ask about this asset*
  form on the asset's page so the owner and the programme team both see it.

Partner organisations can sign in to keep their own records up to date. Ask the programme team
for an invitation.
""",
    },
    {
        "slug": "accessibility-statement",
        "title": "Accessibility statement",
        "section": "footer",
        "nav_order": 70,
        "summary": "How accessible this website is and how to report a problem.",
        "body": """This accessibility statement applies to the DIZ Portal at www.diz.org.uk, run
by the Essex + Herts Digital Innovation Zone. We want as many people as possible to be able to
use it. For example, you should be able to:

- change colours, contrast levels and fonts using browser or device settings;
- zoom in up to 400% without the text spilling off the screen;
- read every page on a screen 320 pixels wide without scrolling sideways;
- navigate the whole website using just a keyboard or speech recognition software;
- use the website with a screen reader;
- use every page with JavaScript switched off.

[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device easier to use
if you have a disability.

## How accessible this website is

We know some parts of this website are not fully accessible:

- the asset register map is made of picture tiles from OpenStreetMap, and the tiles have no
  text alternative. The table beside the map lists the same assets, with their addresses and
  details, and works without the map;
- some PDF and Word (DOCX) documents uploaded by partners may not be accessible, for example
  they may not be structured so they are easy to use with a screen reader.

## How we built and tested it

The portal uses the GOV.UK Frontend design system, in the DIZ's own colours. Pages are written
in plain HTML that works without JavaScript: the asset map is an extra on top of the table of
assets, not a replacement for it.

Before each release we test every public page, every partner page and every error page
automatically in a real browser (headless Chromium) with axe-core, against the Web Content
Accessibility Guidelines (WCAG) version 2.2 at AA standard. The same tests check that each page
reflows at a width of 320 CSS pixels, with no sideways scrolling.

We also checked by hand that the home page, the asset register and a form still work with
increased text spacing and when zoomed to 200%.

## Compliance status

This website is partially compliant with the Web Content Accessibility Guidelines version 2.2
AA standard, because of the problems listed above.

## Reporting accessibility problems with this website

We are always looking to improve the accessibility of this website. If you find a problem that
is not listed on this page, or need information in a different format such as large print or
plain text, email [programme@diz.org.uk](mailto:programme@diz.org.uk). Tell us the web address
of the page and what the problem is. We will reply within 5 working days.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the
accessibility regulations). If you are not happy with how we respond to your complaint,
[contact the Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/).

## Preparation of this accessibility statement

This statement was prepared on 6 December 2026. The website was last tested on 6 December
2026 by the DIZ programme team, using the automated tests described above and the manual
checks of text spacing and zoom.
""",
    },
    {
        "slug": "privacy-notice",
        "title": "Privacy notice",
        "section": "footer",
        "nav_order": 80,
        "summary": "What personal data the portal holds, why, and for how long.",
        "body": """Epping Forest District Council, as lead partner of the DIZ, is the data
controller for this portal.

## What we hold

- **Event registrations:** your name, email address, organisation and any access or dietary
  needs you tell us, so we can run the event. We delete them after the event's retention period.
- **Asset enquiries:** your name, organisation, email and message, shared with the asset's
  owner so they can reply.
- **Partner accounts:** name, email address and the organisation you represent, and a record
  of the changes you make to its entries.

We do not sell personal data or use it for marketing. You can ask to see, correct or delete
your data by emailing [programme@diz.org.uk](mailto:programme@diz.org.uk).
""",
    },
    {
        "slug": "cookies",
        "title": "Cookies",
        "section": "footer",
        "nav_order": 90,
        "summary": "The small number of essential cookies this site uses.",
        "body": """We use only essential cookies. We do not use analytics or advertising cookies.

| Name | Purpose | Expires |
| --- | --- | --- |
| `csrftoken` | Protects forms against cross-site request forgery | 1 year |
| `sessionid` | Keeps partner users signed in | 2 weeks |
| `messages` | Shows a confirmation after you submit a form | When you close the browser |
""",
    },
]


@transaction.atomic
def load(stdout=None):
    content = SiteContent.objects.current()
    if not content.introduction:
        content.introduction = INTRODUCTION
        content.figures_note = (
            "Figures as published by the DIZ: two local enterprise partnerships cover the area."
        )
        content.save()
    created = 0
    for data in PAGES:
        _, was_created = Page.objects.get_or_create(slug=data["slug"], defaults=data)
        created += was_created
    if stdout:
        stdout.write(f"Site content ready; {created} content page(s) created.")
