"""Readiness report exports as tables, in the reader's language: CSV, and XLSX with the column headings on row 1
(frozen, with a filter) and the classification and releasability markings in every printed page's header and
footer. Formula-looking cells are neutralised. The PDF report is report_pdf.py."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from flask_babel import gettext as _

from trainer.readiness.aggregate import ScopeReadiness, flatten, requirement_label
from trainer.spreadsheets import neutralise_cell, xlsx_cell



@dataclass(frozen=True)
class Markings:
    """The classification and releasability markings every export carries (the installation's, as i18n.marking gives
    them)."""
    classification: str = ""
    releasability: str = ""

    @property
    def line(self) -> str:
        return " // ".join(m for m in (self.classification, self.releasability) if m)


def headers() -> list[str]:
    return [_("Nation"), _("Unit"), _("Service number"), _("Family name"), _("Given names"), _("Rank"), _("Ready"),
            _("Valid until"), _("What is missing")]


def unit_headers() -> list[str]:
    return [_("Nation"), _("Unit"), _("Name"), _("People"), _("Ready"), _("Share ready"), _("Level")]


def gap_text(summary: ScopeReadiness, result, worded: dict | None = None) -> str:
    """"HR-01 Human rights: missing; Screening: on hold". `worded` keeps each (requirement, state) already put
    into words, for a report that words the same few thousands of times."""
    worded = {} if worded is None else worded
    parts = []
    for gap in result.gaps:
        text = worded.get((gap.key, gap.state))
        if text is None:
            text = worded[(gap.key, gap.state)] = _("%(requirement)s: %(state)s", state=gap.label,
                                                    requirement=requirement_label(summary.profile, gap.key))
        parts.append(text)
    return "; ".join(parts)


def rows(summary: ScopeReadiness, people: dict) -> list[list]:
    """One row per person counted, by nation, unit and name; "valid until" as a date (or None)."""
    out = []
    yes, no = _("yes"), _("no")
    worded: dict = {}
    for pid, result in summary.people.items():
        person = people.get(pid)
        node = summary.units.get(summary.unit_of.get(pid))
        if person is None:
            continue
        out.append([person.nation_code, node.code if node else "", person.service_number, person.family_name_latin,
                    person.given_names_latin, person.rank_code, yes if result.ready else no,
                    result.valid_until if result.ready and result.valid_until else None,
                    gap_text(summary, result, worded)])
    out.sort(key=lambda r: (r[0], r[1], r[3], r[4]))
    return out


def title(summary: ScopeReadiness) -> str:
    return _("Readiness report — %(profile)s — as of %(date)s", profile=summary.profile.title,
             date=summary.as_of.isoformat())


def to_csv(summary: ScopeReadiness, people: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Readiness report"), summary.profile.title, _("as of %(date)s", date=summary.as_of.isoformat())])
    writer.writerow(headers())
    for row in rows(summary, people):
        writer.writerow([neutralise_cell(v.isoformat() if isinstance(v, dt.date) else v if v is not None else "")
                         for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(summary: ScopeReadiness, people: dict, *, markings: Markings) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.title = title(summary)[:250]
    sheet = book.active
    sheet.title = _sheet_name(_("Personnel"))
    sheet.append(headers())
    for row in rows(summary, people):
        sheet.append([xlsx_cell(v) for v in row])
    _as_table(sheet, widths=[9, 14, 16, 22, 22, 9, 9, 13, 60], markings=markings, title=title(summary), dates="H")

    units = book.create_sheet(_sheet_name(_("Units")))
    units.append(unit_headers())
    for node in flatten(summary.roots):
        level = summary.level(node.tally)
        units.append([node.nation_code, xlsx_cell(node.code), xlsx_cell(node.name), node.tally.total, node.tally.ready,
                      node.tally.percent / 100 if node.tally.percent is not None else None,
                      level.label if level else _("no personnel")])
    _as_table(units, widths=[9, 16, 36, 10, 10, 13, 24], markings=markings, title=title(summary), percents="F")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(name: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return "".join(c for c in str(name) if c not in "[]:*?/\\")[:31] or "Sheet"


def _header_text(text: str) -> str:
    """Text for a page header or footer: "&" starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


def _as_table(sheet, *, widths, markings: Markings, title: str, dates: str = "", percents: str = "") -> None:
    """Row 1 holds the headings (bold, frozen, with a filter over the whole table and repeated on printed pages);
    the markings sit in each printed page's header and footer, the report's title and page numbers beside them."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    for column in dates:
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    for column in percents:
        for cell in sheet[column][1:]:
            cell.number_format = "0%"
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{max(sheet.max_row, 1)}"
    sheet.print_title_rows = "1:1"
    marking = _header_text(markings.line)[:120]
    for header in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        header.center.text = marking
        header.left.text = _header_text(title)[:120]
    for footer in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        footer.center.text = marking
        footer.right.text = _("Page %(page)s of %(pages)s", page="&P", pages="&N")
