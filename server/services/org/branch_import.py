"""Importing branches from a CSV file: parse and check every row (the preview), then apply all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from server.extensions import DbSession
from server.models import Branch, Region, User
from server.services.activity import log_activity
from server.services.errors import Conflict, ServiceError
from server.services.org.organisation import OrgError, _code, _coordinate, _name, clean_branch
from server.services.sync.changes import record_change
from shared.text import normalise_newlines, text_problem

MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 5000
COLUMNS = ("code", "name", "address", "latitude", "longitude", "region_code")
REQUIRED = ("code", "name")


class CsvFileError(ServiceError):
    """The file as a whole cannot be read (too big, not UTF-8, not a CSV, missing columns): the `file` field."""

    def __init__(self, message: str):
        super().__init__("file", message)


@dataclass
class ImportRow:
    """One data row of the file: what it says, what it will do ("create"/"update") and what is wrong with it."""

    line: int
    code: str
    name: str
    address: str = ""
    latitude: float | str | None = None
    longitude: float | str | None = None
    region_code: str = ""
    region_id: int | None = None
    branch_id: int | None = None
    action: str = "create"
    errors: dict[str, str] = field(default_factory=dict)


def read_csv(data: bytes) -> list[dict]:
    """The data rows as dicts keyed by lower-cased column name (plus "_line"); CsvFileError says why not."""
    if len(data) > MAX_IMPORT_BYTES:
        raise CsvFileError(f"The file is larger than {MAX_IMPORT_BYTES // 1024} KB; split it into smaller files.")
    if not data.strip():
        raise CsvFileError("The file is empty.")
    if b"\x00" in data:
        raise CsvFileError("This is not a CSV file (it contains binary data). Export the sheet as CSV (UTF-8).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"The file is not UTF-8 text (bad byte at position {exc.start}). "
            'Save it as "CSV UTF-8" and upload it again.'
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise CsvFileError(f"This file cannot be read as CSV: {exc}.") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvFileError(
            f"The first line must name the columns {', '.join(COLUMNS[:5])} (and optionally "
            f"region_code); missing: {', '.join(missing)}."
        )
    if len(rows) > MAX_IMPORT_ROWS:
        raise CsvFileError(f"The file has {len(rows)} rows; import at most {MAX_IMPORT_ROWS} at a time.")
    return [
        {
            **dict(zip(header, (normalise_newlines(cell.strip()) for cell in row + [""] * (len(header) - len(row))))),
            "_line": line,
        }
        for line, row in rows
    ]


def _field_errors(raw: dict) -> dict[str, str]:
    """Every field's own problem at once (clean_branch stops at the first)."""
    checks = (
        ("code", lambda: _code("code", raw.get("code"))),
        ("name", lambda: _name(raw.get("name"))),
        ("latitude", lambda: _coordinate("latitude", raw.get("latitude"), 90.0)),
        ("longitude", lambda: _coordinate("longitude", raw.get("longitude"), 180.0)),
    )
    errors = {}
    for name, check in checks:
        try:
            check()
        except OrgError as exc:
            errors[name] = exc.message
    return errors


def _cell_errors(raw: dict) -> dict[str, str]:
    """shared.text's rule (the web forms' and the API's) on every cell of the row, named by its column."""
    errors = {}
    for column in COLUMNS:
        problem = text_problem(str(raw.get(column) or ""))
        if problem:
            errors[column] = f"{column.replace('_', ' ').capitalize()} {problem}."
    return errors


def _row_errors_from_clean(session: DbSession, row: ImportRow, raw: dict, branch: Branch | None) -> None:
    try:
        clean = clean_branch(session, raw, branch=branch, check_code=False)  # check_rows knows every existing code
    except OrgError as exc:
        row.errors.update(_field_errors(raw))
        row.errors.setdefault(exc.field, exc.message)
        return
    row.code, row.name, row.address = clean["code"], clean["name"], clean["address"]
    row.latitude, row.longitude = clean["latitude"], clean["longitude"]


def check_rows(session: DbSession, region: Region, records: list[dict]) -> list[ImportRow]:
    """Every row checked against the file and the database: duplicates, bad fields, unknown regions."""
    regions = {r.code.upper(): r for r in session.scalars(select(Region))}
    codes = [str(rec.get("code") or "").strip().upper() for rec in records]
    existing = {b.code.upper(): b for b in session.scalars(select(Branch).where(func.upper(Branch.code).in_(codes)))}
    seen: dict[str, int] = {}
    rows = []
    for number, (raw, code) in enumerate(zip(records, codes), start=2):
        number = raw.get("_line", number)  # the line in the uploaded file
        row = ImportRow(
            line=number,
            code=raw.get("code", ""),
            name=raw.get("name", ""),
            address=raw.get("address", ""),
            latitude=raw.get("latitude") or None,
            longitude=raw.get("longitude") or None,  # as typed until checked
            region_code=(raw.get("region_code") or "").strip().upper() or region.code,
        )
        target = regions.get(row.region_code)
        if target is None:
            row.errors["region_code"] = f"There is no region with code {row.region_code}."
        row.region_id = target.id if target else None
        branch = existing.get(code)
        if branch is not None:
            row.action, row.branch_id = "update", branch.id
            if target is not None and branch.region_id != target.id:
                row.errors["code"] = f"Branch {branch.code} already exists in region {branch.region.code}."
        _row_errors_from_clean(session, row, raw, branch)
        if code and code in seen:
            row.errors["code"] = f"Code {code} appears twice in the file (lines {seen[code]} and {number})."
        seen.setdefault(code, number)
        row.errors.update(_cell_errors(raw))
        rows.append(row)
    return rows


def preview(session: DbSession, region: Region, data: bytes) -> list[ImportRow]:
    """Read and check an uploaded file; nothing is written."""
    return check_rows(session, region, read_csv(data))


def rows_to_payload(rows: list[ImportRow]) -> list[dict]:
    """The rows as plain data, to carry (signed) from the preview to the confirmation."""
    return [{**{k: v for k, v in asdict(row).items() if k in COLUMNS}, "_line": row.line} for row in rows]


class ImportRaced(Conflict):
    """Another change to the same branches was stored while this import was being written (nothing of it was)."""

    field: str  # always "code"

    def __init__(self) -> None:
        super().__init__("code", "Another change to these branches happened at the same time; try again.")


def apply_import(session: DbSession, actor: User, region: Region, payload: list[dict]) -> list[ImportRow]:
    """Check the rows again and create/update them all (not committed); rows with errors write nothing.

    ImportRaced when another admin saved one of these codes meanwhile: the caller's transaction is then
    rolled back, and `rows_after_race` says what the rows look like now.
    """
    records = _records(payload)
    rows = check_rows(session, region, records)
    if not rows or any(row.errors for row in rows):
        return rows
    regions = {r.id: r for r in session.scalars(select(Region).where(Region.id.in_({r.region_id for r in rows})))}
    updated = {r.branch_id for r in rows if r.branch_id}
    existing = {b.id: b for b in session.scalars(select(Branch).where(Branch.id.in_(updated)))}
    touched = []
    for row in rows:  # every row was checked just above, in this transaction
        fields = {
            "code": row.code,
            "name": row.name,
            "address": row.address,
            "latitude": row.latitude,
            "longitude": row.longitude,
        }
        branch = existing.get(row.branch_id) if row.branch_id is not None else None
        if branch is None:
            assert row.region_id is not None  # a row without errors has its region
            branch = Branch(region=regions[row.region_id])
        for key, value in fields.items():
            setattr(branch, key, value)
        session.add(branch)
        touched.append(branch)
    try:
        session.flush()
    except IntegrityError:  # another admin saved one of these codes meanwhile
        raise ImportRaced() from None
    created = sum(row.action == "create" for row in rows)
    log_activity(
        session,
        actor,
        "import",
        "region",
        region.id,
        f"Imported {len(rows)} branches into {region.code}: {created} created, {len(rows) - created} updated",
    )
    for branch in touched:  # last, so the changes lock is held briefly (models/changes.py)
        record_change(session, "branch", branch.id, region=branch.region_id)
    return rows


def rows_after_race(session: DbSession, region: Region, payload: list[dict], race: ImportRaced) -> list[ImportRow]:
    """The rows checked again after an ImportRaced import (a fresh transaction); the race named if nothing else is."""
    rows = check_rows(session, region, _records(payload))
    if rows and not any(row.errors for row in rows):
        rows[0].errors[race.field] = race.message
    return rows


def _records(payload: list[dict]) -> list[dict]:
    """The signed payload's rows as the text records `check_rows` reads."""
    return [{k: (v if k == "_line" else "" if v is None else str(v)) for k, v in rec.items()} for rec in payload]
