"""Reading roster files (CSV or XLSX) into rows of text, safely. No database and no request: the messages
are only marked for translation (outside a request they read in English).

A roster has a header row naming its columns (see DESIGN.md, "Roster files"); data rows are numbered
as a spreadsheet shows them, the header being row 1. Every cell comes back as the text typed in it:
nothing is evaluated, so a cell beginning with =, +, - or @ is kept exactly as it was written.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import format_decimal
from flask_babel import gettext as _

REQUIRED_COLUMNS = ("nation", "service_number", "family_name", "given_names", "rank_code", "national_rank",
                    "category", "unit", "email")
OPTIONAL_COLUMNS = ("family_name_latin", "given_names_latin", "screening")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

XLSX_MAGIC = b"PK\x03\x04"
XLSX_MAX_ENTRIES = 500
# Markup that could expand entities or fetch external resources; a spreadsheet never needs it.
FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(frozen=True)
class RosterLimits:
    max_bytes: int = 16 * 1024 * 1024
    max_rows: int = 60000
    max_uncompressed: int = 100 * 1024 * 1024

    @classmethod
    def from_config(cls, config) -> "RosterLimits":
        return cls(max_bytes=config["ROSTER_MAX_BYTES"], max_rows=config["ROSTER_MAX_ROWS"],
                   max_uncompressed=config["XLSX_MAX_UNCOMPRESSED_BYTES"])


@dataclass(frozen=True)
class RosterError:
    row: int          # 0 for the file as a whole, 1 for the header
    column: str       # "" when the problem is not about one column
    message: str


@dataclass
class ParsedRoster:
    format: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, column -> text)
    errors: list[RosterError] = field(default_factory=list)


def _header_name(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


def cell_text(value) -> str:
    """The text of a cell as typed; numbers without a spurious '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_header(rows, result: ParsedRoster, empty: str) -> list[str] | None:
    """The column names from the first row, or None when there is no first row (saying `empty`) or the
    names are refused."""
    header_cells = next(rows, None)
    if header_cells is None:
        result.errors.append(RosterError(0, "", empty))
        return None
    return _check_header([_header_name(c) for c in header_cells], result)


def _check_header(names: list[str], result: ParsedRoster) -> list[str] | None:
    seen = set()
    for position, name in enumerate(names, start=1):
        if not name:
            continue
        if name not in ALL_COLUMNS:
            result.errors.append(RosterError(1, name, _("Unknown column “%(name)s” (column %(position)d). The "
                                                        "columns are: %(columns)s.", name=name, position=position,
                                                        columns=", ".join(ALL_COLUMNS))))
        elif name in seen:
            result.errors.append(RosterError(1, name, _("The column “%(name)s” appears twice.", name=name)))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            result.errors.append(RosterError(1, name, _("The required column “%(name)s” is missing.", name=name)))
    if result.errors:
        return None
    result.columns = [n for n in names if n]
    return names


def _add_rows(result: ParsedRoster, header: list[str], records, limits: RosterLimits) -> None:
    """records: iterable of (row number, list of cell values)."""
    width = len(header)
    for number, cells in records:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue  # blank lines are not rows
        if len(result.rows) >= limits.max_rows:
            result.errors.append(RosterError(0, "", _("The file has more than %(limit)s rows, the most one import "
                                                      "accepts. Split it into smaller files.",
                                                      limit=format_decimal(limits.max_rows))))
            result.rows.clear()
            return
        if len(texts) > width and any(texts[width:]):
            result.errors.append(RosterError(number, "", _("This row has %(cells)d cells but the header names only "
                                                           "%(columns)d columns.", cells=len(texts), columns=width)))
            continue
        texts += [""] * (width - len(texts))
        result.rows.append((number, {name: texts[i] for i, name in enumerate(header) if name}))


def _parse_csv(data: bytes, limits: RosterLimits, result: ParsedRoster) -> None:
    result.format = "csv"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        result.errors.append(RosterError(line, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8” and "
                                                     "upload it again.")))
        return
    if "\x00" in text:
        result.errors.append(RosterError(0, "", _("The file is not a CSV text file.")))
        return
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = _read_header(reader, result, _("The file is empty."))
        if header is None:
            return

        def records():
            for cells in reader:
                yield reader.line_num, cells

        _add_rows(result, header, records(), limits)
    except csv.Error as exc:
        result.errors.append(RosterError(reader.line_num, "", _("The CSV text is malformed (%(reason)s).",
                                                                reason=exc)))
        result.rows.clear()


def check_xlsx_container(data: bytes, limits: RosterLimits) -> str | None:
    """A reason to refuse this XLSX before any XML parser sees it, or None when it looks safe."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return _("The file is not a valid XLSX workbook.")
    with archive:
        entries = archive.infolist()
        if len(entries) > XLSX_MAX_ENTRIES:
            return _("The workbook holds more than %(limit)d parts; it is refused.", limit=XLSX_MAX_ENTRIES)
        total = sum(max(info.file_size, 0) for info in entries)
        if total > limits.max_uncompressed:
            return _("The workbook would unpack to %(size)s MiB, more than the %(limit)s MiB allowed; it is refused.",
                     size=format_decimal(round(total / 1048576)),
                     limit=format_decimal(round(limits.max_uncompressed / 1048576)))
        for info in entries:
            if info.is_dir():
                continue
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(info) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        window = (tail + chunk).upper()
                        if any(marker in window for marker in FORBIDDEN_XML):
                            return _("The workbook contains XML declarations (DTD or entities) that are not "
                                     "allowed.")
                        tail = chunk[-16:]
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
                return _("The workbook is damaged or encrypted.")
    return None


def _parse_xlsx(data: bytes, limits: RosterLimits, result: ParsedRoster) -> None:
    result.format = "xlsx"
    problem = check_xlsx_container(data, limits)
    if problem:
        result.errors.append(RosterError(0, "", problem))
        return
    import openpyxl  # imported late: only needed for workbooks

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any failure to open means "not a workbook we can read"
        result.errors.append(RosterError(0, "", _("The workbook could not be read. Save it again as .xlsx and "
                                                  "retry.")))
        return
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            result.errors.append(RosterError(0, "", _("The workbook has no sheet.")))
            return
        rows = sheet.iter_rows(values_only=True)
        header = _read_header(rows, result, _("The first sheet is empty."))
        if header is None:
            return
        _add_rows(result, header, ((number, list(cells)) for number, cells in enumerate(rows, start=2)), limits)
    except Exception:  # noqa: BLE001 - malformed sheet XML
        result.errors.append(RosterError(0, "", _("The workbook is damaged and could not be read.")))
        result.rows.clear()
    finally:
        workbook.close()


def parse_roster(data: bytes, filename: str = "", limits: RosterLimits = RosterLimits()) -> ParsedRoster:
    """Read a roster file. Problems with the file itself come back as errors, never as exceptions."""
    result = ParsedRoster()
    if len(data) > limits.max_bytes:
        result.errors.append(RosterError(0, "", _("The file is %(size)s MiB; at most %(limit)s MiB are accepted.",
                                                  size=format_decimal(round(len(data) / 1048576, 1)),
                                                  limit=format_decimal(round(limits.max_bytes / 1048576)))))
        return result
    if not data.strip():
        result.errors.append(RosterError(0, "", _("The file is empty.")))
        return result
    if data.startswith(XLSX_MAGIC):
        _parse_xlsx(data, limits, result)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        result.errors.append(RosterError(0, "", _("The file is named .xlsx but is not an XLSX workbook.")))
    elif filename.lower().endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        result.errors.append(RosterError(0, "", _("Old Excel (.xls) files are not read. Save the sheet as .xlsx or "
                                                  "CSV UTF-8.")))
    else:
        _parse_csv(data, limits, result)
    if not result.errors and not result.rows:
        result.errors.append(RosterError(0, "", _("The file has a header but no rows.")))
    return result
