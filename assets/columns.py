"""The register's open-data columns: one list used by the CSV and GeoJSON exports, the CSV
import, the import template and the data dictionary page, so they can never disagree."""

from dataclasses import dataclass

from assets.models import Asset

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
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
        "Latitude, WGS84 (EPSG:4326), ISO 6709 decimal degrees.",
        "decimal (6 places)",
        required=True,
        allowed="49.8 to 60.9 (Great Britain). More than 6 decimal places are rounded.",
    ),
    Column(
        "longitude",
        "longitude",
        "Longitude, WGS84 (EPSG:4326), ISO 6709 decimal degrees.",
        "decimal (6 places)",
        required=True,
        allowed="-8.7 to 1.8 (Great Britain). More than 6 decimal places are rounded.",
    ),
    Column(
        "easting",
        "easting",
        "British National Grid easting (OSGB36, EPSG:27700), in metres, derived from the "
        "latitude and longitude.",
        "integer",
        allowed="Export only: ignored on import and worked out again.",
        export_only=True,
    ),
    Column(
        "northing",
        "northing",
        "British National Grid northing (OSGB36, EPSG:27700), in metres, derived from the "
        "latitude and longitude.",
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
        "The kind of power supply at or near the asset.",
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
        "structural_check_date",
        "structural_check_date",
        "Date of the last structural check.",
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
]

COLUMN_NAMES = [column.name for column in COLUMNS]
IMPORT_COLUMNS = [column.name for column in COLUMNS if not column.export_only]
BOOLEAN_COLUMNS = {"power_available", "fibre_connected", "viability_confirmed"}
