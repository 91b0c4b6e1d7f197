"""CSV import of assets: the one implementation behind `manage.py import_assets`, the admin and
the partner dashboard.

An import is an AssetImport row that goes through two background jobs (assets.tasks):

1. `check(batch)` streams the file row by row, records every problem in every row
   (AssetImportProblem, rows numbered as a spreadsheet shows them: the header is row 1) and
   stages every good row in the register's own column types (StagedAsset). It writes in short
   transactions of CHUNK rows, so the site stays responsive, and nothing reaches the register.
2. `apply(batch)`, after someone confirms a clean check, writes every staged row in one
   transaction with set-based SQL (one INSERT … SELECT, one UPDATE … FROM, one INSERT of
   history rows), then bumps the page cache once. All or nothing: any failure rolls it all back.

Rows are matched to existing assets by reference (upsert); a row that changes nothing is not
staged, so importing an export of the register adds no history.
"""

import csv
import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from assets.columns import (
    BOOLEAN_COLUMNS,
    COLUMN_ALIASES,
    COLUMN_NAMES,
    COLUMNS,
    IMPORT_COLUMNS,
    OPTIONAL_COLUMNS,
)
from assets.models import (
    STAGED_COLUMNS,
    Asset,
    AssetImport,
    AssetImportProblem,
    StagedAsset,
    to_british_national_grid_many,
)
from diz_portal import cache as page_cache
from diz_portal import csvsafe, search
from partners.models import District, Partner

logger = logging.getLogger(__name__)

TRUE_VALUES = {"yes", "y", "true", "1"}
FALSE_VALUES = {"no", "n", "false", "0", ""}
# Model fields the import writes (everything in the CSV except owner/district and derived ones).
FIELD_COLUMNS = [name for name in IMPORT_COLUMNS if name not in ("owner", "district")]
CHOICE_COLUMNS = {column.name: column for column in COLUMNS if column.choices}
SIX_PLACES = Decimal("0.000001")
# Rows checked, staged and committed together: short write transactions keep SQLite's single
# writer lock free for registrations and edits while a county-sized file is checked.
CHUNK = 1000
# A register file has 30 columns: far more is not one, and a 50,000-column header must not
# keep a worker busy.
MAX_COLUMNS = 100
# No cell of a register row is anywhere near this long (the longest fields hold 5,000).
MAX_CELL_CHARACTERS = 10_000
# Every problem is counted; this many are kept to list.
MAX_PROBLEMS_KEPT = 50_000
CHANGE_REASON = "CSV import"
DISCARD_ROWS = 5000

csv.field_size_limit(MAX_CELL_CHARACTERS)


class FileProblem(Exception):
    """The file as a whole cannot be read."""


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        """As people read it: Row 12, latitude: enter a latitude between 49.8 and 60.9 …"""
        message = self.message
        # "Enter …" reads on after the colon as "enter …"; "ALP-LC-1 is …" stays as it is.
        if message[:1].isupper() and message[1:2].islower():
            message = message[0].lower() + message[1:]
        return f"Row {self.row}" + (f", {self.column}" if self.column else "") + f": {message}"


def file_size(size):
    """A file size as people say it: 50 bytes, 12 KB, 1.5 MB."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size / (1024 * 1024):,.1f} MB".replace(".0 MB", " MB")


# --- what people see when a cell is wrong ----------------------------------------------------
# Each message says what to enter, in the column's own terms; the preview shows it with the
# row number and column, so together they read "Row 12, latitude: enter a latitude between
# 49.8 and 60.9, for example 51.767". The dashboard's asset form uses the same wording.
LATITUDE = "Enter a latitude between 49.8 and 60.9, for example 51.767"
LONGITUDE = "Enter a longitude between -8.7 and 1.8, for example 0.093"
IMPORT_DATE = "Enter the date as year-month-day, for example 2026-03-01, or leave the cell empty"
NUMBER_CODES = ("required", "blank", "null", "invalid", "min_value", "max_value", "max_digits",
                "max_decimal_places", "max_whole_digits")  # fmt: skip
CELL_MESSAGES = {
    "reference": {
        "blank": "Enter a reference, such as HDC-LC-000123",
        "invalid": "Enter a reference of capital letters, numbers and hyphens only, such as "
        "HDC-LC-000123",
        "max_length": "Enter a reference of 40 characters or fewer, such as HDC-LC-000123",
    },
    "name": {"blank": "Enter a name for the asset"},
    "address": {"blank": "Enter the address: street, place and town"},
    "postcode": {
        "invalid_postcode": "Enter a full UK postcode, such as CM20 1HH, or leave the cell empty",
        "max_length": "Enter a full UK postcode, such as CM20 1HH, or leave the cell empty",
    },
    "uprn": {
        "invalid": "Enter the UPRN as 1 to 12 digits, or leave the cell empty",
        "max_length": "Enter the UPRN as 1 to 12 digits, or leave the cell empty",
    },
    "usrn": {
        "invalid": "Enter the USRN as 1 to 8 digits, or leave the cell empty",
        "max_length": "Enter the USRN as 1 to 8 digits, or leave the cell empty",
    },
    "latitude": dict.fromkeys(NUMBER_CODES, LATITUDE),
    "longitude": dict.fromkeys(NUMBER_CODES, LONGITUDE),
    "height_m": {
        "invalid": "Enter the height in metres as a number, for example 10.5, or leave the "
        "cell empty",
        "min_value": "Enter a height of 0 metres or more",
        "max_value": "Enter a height of 500 metres or less",
        "max_digits": "Enter a height of 500 metres or less",
        "max_whole_digits": "Enter a height of 500 metres or less",
        "max_decimal_places": "Enter the height to at most 2 decimal places, for example 10.25",
    },
    "kerb_offset_mm": {
        "invalid": "Enter the kerb offset in whole millimetres, for example 500, or leave the "
        "cell empty",
        "min_value": "Enter a kerb offset of 0 millimetres or more",
        "max_value": "Enter a kerb offset of 100,000 millimetres or less",
    },
    "structural_assessed_on": {"invalid": IMPORT_DATE, "invalid_date": IMPORT_DATE},
    "structural_next_due": {"invalid": IMPORT_DATE, "invalid_date": IMPORT_DATE},
    "last_verified": {"invalid": IMPORT_DATE, "invalid_date": IMPORT_DATE},
    "review_by": {"invalid": IMPORT_DATE, "invalid_date": IMPORT_DATE},
    "mounting_height_m": {
        "invalid": "Enter the mounting height in metres as a number, for example 6.5, or leave "
        "the cell empty",
        "min_value": "Enter a mounting height of more than 0 metres, or leave the cell empty",
        "max_value": "Enter a mounting height of 500 metres or less",
        "max_digits": "Enter a mounting height of 500 metres or less",
        "max_whole_digits": "Enter a mounting height of 500 metres or less",
        "max_decimal_places": "Enter the mounting height to at most 2 decimal places, for "
        "example 6.25",
    },
    "duct_internal_diameter_mm": {
        "invalid": "Enter the duct's internal diameter in whole millimetres, for example 100, or "
        "leave the cell empty",
        "min_value": "Enter a duct diameter of at least 1 millimetre, or leave the cell empty",
        "max_value": "Enter a duct diameter of 2,000 millimetres or less",
    },
    "duct_fill_percent": {
        "invalid": "Enter how full the duct is as a whole number from 0 to 100, for example "
        "40, or leave the cell empty",
        "min_value": "Enter a duct fill from 0 to 100 (per cent)",
        "max_value": "Enter a duct fill from 0 to 100 (per cent)",
    },
}
# Per column: what to do when the suitability profile's rules between columns are broken.
PROFILE_MESSAGES = {
    "duct_internal_diameter_mm": "Leave this cell empty: duct diameter is only for ducts and "
    "chambers (asset_type duct_chamber), and this row is not one",
    "duct_fill_percent": "Leave this cell empty: duct fill is only for ducts and chambers "
    "(asset_type duct_chamber), and this row is not one",
    "structural_next_due": "Enter a date after structural_assessed_on, or leave the cell empty: "
    "the next assessment cannot be due before the last one",
}
# Power supply codes used before June 2026 that still mean one of today's kinds.
POWER_ALIASES = {"unmetered": "24h_unmetered", "metered": "24h_metered"}
POWER_NONE = (
    "Enter no, or change power_supply from none to the supply the asset has: power cannot be "
    "available with no supply"
)


def decode(data: bytes) -> str:
    """The file's text, or FileProblem for an empty, oversized, binary or non-UTF-8 file."""
    limit = settings.ASSET_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise FileProblem(
            f"The file is {file_size(len(data))}; the largest file accepted is "
            f"{file_size(limit)}. Split it into smaller files and import each one."
        )
    if not data.strip():
        raise FileProblem("The file is empty. Choose the file with your assets in it.")
    try:
        # utf-8-sig drops the byte order mark spreadsheet programs add.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). In your "
            'spreadsheet, save it as "CSV UTF-8".'
        ) from None
    if "\x00" in text:
        raise FileProblem(
            "The file contains a NUL character, so it is not a CSV file. In your spreadsheet, "
            'save it as "CSV UTF-8".'
        )
    return text


def count_rows(text: str) -> int:
    """Rows after the header, as an estimate for progress (quoted line breaks count extra)."""
    return max(text.count("\n") - 1 + (not text.endswith("\n")), 0)


# --- checking ---------------------------------------------------------------------------------


def header_problems(header):
    """Problems with the header row: duplicated, unknown or missing columns. Linear in size."""
    if len(header) > MAX_COLUMNS:
        return [
            f"The header has {len(header):,} columns; a register file has "
            f"{len(COLUMN_NAMES)}. Start from the template on the data dictionary page."
        ]
    counts = Counter(header)
    known = set(COLUMN_NAMES)
    duplicates = sorted(name for name, count in counts.items() if count > 1)
    unknown = [name for name in counts if name not in known]
    missing = [
        name for name in IMPORT_COLUMNS if name not in counts and name not in OPTIONAL_COLUMNS
    ]
    found = [
        f"{label}: {', '.join(names)}. {fix}"
        for label, names, fix in (
            (
                "These columns appear more than once",
                duplicates,
                "Delete the extra copies, keeping one of each.",
            ),
            (
                "These columns are not in the register",
                unknown,
                "Delete them, or correct their names.",
            ),
            ("These columns are missing", missing, "Add them to the header row."),
        )
        if names
    ]
    if unknown or missing:
        found.append(
            "The header row must name these columns: " + ", ".join(COLUMN_NAMES) + ". The "
            "empty template on the data dictionary page has them all."
        )
    return found


# What a new asset gets for an optional column its file leaves out.
DEFAULTS = {name: Asset._meta.get_field(name).get_default() for name in FIELD_COLUMNS}


def _snapshot_fields():
    return [*FIELD_COLUMNS, "owner_id", "district_id", "retired_at"]


class CellCleaner:
    """A column's text to its model value, through the model field's own cleaning and
    validators. Results are remembered per distinct text (up to MEMO_SIZE a column): a
    county's street-light file repeats a handful of values in most columns."""

    MEMO_SIZE = 5000

    def __init__(self):
        self.fields = {name: Asset._meta.get_field(name) for name in FIELD_COLUMNS}
        self.memo = {name: {} for name in FIELD_COLUMNS}

    def clean(self, name, raw):
        """(value, None) or (None, message)."""
        memo = self.memo[name]
        found = memo.get(raw)
        if found is None:
            found = self._clean(name, raw)
            if len(memo) < self.MEMO_SIZE:
                memo[raw] = found
        return found

    def _clean(self, name, raw):
        try:
            value = parse_cell(name, raw)
        except ValueError as exc:
            return None, str(exc)
        try:
            return self.fields[name].clean(value, None), None
        except ValidationError as exc:
            return None, plain_message(name, exc.error_list[0])


class RowChecker:
    """Checks one row against the register; holds the lookups every row needs."""

    def __init__(self, owner):
        self.owner = owner
        self.partners = {p.slug: p for p in Partner.objects.all()}
        self.districts = {d.slug: d for d in District.objects.all()}
        self.cells = CellCleaner()

    def check(self, number, values, existing):
        """(problems, staged values or None, action): action is create, update or unchanged.

        Every cell is checked, so a row shows all of its problems at once."""
        problems = []

        def problem(column, message):
            problems.append(Problem(number, column, message))

        owner = self._owner(values["owner"], existing, problem)
        district = self._district(values["district"], problem)
        cleaned = {}
        for name in FIELD_COLUMNS:
            if name not in values:
                # An optional column the file leaves out: the asset keeps what it has.
                cleaned[name] = existing[name] if existing is not None else DEFAULTS[name]
                continue
            value, message = self.cells.clean(
                name, values[name].upper() if name == "reference" else values[name]
            )
            if message:
                problem(name, message)
            else:
                cleaned[name] = value
        if "power_supply" in cleaned and "power_available" in cleaned:
            for name in Asset.cross_field_errors(
                cleaned["power_supply"], cleaned["power_available"]
            ):
                problem(name, POWER_NONE)
        for name in Asset.profile_errors(cleaned):
            if name in cleaned:
                problem(name, PROFILE_MESSAGES[name])
        if "review_by" in cleaned and "last_verified" in cleaned:
            if (
                existing is not None
                and cleaned["last_verified"] != existing["last_verified"]
                and cleaned["review_by"] == existing["review_by"]
            ):
                # Verified again, review date as it was: due 12 months after this check.
                cleaned["review_by"] = None
            cleaned["review_by"] = Asset.default_review_by(
                cleaned["review_by"], cleaned["last_verified"]
            )
        if problems:
            return problems, None, None
        cleaned["owner_id"] = owner.pk
        cleaned["district_id"] = district.pk
        return [], *self._stage(number, cleaned, existing)

    def _owner(self, slug, existing, problem):
        # A fixed owner (dashboard, --owner) accepts only its own rows and references.
        if self.owner is not None:
            if slug and slug != self.owner.slug:
                problem(
                    "owner",
                    f"Enter {self.owner.slug} or leave the cell empty: every row of this import "
                    f"belongs to {self.owner.name}, and this row says {slug}",
                )
            owner = self.owner
        elif not slug:
            problem(
                "owner",
                "Enter the owner: the partner's short name, as at the end of its page address "
                "on the portal (for example harlow-council)",
            )
            return None
        else:
            owner = self.partners.get(slug)
            if owner is None:
                problem(
                    "owner",
                    f"Enter the owner as a partner's short name, as at the end of its page "
                    f"address on the portal: no partner is called “{slug}”",
                )
                return None
        if existing is not None and existing["owner_id"] != owner.pk:
            problem(
                "reference",
                f"{existing['reference']} belongs to another partner ({existing['owner__name']}), "
                "so this import cannot change it. Give this asset a reference of your own",
            )
        return owner

    def _district(self, slug, problem):
        district = self.districts.get(slug)
        if district is None:
            allowed = ", ".join(sorted(self.districts))
            problem(
                "district",
                f"Enter the district as one of: {allowed} (this cell has “{slug}”)"
                if slug
                else f"Enter the district as one of: {allowed}",
            )
        return district

    @staticmethod
    def _stage(number, cleaned, existing):
        cleaned["row"] = number
        cleaned["postcode"] = cleaned["postcode"] or ""
        if existing is None:
            cleaned["action"] = StagedAsset.Action.CREATE
            return cleaned, "create"
        # Importing a retired asset's row reinstates it.
        after = {name: cleaned[name] for name in _snapshot_fields() if name != "retired_at"}
        changed = [name for name in after if after[name] != existing[name]]
        if existing["retired_at"] is not None:
            changed.append("retired_at")
        if not changed:
            return None, "unchanged"
        cleaned["action"] = StagedAsset.Action.UPDATE
        cleaned["asset_id"] = existing["id"]
        cleaned["changed"] = ", ".join(
            "returned to the register" if name == "retired_at" else name.removesuffix("_id")
            for name in changed
        )[:500]
        return cleaned, "update"


def stage(batch, rows):
    """Insert staged rows with one executemany: Django's bulk_create spends longer preparing
    100,000 rows than the database takes to store them."""
    if not rows:
        return
    eastings, northings = to_british_national_grid_many(
        [row["latitude"] for row in rows], [row["longitude"] for row in rows]
    )
    columns = ["batch_id", "row", "action", "asset_id", "changed", "owner_id", "district_id"]
    data = [*FIELD_COLUMNS]
    sql = (
        f"INSERT INTO {StagedAsset._meta.db_table} "
        f"({', '.join(columns + data + ['easting', 'northing'])}) "
        f"VALUES ({', '.join(['%s'] * (len(columns) + len(data) + 2))})"
    )
    values = [
        (
            batch.pk,
            row["row"],
            row["action"],
            row.get("asset_id"),
            row.get("changed", ""),
            row["owner_id"],
            row["district_id"],
            *(row[name] for name in data),
            easting,
            northing,
        )
        for row, easting, northing in zip(rows, eastings, northings, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _blank_message(name, label, model_field, params):
    column = CHOICE_COLUMNS.get(name)
    if column:
        return f"Enter the {label} as one of: {', '.join(v for v, _ in column.choices)}"
    return f"Enter the {model_field.verbose_name if model_field else label}"


def _max_length_message(name, label, model_field, params):
    return (
        f"Enter {params['limit_value']:,} characters or fewer; this cell has "
        f"{params['show_value']:,}"
    )


def _min_value_message(name, label, model_field, params):
    return f"Enter a {label} of {params['limit_value']} or more"


def _max_value_message(name, label, model_field, params):
    return f"Enter a {label} of {params['limit_value']} or less"


def _digits_message(name, label, model_field, params):
    places = getattr(model_field, "decimal_places", 0)
    return f"Enter the {label} as a number with at most {places} decimal places"


def _internal_type(model_field):
    return model_field.get_internal_type() if model_field is not None else ""


def _invalid_date_message(name, label, model_field, params):
    return IMPORT_DATE if _internal_type(model_field) == "DateField" else None


def _invalid_message(name, label, model_field, params):
    internal = _internal_type(model_field)
    if internal == "DateField":
        return IMPORT_DATE
    if "Integer" in internal:
        return f"Enter the {label} as a whole number, for example 500"
    if internal in ("DecimalField", "FloatField"):
        return f"Enter the {label} as a number, for example 10.5"
    return None


# Django's error code -> our message for the column, or None for the validator's own.
# Each takes (column name, column label, model field or None, the error's params).
CODE_MESSAGES = {
    "blank": _blank_message,
    "max_length": _max_length_message,
    "min_value": _min_value_message,
    "max_value": _max_value_message,
    "max_digits": _digits_message,
    "max_decimal_places": _digits_message,
    "max_whole_digits": _digits_message,
    "invalid": _invalid_message,
    "invalid_date": _invalid_date_message,
}


def plain_message(name, error):
    """What to enter in this column instead: never Django's own wording ("Ensure this value is
    less than or equal to 60.9")."""
    params = error.params or {}
    code = "blank" if error.code in ("blank", "null", "required") else error.code
    own = CELL_MESSAGES.get(name, {}).get(code)
    if own:
        return own
    model_field = Asset._meta.get_field(name) if name in COLUMN_NAMES else None
    rule = CODE_MESSAGES.get(code)
    message = rule(name, name.replace("_", " "), model_field, params) if rule else None
    # Otherwise a validator's own message (single line, postcode…), already written for people.
    return message or (error.message % params if params else error.message).rstrip(".")


def parse_cell(name, raw):
    """One cell's value for the model, or ValueError with a message for the person."""
    model_field = Asset._meta.get_field(name)
    if name in BOOLEAN_COLUMNS:
        lowered = raw.lower()
        if lowered in TRUE_VALUES:
            return True
        if lowered in FALSE_VALUES:
            return False
        raise ValueError(f"Enter yes or no, or leave the cell empty for no (this cell has “{raw}”)")
    if name == "power_supply":
        raw = POWER_ALIASES.get(raw, raw)
    if name in CHOICE_COLUMNS and raw:
        allowed = [value for value, _ in CHOICE_COLUMNS[name].choices]
        if raw not in allowed:
            label = name.replace("_", " ")
            raise ValueError(
                f"Enter the {label} as one of: {', '.join(allowed)} (this cell has “{raw}”)"
            )
    if name in ("latitude", "longitude") and raw:
        try:
            return Decimal(raw).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise ValueError(LATITUDE if name == "latitude" else LONGITUDE) from None
    return None if raw == "" and model_field.null else raw


class Checker:
    """The check job's state: progress, problems and staged rows, written a chunk at a time."""

    def __init__(self, batch):
        self.batch = batch
        self.rows = RowChecker(batch.owner)
        self.seen = {}  # reference -> first row number, for duplicates within the file
        self.counts = Counter()
        self.problems = 0
        self.rows_done = 0

    def run(self):
        text = self.batch.content
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [cell.strip() for cell in next(reader, [])]
            header = [COLUMN_ALIASES.get(cell, cell) for cell in header]
        except csv.Error as exc:
            return self.file_problem(
                f"The header row is not valid CSV ({exc}). In your spreadsheet, save the file "
                'as "CSV UTF-8" and upload it again.'
            )
        if not any(header):
            return self.file_problem("The file is empty. Choose the file with your assets in it.")
        found = header_problems(header)
        if found:
            return self.file_problem(*found)
        chunk = []
        try:
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                chunk.append((reader.line_num, record))
                if len(chunk) >= CHUNK:
                    self.check_chunk(header, chunk)
                    chunk = []
        except csv.Error as exc:
            self.check_chunk(header, chunk)
            return self.file_problem(
                f"Row {reader.line_num} is not valid CSV ({exc}). Check it for a cell over "
                f"{MAX_CELL_CHARACTERS:,} characters or a stray quote mark, and correct it.",
                row=reader.line_num,
            )
        self.check_chunk(header, chunk)
        if not self.rows_done and not self.problems:
            return self.file_problem(
                "The file has a header row but no asset rows. Add a row for each asset below "
                "the header."
            )
        return self.finish()

    def check_chunk(self, header, chunk):
        if not chunk:
            return
        width = len(header)
        problems, staged, good = [], [], []
        for number, record in chunk:
            if len(record) != width:
                problems.append(
                    Problem(
                        number,
                        "",
                        f"This row has {len(record)} cells but the header has {width}. Check it "
                        "for a missing or extra comma, or a cell with a comma that is not in "
                        "quotes.",
                    )
                )
                continue
            values = {
                key: csvsafe.restore(value.strip())
                for key, value in zip(header, record, strict=True)
            }
            reference = values["reference"].upper()
            duplicate = None
            if reference and reference in self.seen:
                duplicate = Problem(
                    number,
                    "reference",
                    f"{reference} is also on row {self.seen[reference]}. Each asset goes on one "
                    "row: delete one of the rows, or give this asset its own reference",
                )
            else:
                self.seen[reference] = number
            good.append((number, values, reference, duplicate))
        existing = _existing({reference for _, _, reference, _ in good})
        for number, values, reference, duplicate in good:
            # A repeated reference is one problem; the row's other cells are checked too, so
            # the preview lists every problem of every row at once.
            found, row, action = self.rows.check(number, values, existing.get(reference))
            if duplicate is not None:
                found = [duplicate, *found]
                row = action = None
            problems.extend(found)
            if action:
                self.counts[action] += 1
            if row is not None:
                staged.append(row)
        self.rows_done += len(chunk)
        self.save_chunk(problems, staged)

    def save_chunk(self, problems, staged):
        room = max(MAX_PROBLEMS_KEPT - self.problems, 0)
        with transaction.atomic():
            AssetImportProblem.objects.bulk_create(
                AssetImportProblem(
                    batch=self.batch, row=p.row, column=p.column, message=p.message[:500]
                )
                for p in problems[:room]
            )
            if not self.problems and not problems:
                stage(self.batch, staged)
            elif not self.problems:
                # The first problem: nothing will be applied, so the staging goes.
                StagedAsset.objects.filter(batch=self.batch).delete()
            AssetImport.objects.filter(pk=self.batch.pk).update(
                rows_done=self.rows_done,
                rows_total=max(self.batch.rows_total, self.rows_done),
                problem_count=self.problems + len(problems),
            )
        self.problems += len(problems)

    def file_problem(self, *messages, row=1):
        self.save_chunk([Problem(row, "", message) for message in messages], [])
        return self.finish()

    def finish(self):
        status = AssetImport.Status.INVALID if self.problems else AssetImport.Status.CHECKED
        batch = self.batch
        batch.status = status
        batch.rows_total = batch.rows_done = self.rows_done
        batch.problem_count = self.problems
        batch.created_count = self.counts["create"]
        batch.updated_count = self.counts["update"]
        batch.unchanged_count = self.counts["unchanged"]
        batch.checked_at = timezone.now()
        batch.summary = batch.describe()[:300]
        batch.save()
        return batch


def _existing(references):
    """Existing assets by reference, as the values a row is compared with (one query)."""
    references = sorted(ref for ref in references if ref)
    if not references:
        return {}
    rows = Asset.objects.filter(reference__in=references).values(
        "id", "reference", "owner__name", *_snapshot_fields()
    )
    return {row["reference"]: row for row in rows}


def check(batch):
    """The check job: stream the file, record every problem, stage every good row."""
    claimed = AssetImport.objects.filter(pk=batch.pk, status=AssetImport.Status.WAITING).update(
        status=AssetImport.Status.CHECKING, rows_total=count_rows(batch.content), rows_done=0
    )
    if not claimed:
        return batch  # already checked (a job run twice)
    batch.refresh_from_db()
    return Checker(batch).run()


# --- applying ---------------------------------------------------------------------------------


def _insert_sql():
    """INSERT … SELECT of staged new assets, in the columns Asset has."""
    staged = {f.column for f in StagedAsset._meta.concrete_fields}
    columns, values = [], []
    for model_field in Asset._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(model_field.column)
        if model_field.name in ("created_at", "updated_at"):
            values.append("%(now)s")
        elif model_field.name == "retired_at":
            values.append("NULL")
        elif model_field.column in staged:
            values.append(f"s.{model_field.column}")
        else:
            raise AssertionError(f"Asset.{model_field.name} has no staged column")
    return (
        f"INSERT INTO {Asset._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {StagedAsset._meta.db_table} s "
        f"WHERE s.batch_id = %(batch)s AND s.action = 'create' ORDER BY s.{_quoted('row')}"
    )


def _quoted(name):
    return connection.ops.quote_name(name)


def _update_sql():
    """UPDATE … FROM the staged changes (PostgreSQL, and SQLite since 3.33)."""
    table = Asset._meta.db_table
    sets = [f"{column} = s.{column}" for column in ("owner_id", "district_id", *_staged_db())]
    sets += ["updated_at = %(now)s", "retired_at = NULL"]
    return (
        f"UPDATE {table} SET {', '.join(sets)} FROM {StagedAsset._meta.db_table} s "
        f"WHERE s.batch_id = %(batch)s AND s.action = 'update' AND {table}.id = s.asset_id"
    )


def _staged_db():
    return [StagedAsset._meta.get_field(name).column for name in STAGED_COLUMNS]


def _history_sql():
    """One history row per written asset, as django-simple-history would record a save."""
    history = Asset.history.model
    special = {
        "history_date": "%(now)s",
        "history_change_reason": "%(reason)s",
        "history_type": "CASE s.action WHEN 'create' THEN '+' ELSE '~' END",
        "history_user": "%(user)s",
    }
    columns, values = [], []
    for model_field in history._meta.concrete_fields:
        if model_field.name == "history_id":
            continue
        columns.append(model_field.column)
        values.append(special.get(model_field.name, f"a.{model_field.column}"))
    return (
        f"INSERT INTO {history._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {Asset._meta.db_table} a "
        f"JOIN {StagedAsset._meta.db_table} s ON s.reference = a.reference "
        f"WHERE s.batch_id = %(batch)s ORDER BY s.{_quoted('row')}"
    )


class ApplyFailed(Exception):
    """The register changed after the check, or the database refused a row: nothing written."""


def _conflicts(batch):
    """Staged rows the register has overtaken since the check (another import or an edit)."""
    asset = Asset.objects.filter(pk=OuterRef("asset_id"))
    taken = Q(action=StagedAsset.Action.CREATE) & Q(
        Exists(Asset.objects.filter(reference=OuterRef("reference")))
    )
    moved = Q(action=StagedAsset.Action.UPDATE) & (
        ~Q(Exists(asset)) | Q(Exists(asset.filter(updated_at__gt=batch.checked_at)))
    )
    rows = StagedAsset.objects.filter(taken | moved, batch=batch).order_by("row")
    return list(rows.values_list("row", "reference")[:5])


def apply(batch, *, user=None):
    """The apply job: write every staged row in one transaction, or nothing at all."""
    claimed = AssetImport.objects.filter(pk=batch.pk, status=AssetImport.Status.CONFIRMED).update(
        status=AssetImport.Status.APPLYING, rows_done=0
    )
    if not claimed:
        return batch
    batch.refresh_from_db()
    user_id = user.pk if user is not None else batch.uploaded_by_id
    try:
        with transaction.atomic():
            conflicts = _conflicts(batch)
            if conflicts:
                rows = ", ".join(f"row {row} ({reference})" for row, reference in conflicts)
                raise ApplyFailed(
                    f"The register changed after this file was checked: {rows}. Upload the "
                    "file again, so it is checked against the register as it is now."
                )
            params = {
                "batch": batch.pk,
                "now": timezone.now(),
                "user": user_id,
                "reason": CHANGE_REASON,
            }
            with connection.cursor() as cursor:
                cursor.execute(_insert_sql(), params)
                cursor.execute(_update_sql(), params)
                cursor.execute(_history_sql(), params)
            page_cache.bump()
            batch.status = AssetImport.Status.APPLIED
            batch.applied_at = params["now"]
            batch.rows_done = batch.rows_total
            batch.summary = batch.describe()[:300]
            batch.save()
    except (ApplyFailed, DatabaseError) as exc:
        if not isinstance(exc, ApplyFailed):
            logger.exception("Import %s could not be applied", batch.pk)
        message = (
            str(exc)
            if isinstance(exc, ApplyFailed)
            else "The database refused a row, so nothing was changed. Upload the file again; "
            "if it happens again, send the file to the programme team."
        )
        AssetImport.objects.filter(pk=batch.pk).update(
            status=AssetImport.Status.FAILED, error=message, summary="Failed: nothing changed."
        )
        batch.refresh_from_db()
        return batch
    reindex(batch)
    return batch


def give_up(batch, reason):
    """Mark a job that crashed as failed, unless it got as far as applying (then the register
    holds its rows and only the search index may lag: `rebuild_search_index` mends that)."""
    AssetImport.objects.filter(pk=batch.pk).exclude(status=AssetImport.Status.APPLIED).update(
        status=AssetImport.Status.FAILED,
        error=f"{reason} Nothing was changed. Upload the file again; if it happens again, "
        "send it to the programme team.",
        summary="Failed: nothing changed.",
    )


def reindex(batch):
    """Bring the search entries of the written assets up to date, a chunk at a time.

    After the commit and outside it: the index is derived data, and short transactions keep
    the site responsive. Rebuilding an entry twice does no harm, so a retried job is safe.
    """
    references = StagedAsset.objects.filter(batch=batch).order_by("row")
    last = 0
    while True:
        chunk = list(references.filter(row__gt=last).values_list("row", "reference")[:2000])
        if not chunk:
            break
        last = chunk[-1][0]
        search.index_many(Asset.objects.filter(reference__in=[ref for _, ref in chunk]))


def discard_staging(batch):
    """Staged rows are only needed until the import is applied or abandoned. Deleted a range
    of rows at a time, in short transactions and without Django's per-object delete signals.
    (Ranges, not `id IN (… LIMIT n)`: a freshly filled staging table has no planner
    statistics, and PostgreSQL would nest that subquery inside a scan of the table.)"""
    table, row = StagedAsset._meta.db_table, connection.ops.quote_name("row")
    last = StagedAsset.objects.filter(batch=batch).aggregate(last=Max("row"))["last"] or 0
    for start in range(0, last + 1, DISCARD_ROWS):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE batch_id = %s AND {row} >= %s AND {row} < %s",
                [batch.pk, start, start + DISCARD_ROWS],
            )


# --- doing it all at once (the command line and the demo) --------------------------------------


@dataclass
class ImportResult:
    """What an import did or would do, for the command line and the demo loader."""

    batch: AssetImport | None = None
    problems: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    @property
    def applied(self):
        return self.batch is not None and self.batch.status == AssetImport.Status.APPLIED

    @property
    def created(self):
        return self.batch.created_count if self.batch else 0

    @property
    def updated(self):
        return self.batch.updated_count if self.batch else 0

    @property
    def unchanged(self):
        return self.batch.unchanged_count if self.batch else 0

    @property
    def summary(self):
        if self.batch is None:
            return f"{len(self.problems)} problem(s) found; nothing was changed."
        if self.batch.status == AssetImport.Status.FAILED:
            return self.batch.error
        return self.batch.describe()


def import_file(data: bytes, *, owner=None, dry_run=False, user=None, filename="import.csv"):
    """Check and (unless dry_run, or anything is wrong) apply a file now, in this process."""
    try:
        text = decode(data)
    except FileProblem as exc:
        return ImportResult(problems=[Problem(1, "", str(exc))])
    batch = AssetImport.objects.create(
        owner=owner, uploaded_by=user, filename=filename[:255], content=text
    )
    check(batch)
    result = ImportResult(
        batch=batch,
        problems=[Problem(p.row, p.column, p.message) for p in batch.problems.all()],
        rows=list(batch.staged.only("row", "reference", "action", "changed")),
    )
    if batch.problem_count > len(result.problems):
        result.problems.append(
            Problem(1, "", f"… and {batch.problem_count - len(result.problems):,} more problems.")
        )
    if dry_run:
        batch.delete()
        return result
    if result.ok and batch.confirm(queue=False):
        apply(batch, user=user)
        if batch.status == AssetImport.Status.FAILED:
            result.problems.append(Problem(1, "", batch.error))
    discard_staging(batch)
    return result
