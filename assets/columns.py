"""The register's open-data columns: one list used by the CSV and GeoJSON exports, the CSV
import, the import template and the data dictionary page, so they can never disagree."""

from dataclasses import dataclass

from assets.models import Asset

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Essex + Herts Digital Innovation Zone Common Asset Register."
)


@dataclass(frozen=True)
class Column:
    name: str
    lookup: str  # values_list() lookup for exports
    meaning: str
    type: str
    required: bool = False
    choices: tuple = ()
    allowed: str = ""
    export_only: bool = False
    # May be left out of an import's header: existing assets keep their values, new ones
    # get the default. The suitability profile's columns are optional, so files made before
    # they existed still import.
    optional: bool = False

    @property
    def allowed_values(self):
        if self.choices:
            return ", ".join(f"{value} ({label})" for value, label in self.choices)
        return self.allowed


YES_NO = "yes or no (an empty cell means no)"

COLUMNS = [
    Column(
        "reference",
        "reference",
        "The asset's unique, permanent reference: owner code, type code and number.",
        "text (up to 40 characters)",
        required=True,
        allowed="Capital letters, digits and hyphens, e.g. HDC-LC-000123. Import matches rows "
        "to existing assets by this column.",
    ),
    Column("name", "name", "A short, human-readable name.", "text (up to 200)", required=True),
    Column(
        "asset_type",
        "asset_type",
        "What kind of asset it is.",
        "code",
        required=True,
        choices=tuple(Asset.AssetType.choices),
    ),
    Column(
        "owner",
        "owner__slug",
        "The partner organisation that owns or manages the asset (its portal slug).",
        "code",
        required=True,
        allowed="A partner's slug as in its page address, e.g. harlow-council. When importing "
        "for your own organisation it may be left empty.",
    ),
    Column(
        "district",
        "district__slug",
        "The DIZ district the asset is in.",
        "code",
        required=True,
        allowed="broxbourne, east-hertfordshire, epping-forest, harlow, uttlesford",
    ),
    Column(
        "address",
        "address",
        "Street, place and town.",
        "text (up to 300)",
        required=True,
    ),
    Column(
        "postcode",
        "postcode",
        "Postcode, if the asset has one.",
        "UK postcode",
        allowed="A full UK postcode; stored in capitals with one space, e.g. CM20 1HH.",
    ),
    Column(
        "uprn",
        "uprn",
        "Unique Property Reference Number (GeoPlace), if the asset has one.",
        "digits (up to 12)",
    ),
    Column(
        "usrn",
        "usrn",
        "Unique Street Reference Number (GeoPlace) of the street the asset is on.",
        "digits (up to 8)",
    ),
    Column(
        "latitude",
        "latitude",
        "Latitude, WGS84 (EPSG:4326), ISO 6709 decimal degrees. Where location_generalised "
        "is yes, open data gives it rounded to 3 decimal places (about 100 metres).",
        "decimal (6 places)",
        required=True,
        allowed="49.8 to 60.9 (Great Britain). More than 6 decimal places are rounded.",
    ),
    Column(
        "longitude",
        "longitude",
        "Longitude, WGS84 (EPSG:4326), ISO 6709 decimal degrees. Where location_generalised "
        "is yes, open data gives it rounded to 3 decimal places (about 100 metres).",
        "decimal (6 places)",
        required=True,
        allowed="-8.7 to 1.8 (Great Britain). More than 6 decimal places are rounded.",
    ),
    Column(
        "easting",
        "easting",
        "British National Grid easting (OSGB36, EPSG:27700), in metres, derived from the "
        "latitude and longitude (to the nearest 100 metres where location_generalised is yes).",
        "integer",
        allowed="Export only: ignored on import and worked out again.",
        export_only=True,
    ),
    Column(
        "northing",
        "northing",
        "British National Grid northing (OSGB36, EPSG:27700), in metres, derived from the "
        "latitude and longitude (to the nearest 100 metres where location_generalised is yes).",
        "integer",
        allowed="Export only: ignored on import and worked out again.",
        export_only=True,
    ),
    Column(
        "height_m",
        "height_m",
        "Height of the structure or roof above ground, in metres.",
        "decimal (2 places)",
        allowed="0 to 500; empty if not known.",
    ),
    Column("power_available", "power_available", "Power is available at the asset.", YES_NO),
    Column(
        "power_supply",
        "power_supply",
        "The kind of power supply at the asset. Part-night supplies switch off for part of "
        "the night (Hertfordshire's part-night street lights are off from 1 a.m. to 5 a.m.); "
        "dusk-to-dawn supplies are on only while it is dark; 24-hour supplies are on all the "
        "time, metered or unmetered (UMS). Empty if not known.",
        "code",
        choices=tuple(Asset.PowerSupply.choices),
        allowed="",
    ),
    Column(
        "fibre_connected", "fibre_connected", "The asset already has a fibre connection.", YES_NO
    ),
    Column(
        "material",
        "material",
        "Main material of the structure (street furniture: concrete columns do not take "
        "attachments).",
        "code",
        choices=tuple(Asset.Material.choices),
    ),
    Column(
        "kerb_offset_mm",
        "kerb_offset_mm",
        "Distance from the kerb or carriageway edge, in millimetres (Essex Highways asks for at "
        "least 450 mm to the edge of a device).",
        "whole number",
    ),
    Column(
        "tenure",
        "tenure",
        "How the owner holds the asset (Transparency Code tenure and category).",
        "code",
        choices=tuple(Asset.Tenure.choices),
    ),
    Column(
        "access_model",
        "access_model",
        "The commercial model for operator access (gov.uk Access to public sector assets).",
        "code",
        choices=tuple(Asset.AccessModel.choices),
    ),
    Column("current_use", "current_use", "What the asset is used for now.", "text (up to 200)"),
    Column(
        "availability",
        "availability",
        "Whether an operator can use the asset.",
        "code",
        required=True,
        choices=tuple(Asset.Availability.choices),
    ),
    Column(
        "visibility",
        "visibility",
        "Who may see the asset. Partners-only assets never appear in public pages or open data.",
        "code",
        required=True,
        choices=tuple(Asset.Visibility.choices),
    ),
    Column(
        "viability_confirmed",
        "viability_confirmed",
        "The owner has confirmed the site is viable for telecoms use.",
        YES_NO,
    ),
    Column(
        "structural_assessed_on",
        "structural_assessed_on",
        "Date of the last structural assessment (called structural_check_date before June "
        "2026; imports still accept that name).",
        "date (YYYY-MM-DD)",
    ),
    Column(
        "known_constraints",
        "known_constraints",
        "Anything known that could block or slow deployment: conservation area, listed "
        "building, rights of way, Green Belt, underground services.",
        "text",
    ),
    Column("notes", "notes", "Anything else an operator should know.", "text"),
    Column(
        "last_verified",
        "last_verified",
        "When the owner last checked this record.",
        "date (YYYY-MM-DD)",
    ),
    Column(
        "data_source",
        "data_source",
        "Where the record came from.",
        "text (up to 200)",
    ),
    # The telecoms suitability profile and freshness (added June 2026; optional on import).
    Column(
        "owner_asset_number",
        "owner_asset_number",
        "The owner's own number for the asset, as in its asset management system.",
        "text (up to 50)",
        optional=True,
    ),
    Column(
        "structural_next_due",
        "structural_next_due",
        "When the next structural assessment is due.",
        "date (YYYY-MM-DD)",
        allowed="After structural_assessed_on; empty if not known.",
        optional=True,
    ),
    Column(
        "load_rating",
        "load_rating",
        "Load or spare capacity: what more the structure can carry, in the owner's words.",
        "text (up to 100)",
        allowed="For example: spare capacity: 2 small cells; or 25 kg at 6 m.",
        optional=True,
    ),
    Column(
        "mounting_height_m",
        "mounting_height_m",
        "The highest point equipment could be fixed at, in metres above ground.",
        "decimal (2 places)",
        allowed="More than 0, up to 500; empty if not known.",
        optional=True,
    ),
    Column(
        "duct_internal_diameter_mm",
        "duct_internal_diameter_mm",
        "Internal diameter of the duct, in millimetres. Ducts and chambers only.",
        "whole number",
        allowed="1 to 2,000; empty for every other asset type.",
        optional=True,
    ),
    Column(
        "duct_fill_percent",
        "duct_fill_percent",
        "How full the duct is, as a percentage of its cross-section. Ducts and chambers only.",
        "whole number",
        allowed="0 to 100; empty for every other asset type.",
        optional=True,
    ),
    Column(
        "planning_constraints",
        "planning_constraints",
        "Planning designations at the site, as codes. Empty means nobody has checked yet; "
        "none_known means checked and none found.",
        "codes, separated by semicolons",
        allowed="Any of conservation_area (Conservation area), listed_building (Listed "
        "building), green_belt (Green Belt), aonb (National Landscape, formerly Area of "
        "Outstanding Natural Beauty), separated by semicolons, e.g. "
        "conservation_area;green_belt; or none_known on its own.",
        optional=True,
    ),
    Column(
        "review_by",
        "review_by",
        "When the owner will next check this record.",
        "date (YYYY-MM-DD)",
        allowed="Empty: 12 months after last_verified.",
        optional=True,
    ),
    Column(
        "location_generalised",
        "location_generalised",
        "The position is published rounded to about 100 metres, for a sensitive site: "
        "latitude and longitude to 3 decimal places, easting and northing to 100 metres.",
        YES_NO,
        optional=True,
    ),
]

COLUMN_NAMES = [column.name for column in COLUMNS]
IMPORT_COLUMNS = [column.name for column in COLUMNS if not column.export_only]
BOOLEAN_COLUMNS = {
    "power_available",
    "fibre_connected",
    "viability_confirmed",
    "location_generalised",
}
OPTIONAL_COLUMNS = {column.name for column in COLUMNS if column.optional}
# Former column names an import still accepts.
COLUMN_ALIASES = {"structural_check_date": "structural_assessed_on"}
