"""Demo assets: the illustrative rows in demo_data/illustrative-assets.csv (real places, invented
assets), converted to the register's CSV columns and loaded through the same importer partners
use. Every one is marked "Illustrative"; the hospital rooftops are partners-only.
"""

import csv
import io
from datetime import date
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from assets import importer
from assets.columns import COLUMN_NAMES
from assets.models import Asset, Enquiry, EnquiryRequest
from partners.models import District, Partner, Sector

SOURCE = Path(__file__).parent / "demo_data" / "illustrative-assets.csv"
ILLUSTRATIVE = "Illustrative demo data: not a real asset"
LAST_VERIFIED = "2026-10-01"

# Owner in the source file -> (partner slug, note when the owner is mapped to a partner).
OWNERS = {
    "Harlow Council": ("harlow-council", ""),
    "Epping Forest District Council": ("epping-forest-district-council", ""),
    "East Hertfordshire District Council": ("east-hertfordshire-district-council", ""),
    "Broxbourne Borough Council": ("broxbourne-borough-council", ""),
    "Uttlesford District Council": ("uttlesford-district-council", ""),
    "Uttlesford District Council (illustrative; may be parish-owned)": (
        "uttlesford-district-council",
        "The land may belong to the parish; listed under the district council.",
    ),
    "Parish council (illustrative)": (
        "uttlesford-district-council",
        "Owned by the parish council, which is not a DIZ partner; listed under the district "
        "council.",
    ),
    "The Princess Alexandra Hospital NHS Trust": ("the-princess-alexandra-hospital-nhs-trust", ""),
    "NHS estate (site used by PAH)": (
        "the-princess-alexandra-hospital-nhs-trust",
        "NHS estate used by the Princess Alexandra Hospital; listed under the trust.",
    ),
}
# Partners the assets need, created here if the partners demo has not made them.
PARTNERS = {
    "harlow-council": ("Harlow Council", Sector.LOCAL_AUTHORITY, ["harlow"]),
    "epping-forest-district-council": (
        "Epping Forest District Council",
        Sector.LOCAL_AUTHORITY,
        ["epping-forest"],
    ),
    "east-hertfordshire-district-council": (
        "East Hertfordshire District Council",
        Sector.LOCAL_AUTHORITY,
        ["east-hertfordshire"],
    ),
    "broxbourne-borough-council": (
        "Broxbourne Borough Council",
        Sector.LOCAL_AUTHORITY,
        ["broxbourne"],
    ),
    "uttlesford-district-council": (
        "Uttlesford District Council",
        Sector.LOCAL_AUTHORITY,
        ["uttlesford"],
    ),
    "essex-county-council": (
        "Essex County Council",
        Sector.LOCAL_AUTHORITY,
        ["epping-forest", "harlow", "uttlesford"],
    ),
    "hertfordshire-county-council": (
        "Hertfordshire County Council",
        Sector.LOCAL_AUTHORITY,
        ["broxbourne", "east-hertfordshire"],
    ),
    "the-princess-alexandra-hospital-nhs-trust": (
        "The Princess Alexandra Hospital NHS Trust",
        Sector.HEALTH_ACUTE,
        ["harlow"],
    ),
}
TYPES = {
    "CCTV column": Asset.AssetType.CCTV_COLUMN,
    "Building rooftop": Asset.AssetType.ROOFTOP,
    "Lighting column": Asset.AssetType.LAMP_COLUMN,
    "Lighting column (heritage)": Asset.AssetType.LAMP_COLUMN,
    "Duct access chamber": Asset.AssetType.DUCT_CHAMBER,
    "Land parcel": Asset.AssetType.LAND,
    "Car park": Asset.AssetType.LAND,
    "Car park (multi-storey deck)": Asset.AssetType.BUILDING,
    "Bus shelter": Asset.AssetType.BUS_SHELTER,
}
MATERIALS = {
    "steel": Asset.Material.STEEL,
    "aluminium": Asset.Material.ALUMINIUM,
    "concrete": Asset.Material.CONCRETE,
    "flat roof (concrete)": Asset.Material.CONCRETE,
    "concrete deck": Asset.Material.CONCRETE,
    "cast iron (heritage)": Asset.Material.CAST_IRON,
    "polymer chamber": Asset.Material.COMPOSITE,
    "steel & glass": Asset.Material.STEEL,
}
POWER = {
    "metered": Asset.PowerSupply.METERED_24H,
    "unmetered supply (shelter lighting)": Asset.PowerSupply.DUSK_TO_DAWN,
    "unmetered": Asset.PowerSupply.UNMETERED_24H,
    "none": Asset.PowerSupply.NONE,
    "n/a": Asset.PowerSupply.NONE,
}
# Street lights: Hertfordshire's part-night lights are off from 1 a.m. to 5 a.m. (illustrative:
# which columns are part-night is invented here).
PART_NIGHT_PREFIXES = ("HCC-SL-",)
# Words in the source's constraints -> planning constraint codes.
PLANNING = {
    "conservation area": Asset.PlanningConstraint.CONSERVATION_AREA,
    "listed": Asset.PlanningConstraint.LISTED_BUILDING,
    "green belt": Asset.PlanningConstraint.GREEN_BELT,
}
# Illustrative review-by dates that have come round, so the dashboard shows assets due.
REVIEW_DUE = {"HCC-SL-EH-30115": "2026-11-30", "EHDC-CP-0012": "2026-12-15"}
# An illustrative sensitive site whose public position is generalised to about 100 m.
GENERALISED = {"BBC-CCTV-0015"}
PROFILE_NOTE = "Its telecoms suitability details are illustrative too."
TENURE = {
    "freehold – occupied by LA": Asset.Tenure.FREEHOLD_OCCUPIED,
    "freehold – occupied by owner": Asset.Tenure.FREEHOLD_OCCUPIED,
    "freehold – leased to operator": Asset.Tenure.FREEHOLD_LEASED,
    "highway asset": Asset.Tenure.HIGHWAY,
    "highway licence": Asset.Tenure.LICENCE,
}
AVAILABILITY = {
    "Available": Asset.Availability.AVAILABLE,
    "Under assessment": Asset.Availability.UNDER_DISCUSSION,
    "Licensed to operator": Asset.Availability.IN_USE,
    "Not suitable": Asset.Availability.NOT_AVAILABLE,
    "Restricted": Asset.Availability.UNDER_DISCUSSION,
}
# Postcodes of the public buildings whose addresses are well known; other rows have none.
POSTCODES = {
    "HDC-BLD-0001": "CM20 1WG",
    "PAH-BLD-0002": "CM20 1QX",
    "EFDC-BLD-0001": "CM16 4BZ",
    "EHDC-BLD-0001": "SG13 8EQ",
    "UDC-BLD-0001": "CB11 4ER",
}
DISTRICTS = {
    "Harlow": "harlow",
    "Epping Forest": "epping-forest",
    "East Hertfordshire": "east-hertfordshire",
    "Broxbourne": "broxbourne",
    "Uttlesford": "uttlesford",
}


def _owner(source_owner):
    if source_owner.startswith("Essex County Council"):
        return "essex-county-council", ""
    if source_owner.startswith("Hertfordshire County Council"):
        return "hertfordshire-county-council", ""
    return OWNERS[source_owner]


def _power(text, reference=""):
    for prefix, supply in POWER.items():
        if text.startswith(prefix):
            if supply == Asset.PowerSupply.UNMETERED_24H and reference.startswith(
                PART_NIGHT_PREFIXES
            ):
                return Asset.PowerSupply.PART_NIGHT
            return supply
    return ""


def profile(number, row, asset_type, height):
    """Illustrative suitability values for one source row (the `number`th), as CSV cells:
    plausible for the kind of asset, never real survey results."""
    constraints = row["constraints"].lower()
    codes = [code for words, code in PLANNING.items() if words in constraints]
    if not codes and _clean(row["constraints"]) == "":
        codes = [Asset.PlanningConstraint.NONE_KNOWN]
    values = {
        "planning_constraints": ";".join(codes),
        "owner_asset_number": "",
        "structural_assessed_on": "",
        "structural_next_due": "",
        "load_rating": "",
        "mounting_height_m": "",
        "duct_internal_diameter_mm": "",
        "duct_fill_percent": "",
        "review_by": REVIEW_DUE.get(row["asset_id"], ""),
        "location_generalised": "yes" if row["asset_id"] in GENERALISED else "no",
    }
    columns = (Asset.AssetType.LAMP_COLUMN, Asset.AssetType.CCTV_COLUMN)
    if asset_type in columns:
        values["owner_asset_number"] = f"COL/{row['asset_id'].rsplit('-', 1)[-1]}"
        year = 2021 + number % 4
        values["structural_assessed_on"] = f"{year}-{1 + number % 12:02d}-15"
        values["structural_next_due"] = f"{year + 6}-{1 + number % 12:02d}-15"
        if height:
            values["mounting_height_m"] = f"{max(float(height) - 0.5, 2.5):.1f}"
        if "concrete" in constraints:
            values["load_rating"] = "none: concrete columns take no attachments"
        elif asset_type == Asset.AssetType.CCTV_COLUMN:
            values["load_rating"] = "spare capacity: 2 small cells"
        else:
            values["load_rating"] = "spare capacity: 1 small cell (up to 25 kg)"
    elif asset_type in (Asset.AssetType.ROOFTOP, Asset.AssetType.BUILDING):
        if "survey required" not in constraints:
            values["structural_assessed_on"] = f"2024-{1 + number % 12:02d}-01"
            values["structural_next_due"] = f"2029-{1 + number % 12:02d}-01"
            values["load_rating"] = "roof space for 3 antenna frames"
        if height:
            values["mounting_height_m"] = f"{float(height) + 3:.1f}"
    elif asset_type == Asset.AssetType.BUS_SHELTER:
        values["mounting_height_m"] = "2.5"
        values["load_rating"] = "spare capacity: 1 small cell on the roof"
    elif asset_type == Asset.AssetType.DUCT_CHAMBER:
        values["duct_internal_diameter_mm"] = "100"
        values["duct_fill_percent"] = str(20 + number % 50)
    return values


def _clean(text):
    return "" if text.strip() in {"", "—", "-", "n/a"} else text.strip()


def demo_name(place, source_type):
    """The place, then what the asset is, keeping acronyms and not repeating what the place
    already says: "Water Gardens CCTV column", "High Street car park"."""
    kind = " ".join(
        word if word.isupper() else word.lower() for word in source_type.split(" (")[0].split()
    )
    if place.lower().endswith(kind.lower()):
        return place
    return f"{place} {kind}"


def convert(source_text, slugs=None):
    """The illustrative rows as a register CSV (text), ready for the importer."""
    slugs = slugs or {}
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMN_NAMES, extrasaction="raise")
    writer.writeheader()
    for number, row in enumerate(csv.DictReader(io.StringIO(source_text))):
        slug, owner_note = _owner(row["owner"])
        supply = _power(row["power"], row["asset_id"])
        restricted = row["availability"] == "Restricted"
        asset_type = TYPES[row["asset_type"]]
        use = _clean(row["telecoms_use"])
        notes = [ILLUSTRATIVE + ".", PROFILE_NOTE]
        if use:
            notes.append(f"Suggested telecoms use: {use}.")
        if owner_note:
            notes.append(owner_note)
        if row["asset_type"] != asset_type.label:
            notes.append(f"Described in the source as: {row['asset_type']}.")
        place = row["location"].split(",")[0]
        writer.writerow(
            {
                "reference": row["asset_id"],
                "name": demo_name(place, row["asset_type"]),
                "asset_type": asset_type,
                "owner": slugs.get(slug, slug),
                "district": DISTRICTS[row["district"]],
                "address": row["location"],
                "postcode": POSTCODES.get(row["asset_id"], ""),
                "latitude": row["lat"],
                "longitude": row["lon"],
                "height_m": _clean(row["height_m"]),
                "power_available": "yes" if supply and supply != Asset.PowerSupply.NONE else "no",
                "power_supply": supply,
                "fibre_connected": "yes"
                if asset_type in (Asset.AssetType.CCTV_COLUMN, Asset.AssetType.ROOFTOP)
                else "no",
                "material": MATERIALS.get(row["material"], ""),
                "kerb_offset_mm": _clean(row["kerb_offset_mm"]),
                "tenure": TENURE.get(row["tenure"], ""),
                "access_model": "",
                "current_use": "Car park" if row["asset_type"].startswith("Car park") else "",
                "availability": AVAILABILITY[row["availability"]],
                "visibility": Asset.Visibility.PARTNERS if restricted else Asset.Visibility.PUBLIC,
                "viability_confirmed": "yes"
                if row["availability"] == "Licensed to operator"
                else "no",
                "known_constraints": _clean(row["constraints"]),
                "notes": " ".join(notes),
                "last_verified": LAST_VERIFIED,
                "data_source": ILLUSTRATIVE,
                **profile(number, row, asset_type, _clean(row["height_m"])),
            }
        )
    return output.getvalue()


def _ensure_partners():
    """{slug the demo wants: slug it has}; partners missing from the partners demo are made."""
    districts = {d.slug: d for d in District.objects.all()}
    slugs = {}
    for slug, (name, sector, district_slugs) in PARTNERS.items():
        partner = (
            Partner.objects.filter(slug=slug).first() or Partner.objects.filter(name=name).first()
        )
        if partner is None:
            partner = Partner.objects.create(
                slug=slug, name=name, sector=sector, short_description=f"{name}: a DIZ partner."
            )
            partner.districts.set([districts[s] for s in district_slugs if s in districts])
        slugs[slug] = partner.slug
    return slugs


@transaction.atomic
def load(stdout=None):
    slugs = _ensure_partners()
    text = convert(SOURCE.read_text(encoding="utf-8"), slugs=slugs)
    result = importer.import_file(text.encode("utf-8"))
    if not result.ok:
        raise RuntimeError("Demo assets did not load: " + "; ".join(map(str, result.problems)))
    if stdout:
        stdout.write(f"Assets ready (illustrative): {result.summary}")
    load_brokerage(slugs, stdout=stdout)
    return result


# The demo partner user's organisation (partners.demo.DEMO_MEMBER_PARTNER): one agreed enquiry
# with its agreement, and one at "terms offered" so the agreement form can be tried.
BROKERAGE_OWNER = "epping-forest-district-council"
DEMO_OPERATOR = {
    "name": "Alex Example",
    "organisation": "Illustrative Networks Ltd (demo operator)",
    "email": "operator@example.com",
}
AGREED_ASSETS = ["EFDC-CCTV-0021"]  # "licensed to operator" in the source file: already in use
OFFERED_ASSETS = ["EFDC-BLD-0001", "EFDC-CP-0009"]


def illustrative_pdf(title, lines):
    """A small, valid one-page PDF (Helvetica text), made without a PDF library."""

    def text(value):
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT", "/F1 16 Tf", "72 760 Td", f"({text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        commands += ["0 -22 Td", f"({text(line)}) Tj"]
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def load_brokerage(slugs, stdout=None):
    """The demo brokerage: an illustrative standard agreement for the demo owner, an agreed
    enquiry with its agreement and one at "terms offered". Made once: a second run finds the
    demo operator's requests and changes nothing."""
    owner = Partner.objects.filter(slug=slugs.get(BROKERAGE_OWNER, BROKERAGE_OWNER)).first()
    if owner is None:
        return
    if not owner.agreement_template:
        owner.agreement_template = ContentFile(
            illustrative_pdf(
                "Illustrative template: standard small-cell access agreement",
                [
                    f"{owner.name} and the operator named in the schedule.",
                    "Demonstration only: not a real agreement. Councils adapt the standard",
                    "small-cell model agreement for their own street furniture and buildings.",
                ],
            ),
            name="illustrative-template.pdf",
        )
        owner._change_reason = "Demo: illustrative agreement template"
        owner.save()
    if EnquiryRequest.objects.filter(email=DEMO_OPERATOR["email"]).exists():
        return
    by_reference = {a.reference: a for a in Asset.objects.filter(owner=owner)}
    agreed_assets = [by_reference[r] for r in AGREED_ASSETS if r in by_reference]
    offered_assets = [by_reference[r] for r in OFFERED_ASSETS if r in by_reference]
    if agreed_assets:
        request = EnquiryRequest.submit(
            agreed_assets,
            **DEMO_OPERATOR,
            install="One small cell on the column (illustrative)",
            message="Illustrative demo enquiry: could we put a small cell on this column?",
        )
        enquiry = request.new_enquiries[0]
        enquiry.move_to(Enquiry.Status.UNDER_REVIEW, note="Illustrative: survey booked.")
        enquiry.move_to(Enquiry.Status.TERMS_OFFERED, note="Illustrative: our standard terms.")
        enquiry.agree(
            date(2026, 4, 1),
            60,
            reference="EFDC-SC-0001 (illustrative)",
            notes="Illustrative demo agreement: no signed copy is kept for demo data.",
            note="Illustrative: agreement recorded.",
        )
    if offered_assets:
        request = EnquiryRequest.submit(
            offered_assets,
            **DEMO_OPERATOR,
            install="Small cells on the roof and in the car park (illustrative)",
            message="Illustrative demo enquiry: we would like to survey both sites.",
        )
        enquiry = request.new_enquiries[0]
        enquiry.move_to(Enquiry.Status.TERMS_OFFERED, note="Illustrative: our standard terms.")
    if stdout:
        stdout.write(f"Brokerage ready (illustrative): enquiries and an agreement for {owner}.")
