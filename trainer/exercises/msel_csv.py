"""The MSEL as a CSV file: import (every row checked first, then all written or none) and the marked
export, whose reads are recorded without writing to the database (see document_reads.py)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from babel.numbers import format_decimal
from flask_babel import force_locale, get_locale, gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.errors import Invalid
from trainer.exercises.document_reads import log_document_read
from trainer.exercises.models import Exercise, Inject
from trainer.exercises.msel import (
    Resolver, list_injects, require_editable, require_msel_editor, validate_inject,
)
from trainer.exercises.timeutil import utc_to_local
from trainer.extensions import db
from trainer.i18n import enabled_languages
from trainer.spreadsheets import neutralise_cell, unneutralise

CSV_COLUMNS = ("number", "scenario_time", "planned_release", "from", "to_type", "to", "method", "message",
               "expected_action", "objectives", "contingency")
REQUIRED_COLUMNS = ("number", "planned_release", "to_type", "to", "message")
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
NUL = "\x00"
NUL_REMOVED = _l("A NUL byte (an invisible control character, not text) was removed from this cell.")
# The export's headings: the format's column names in the reader's language (in English, the names
# themselves). An import reads the names, or their headings in any language offered.
CSV_HEADINGS = {
    "number": _l("number"), "scenario_time": _l("scenario_time"), "planned_release": _l("planned_release"),
    "from": _l("from"), "to_type": _l("to_type"), "to": _l("to"), "method": _l("method"), "message": _l("message"),
    "expected_action": _l("expected_action"), "objectives": _l("objectives"), "contingency": _l("contingency"),
    "status": _l("status"), "released_at": _l("released_at"),
}


@dataclass
class ImportReport:
    """What an import wrote, and what it changed on the way in: (where, what) pairs, e.g. a NUL byte removed."""
    injects: list[Inject]
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Table:
    """The rows of a file and where its header is."""
    rows: list[list[str]]
    header_at: int | None = None
    header: list[str] = field(default_factory=list)

    names: dict[str, str] = field(default_factory=dict)   # a heading as read -> the column it names

    def where(self, index: int, column: int) -> str:
        """'row N: column' for a cell, naming the column by the header when the cell is below it."""
        if self.header_at is not None and index > self.header_at and column < len(self.header):
            return _("row %(row)s: %(column)s", row=index + 1, column=self.header[column])
        return _("row %(row)s: column %(number)s", row=index + 1, number=column + 1)


# --- reading the file -----------------------------------------------------------------------

def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise Invalid(_("The file is larger than %(num)s MB.", num=MAX_BYTES // (1024 * 1024)))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(_("The file is not text (save it as CSV, UTF-8)."))


def _sniff(text: str):
    """The file's dialect (comma, semicolon or tab), guessed from its first whole lines."""
    sample = text[:4096]
    if "\n" in sample:
        sample = sample[:sample.rindex("\n") + 1]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _oversized_column(record: str, dialect, limit: int) -> int:
    """The position (from 0) of the first cell longer than `limit` in the CSV record that `record` starts with."""
    delimiter, quote = dialect.delimiter, dialect.quotechar or '"'
    column, length, quoted, i = 0, 0, False, 0
    while i < len(record):
        char = record[i]
        if quoted and char == quote and record[i + 1:i + 2] == quote:
            length, i = length + 1, i + 2
            continue
        if char == quote and (quoted or length == 0):
            quoted = not quoted
        elif not quoted and char == delimiter:
            column, length = column + 1, 0
        elif not quoted and char in "\r\n":
            break
        else:
            length += 1
            if length > limit:
                break
        i += 1
    return column


def _unreadable(text: str, dialect, table: _Table, lines_read: int, error: csv.Error) -> Invalid:
    """The refusal of a file the CSV reader stopped in, naming the row (and the column of an oversized cell)."""
    index = len(table.rows)
    table.header_at = next((i for i, row in enumerate(table.rows) if _is_header(row, table.names)), None)
    if table.header_at is not None:
        table.header = [table.names.get(h.strip().lower(), h.strip().lower()) for h in table.rows[table.header_at]]
    limit = csv.field_size_limit()
    if "field larger than field limit" in str(error):
        record = "".join(io.StringIO(text, newline="").readlines()[lines_read:])
        where = table.where(index, _oversized_column(record, dialect, limit))
        size = format_decimal(limit, locale=get_locale() or "en")
        return Invalid(_("Nothing was imported: %(where)s has a cell longer than %(num)s characters.", where=where,
                         num=size),
                       errors=[(where, _("This cell is longer than %(num)s characters; no column takes that much (a "
                                         "message takes at most 5,000).", num=size))])
    return Invalid(_("Nothing was imported: the CSV text cannot be read at row %(row)s (%(error)s).", row=index + 1,
                     error=error),
                   errors=[(_("row %(row)s", row=index + 1), _("The CSV text cannot be read here (%(error)s).",
                                                              error=error))])


def _read_rows(text: str) -> _Table:
    dialect = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    table = _Table(rows=[], names=_heading_names())
    lines_read = 0
    try:
        for row in reader:
            table.rows.append(row)
            lines_read = reader.line_num
    except csv.Error as exc:
        raise _unreadable(text, dialect, table, lines_read, exc) from exc
    return table


def _drop_nul_bytes(table: _Table) -> list[tuple[int, int]]:
    """Remove NUL bytes from every cell (no database column stores them); the cells they were in."""
    found = []
    for index, row in enumerate(table.rows):
        for column, cell in enumerate(row):
            if NUL in cell:
                row[column] = cell.replace(NUL, "")
                found.append((index, column))
    return found


def _heading_names() -> dict[str, str]:
    """Each column's name and its heading in every language offered (lower case) -> the column."""
    names = {column: column for column in CSV_HEADINGS}
    for code in enabled_languages():
        with force_locale(code):
            for column, heading in CSV_HEADINGS.items():
                names.setdefault(str(heading).strip().lower(), column)
    return names


def _is_header(row: list[str], names: dict[str, str]) -> bool:
    return bool(row) and names.get(row[0].strip().lower()) == "number"


def _find_header(table: _Table) -> None:
    table.header_at = next((i for i, row in enumerate(table.rows) if _is_header(row, table.names)), None)
    if table.header_at is None:
        raise Invalid(_("No header row found: the first column of the header must be 'number'. Columns: %(columns)s.",
                        columns=", ".join(CSV_COLUMNS)))
    table.header = [table.names.get(h.strip().lower(), h.strip().lower()) for h in table.rows[table.header_at]]
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    if missing:
        raise Invalid(_("Missing columns: %(columns)s.", columns=", ".join(missing)))


# --- checking and writing -------------------------------------------------------------------

def _is_marking_line(row: list[str], header: list[str]) -> bool:
    # The marking line that begins and ends our own export: one cell in a row much shorter than the header.
    return sum(1 for cell in row if cell.strip()) == 1 and len(row) < len(header) // 2


def _check_rows(ex: Exercise, table: _Table) -> tuple[list[dict], list[tuple[str, str]]]:
    """Every row below the header checked: the clean values of each, and every problem with its row."""
    resolver = Resolver(ex)
    existing = set(db.session.scalars(select(Inject.number).where(Inject.exercise_id == ex.id)))
    seen: dict[int, int] = {}
    errors, cleaned = [], []
    for index in range(table.header_at + 1, len(table.rows)):
        row, line = table.rows[index], index + 1
        if not any(cell.strip() for cell in row) or _is_marking_line(row, table.header):
            continue
        values = {name: unneutralise(row[i]) if i < len(row) else "" for i, name in enumerate(table.header)}
        clean, row_errors = validate_inject(resolver, ex, values)
        number = clean.get("number")
        if number is not None:
            if number in existing:
                row_errors.append(("number", _("Inject %(number)s already exists in the MSEL.", number=number)))
            elif number in seen:
                row_errors.append(("number", _("Inject %(number)s appears twice (also row %(row)s).", number=number,
                                               row=seen[number])))
            else:
                seen[number] = line
        # the column by its heading in the reader's language, as the export writes it
        errors.extend((_("row %(row)s: %(column)s", row=line, column=CSV_HEADINGS.get(field_name, field_name)),
                       message) for field_name, message in row_errors)
        cleaned.append(clean)
    return cleaned, errors


def _write_injects(actor, ex: Exercise, cleaned: list[dict]) -> list[Inject]:
    created = []
    for clean in cleaned:
        objectives = clean.pop("objectives")
        inject = Inject(exercise_id=ex.id, **clean)
        inject.objectives = objectives
        db.session.add(inject)
        created.append(inject)
    db.session.flush()
    record_event(actor, "msel.import", ex, exercise=ex.code, after={"injects": [i.number for i in created]})
    db.session.flush()
    return created


def import_csv(actor, ex: Exercise, data: bytes | None) -> ImportReport:
    """Validate every row first; write all of them, or none, and report every error with its row.

    NUL bytes are removed from the cells (no database column stores them) and the report names each
    cell they were removed from; a cell too long for the CSV reader refuses the file, naming its row
    and column."""
    require_msel_editor(actor, ex)
    if data is None:
        raise Invalid(_("Choose a CSV file to import."))
    require_editable(ex)
    table = _read_rows(_decode(data))
    nul_cells = _drop_nul_bytes(table)
    _find_header(table)
    if len(table.rows) - table.header_at - 1 > MAX_ROWS:
        raise Invalid(_("At most %(num)s rows can be imported at once.", num=MAX_ROWS))
    notes = [(table.where(index, column), str(NUL_REMOVED)) for index, column in nul_cells]
    cleaned, errors = _check_rows(ex, table)
    if errors:
        raise Invalid(ngettext("Nothing was imported: %(num)d problem found.",
                               "Nothing was imported: %(num)d problems found.", len(errors)), errors=errors + notes)
    if not cleaned:
        raise Invalid(_("The file has no injects."))
    return ImportReport(_write_injects(actor, ex, cleaned), notes)


# --- export ---------------------------------------------------------------------------------

def cell(value) -> str:
    """A cell's text, kept from running as a formula (CSV injection)."""
    return neutralise_cell("" if value is None else str(value))


def marking_line(classification: str, releasability: str) -> str:
    return " // ".join(part for part in (classification, releasability) if part)


@dataclass
class Export:
    filename: str
    body: str


def _inject_cells(inject: Inject, ex: Exercise) -> list:
    return [inject.number, inject.scenario_time,
            utc_to_local(inject.planned_at, ex.timezone).strftime("%Y-%m-%d %H:%M"), inject.from_text, inject.to_type,
            inject.to_ref, inject.method, inject.message, inject.expected_action,
            ";".join(str(o.number) for o in inject.objectives), "yes" if inject.contingency else "no", inject.status,
            inject.released_at.isoformat() if inject.released_at else ""]


def export_csv(actor, ex: Exercise, *, classification: str, releasability: str,
               client_address: str | None = None) -> Export:
    """The MSEL as CSV, its marking on the first and last lines. Reading it is recorded on the document
    reads log, which writes nothing to the database (a download never waits for the write lock)."""
    injects = list_injects(actor, ex)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    marking = marking_line(classification, releasability)
    writer.writerow([cell(marking)])
    writer.writerow([str(CSV_HEADINGS[column]) for column in CSV_COLUMNS + ("status", "released_at")])
    for inject in injects:
        writer.writerow([cell(v) for v in _inject_cells(inject, ex)])
    writer.writerow([cell(marking)])
    export = Export(filename=f"MSEL-{ex.code}.csv", body=out.getvalue())
    log_document_read(actor, exercise=ex, document=export.filename, marking=marking, client_address=client_address,
                      details={"injects": len(injects)})
    return export
