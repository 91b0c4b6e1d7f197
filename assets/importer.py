"""CSV import of assets: the one implementation behind `manage.py import_assets`, the admin and
the partner dashboard.

All or nothing: the file is checked completely first; when any row is wrong nothing is written,
and every problem is reported as (row, column, message) with rows numbered as a spreadsheet shows
them (the header is row 1). Rows are matched to existing assets by reference (upsert); a row that
changes nothing is not saved, so importing an export of the register adds no history.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from assets.columns import BOOLEAN_COLUMNS, COLUMN_NAMES, COLUMNS, IMPORT_COLUMNS
from assets.models import Asset
from partners.models import District, Partner

TRUE_VALUES = {"yes", "y", "true", "1"}
FALSE_VALUES = {"no", "n", "false", "0", ""}
# Model fields the import writes (everything in the CSV except owner/district and derived ones).
FIELD_COLUMNS = [name for name in IMPORT_COLUMNS if name not in ("owner", "district")]
CHOICE_COLUMNS = {column.name: column for column in COLUMNS if column.choices}
SIX_PLACES = Decimal("0.000001")
CHUNK = 500


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class RowPlan:
    row: int
    reference: str
    action: str  # "create", "update" or "unchanged"
    asset: Asset
    changed: list = field(default_factory=list)


@dataclass
class ImportResult:
    problems: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self):
        return not self.problems

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self):
        return self.count("create")

    @property
    def updated(self):
        return self.count("update")

    @property
    def unchanged(self):
        return self.count("unchanged")

    @property
    def summary(self):
        if self.problems:
            return f"{len(self.problems)} problem(s) found; nothing was changed."
        verb = "" if self.applied else "would be "
        return (
            f"{len(self.rows)} row(s): {self.created} {verb}created, {self.updated} {verb}"
            f"updated, {self.unchanged} unchanged."
        )


class FileProblem(Exception):
    """The file as a whole cannot be read."""


def decode(data: bytes) -> str:
    """The file's text, or FileProblem for an empty, oversized or non-UTF-8 file."""
    limit = settings.ASSET_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise FileProblem(
            f"The file is {len(data):,} bytes; the largest file accepted is {limit:,} bytes. "
            "Split it into smaller files."
        )
    if not data.strip():
        raise FileProblem("The file is empty.")
    try:
        # utf-8-sig drops the byte order mark spreadsheet programs add.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). In your "
            'spreadsheet, save it as "CSV UTF-8".'
        ) from None


def check_file(data: bytes, *, owner: Partner | None = None) -> ImportResult:
    """Validate without writing anything."""
    result = ImportResult()
    try:
        text = decode(data)
    except FileProblem as exc:
        result.problems.append(Problem(1, "", str(exc)))
        return result
    return _plan(text, owner, result, lock=False)


def import_file(data: bytes, *, owner: Partner | None = None, dry_run=False) -> ImportResult:
    """Validate and, when every row is right and not dry_run, write all rows in one transaction."""
    if dry_run:
        return check_file(data, owner=owner)
    result = ImportResult()
    try:
        text = decode(data)
    except FileProblem as exc:
        result.problems.append(Problem(1, "", str(exc)))
        return result
    with transaction.atomic():
        _plan(text, owner, result, lock=True)
        if result.problems:
            return result
        for row in result.rows:
            if row.action == "unchanged":
                continue
            row.asset._change_reason = "CSV import"
            row.asset.save()
        result.applied = True
    return result


def _plan(text, owner, result, *, lock):
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        result.problems.append(Problem(1, "", f"The file is not valid CSV: {exc}."))
        return result
    if not records or not any(cell.strip() for cell in records[0]):
        result.problems.append(Problem(1, "", "The file is empty."))
        return result
    header = [cell.strip() for cell in records[0]]
    if not _check_header(header, result):
        return result
    rows = [
        (number, dict(zip(header, record, strict=False)))
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    if not rows:
        result.problems.append(Problem(1, "", "The file has a header row but no asset rows."))
        return result
    for number, record in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in record) and len(record) != len(header):
            result.problems.append(
                Problem(
                    number,
                    "",
                    f"This row has {len(record)} cells; the header has {len(header)}.",
                )
            )
    if result.problems:
        return result

    references = [values.get("reference", "").strip().upper() for _, values in rows]
    existing = _existing(references, lock)
    partners = {p.slug: p for p in Partner.objects.all()}
    districts = {d.slug: d for d in District.objects.all()}
    seen = {}
    for number, values in rows:
        values = {key: (value or "").strip() for key, value in values.items()}
        reference = values["reference"].upper()
        if reference and reference in seen:
            result.problems.append(
                Problem(number, "reference", f"{reference} is also on row {seen[reference]}.")
            )
            continue
        seen[reference] = number
        plan = _plan_row(number, values, existing.get(reference), owner, partners, districts)
        if isinstance(plan, list):
            result.problems.extend(plan)
        else:
            result.rows.append(plan)
    return result


def _check_header(header, result):
    duplicates = sorted({name for name in header if header.count(name) > 1})
    unknown = [name for name in header if name not in COLUMN_NAMES]
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    for message, names in (
        ("Duplicate column(s)", duplicates),
        ("Unknown column(s)", unknown),
        ("Missing column(s)", missing),
    ):
        if names:
            result.problems.append(Problem(1, "", f"{message}: {', '.join(names)}."))
    if unknown or missing:
        result.problems.append(
            Problem(1, "", "The columns must be: " + ", ".join(COLUMN_NAMES) + ".")
        )
    return not result.problems


def _existing(references, lock):
    queryset = Asset.objects.select_related("owner", "district")
    if lock:
        queryset = queryset.select_for_update()
    found = {}
    unique = sorted({ref for ref in references if ref})
    for start in range(0, len(unique), CHUNK):
        for asset in queryset.filter(reference__in=unique[start : start + CHUNK]):
            found[asset.reference] = asset
    return found


def _snapshot(asset):
    return {name: getattr(asset, name) for name in FIELD_COLUMNS} | {
        "owner": asset.owner_id,
        "district": asset.district_id,
        "retired": asset.retired_at is not None,
    }


def _plan_row(number, values, asset, owner, partners, districts):
    problems = []

    def problem(column, message):
        problems.append(Problem(number, column, message))

    # Owner: a fixed owner (dashboard, --owner) accepts only its own rows and references.
    owner_slug = values["owner"]
    if owner is not None:
        if owner_slug and owner_slug != owner.slug:
            problem("owner", f"Every row must belong to {owner.slug}; this row says {owner_slug}.")
        row_owner = owner
    elif not owner_slug:
        row_owner = None
        problem("owner", "Enter the owner partner's slug.")
    else:
        row_owner = partners.get(owner_slug)
        if row_owner is None:
            problem("owner", f"No partner has the slug {owner_slug}.")
    if asset is not None and row_owner is not None and asset.owner_id != row_owner.pk:
        problem(
            "reference",
            f"{asset.reference} belongs to another partner ({asset.owner.name}); it cannot be "
            "changed from this import.",
        )

    district = districts.get(values["district"])
    if district is None:
        problem(
            "district",
            "Enter one of: " + ", ".join(sorted(districts)) + "."
            if values["district"]
            else "Enter the district.",
        )

    parsed = {}
    for name in FIELD_COLUMNS:
        raw = values[name]
        if name in BOOLEAN_COLUMNS:
            lowered = raw.lower()
            if lowered in TRUE_VALUES:
                parsed[name] = True
            elif lowered in FALSE_VALUES:
                parsed[name] = False
            else:
                problem(name, f"Enter yes or no, not “{raw}”.")
            continue
        if name in CHOICE_COLUMNS and raw:
            allowed = [value for value, _ in CHOICE_COLUMNS[name].choices]
            if raw not in allowed:
                problem(name, f"“{raw}” is not allowed; use one of: {', '.join(allowed)}.")
                continue
        if name in ("latitude", "longitude") and raw:
            try:
                raw = Decimal(raw).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
            except InvalidOperation:
                problem(name, f"“{raw}” is not a number.")
                continue
        model_field = Asset._meta.get_field(name)
        parsed[name] = None if raw == "" and model_field.null else raw
    if problems:
        return problems

    if asset is None:
        target = Asset()
        before = None
    else:
        target = asset
        before = _snapshot(asset)
    for name, value in parsed.items():
        setattr(target, name, value)
    target.reference = values["reference"].upper()
    target.owner = row_owner
    target.district = district
    target.retired_at = None  # importing a retired asset's row reinstates it
    try:
        target.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = name if name in COLUMN_NAMES else ""
            for message in messages:
                problem(column, message)
        return problems

    if before is None:
        return RowPlan(number, target.reference, "create", target)
    after = _snapshot(target)
    changed = [name for name in after if after[name] != before[name]]
    return RowPlan(number, target.reference, "update" if changed else "unchanged", target, changed)
