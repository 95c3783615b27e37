"""Readiness report exports: CSV and XLSX rows (formula-looking cells neutralised) and a PDF report."""
from __future__ import annotations

import csv
import datetime as dt
import io

from reportlab.lib.units import mm

from trainer.readiness.aggregate import ScopeReadiness, flatten, requirement_label
from trainer.readiness.pdf_lists import CellWrapper, ListTable

HEADERS = ["Nation", "Unit", "Service number", "Family name", "Given names", "Rank", "Ready", "Valid until",
           "What is missing"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "|", "%")


def neutralise(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def gap_text(summary: ScopeReadiness, result) -> str:
    return "; ".join(f"{requirement_label(summary.profile, g.key)}: {g.label}" for g in result.gaps)


def rows(summary: ScopeReadiness, people: dict) -> list[list]:
    out = []
    for pid, result in summary.people.items():
        person = people.get(pid)
        node = summary.units.get(summary.unit_of.get(pid))
        if person is None:
            continue
        out.append([person.nation_code, node.code if node else "", person.service_number, person.family_name_latin,
                    person.given_names_latin, person.rank_code, "yes" if result.ready else "no",
                    result.valid_until.isoformat() if result.ready and result.valid_until else "",
                    gap_text(summary, result)])
    out.sort(key=lambda r: (r[0], r[1], r[3], r[4]))
    return out


def to_csv(summary: ScopeReadiness, people: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Readiness report", summary.profile.title, f"as of {summary.as_of.isoformat()}"])
    writer.writerow(HEADERS)
    for row in rows(summary, people):
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(summary: ScopeReadiness, people: dict, *, classification: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Personnel"
    sheet.append([neutralise(classification)])
    sheet.append([neutralise(f"Readiness report — {summary.profile.title} — as of {summary.as_of.isoformat()}")])
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows(summary, people):
        sheet.append([neutralise(v) for v in row])
    for cells in sheet.iter_rows(min_row=4):
        for cell in cells:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    units = book.create_sheet("Units")
    units.append(["Nation", "Unit", "Name", "People", "Ready", "Percent ready", "Level"])
    for node in flatten(summary.roots):
        units.append([node.nation_code, neutralise(node.code), neutralise(node.name), node.tally.total, node.tally.ready,
                      node.tally.percent if node.tally.percent is not None else "",
                      summary.level(node.tally).label if summary.level(node.tally) else "no personnel"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------------------


def to_pdf(summary: ScopeReadiness, people: dict, *, scope_text: str, classification: str,
           generated_at: dt.datetime, green: int, amber: int) -> bytes:
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    stamp = f"Generated {generated_at.strftime('%d %b %Y %H:%M')} UTC"

    wrap = CellWrapper()

    class NumberedCanvas(Canvas):
        """Holds the pages until the end so that each can say 'page X of Y'."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total):
            width, height = A4
            self.setFont("Helvetica-Bold", 9)
            self.drawCentredString(width / 2, height - 12 * mm, classification)
            self.drawCentredString(width / 2, 8 * mm, classification)
            self.setFont("Helvetica", 8)
            self.drawString(15 * mm, 14 * mm, stamp)
            self.drawRightString(width - 15 * mm, 14 * mm, f"Page {self._pageNumber} of {total}")

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                            bottomMargin=22 * mm, title="Readiness report", author="trainer")
    story = [Spacer(1, 40 * mm), Paragraph("Readiness report", styles["Title"]),
             Paragraph(escape(summary.profile.title) + f" ({escape(summary.profile.code)})", styles["Heading2"]),
             Spacer(1, 10 * mm)]
    cover = [["Scope", scope_text], ["As of", summary.as_of.strftime("%d %b %Y")],
             ["Profile", f"{summary.profile.title} ({summary.profile.code})"],
             ["People counted", str(summary.total.total)],
             ["Ready", f"{summary.total.ready} ({summary.total.percent if summary.total.percent is not None else 0:.0f}%)"
              + (f" — {summary.level(summary.total).label}" if summary.level(summary.total) else "")],
             # In words: the PDF's Helvetica has no glyph for the "greater or equal" sign.
             ["Thresholds", f"green at {green}% or more, amber at {amber}% or more, red below"],
             ["Generated", stamp]]
    table = Table([[Paragraph(f"<b>{escape(a)}</b>", styles["BodyText"]), Paragraph(escape(b), styles["BodyText"])]
                   for a, b in cover], colWidths=[40 * mm, 130 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, PageBreak(), Paragraph("Summary", styles["Heading1"])]

    nodes = [n for n in flatten(summary.roots) if n.tally.total]
    chart_rows = nodes[:25]
    row_h = 14
    drawing = Drawing(180 * mm, row_h * len(chart_rows) + 30)
    label_w, bar_w = 45 * mm, 90 * mm
    for threshold in (green, amber):
        x = label_w + bar_w * threshold / 100
        drawing.add(Line(x, 10, x, row_h * len(chart_rows) + 18, strokeColor=colors.black, strokeDashArray=[2, 2]))
        drawing.add(String(x, row_h * len(chart_rows) + 20, f"{threshold}%", fontSize=7, textAnchor="middle"))
    fills = {"green": colors.HexColor("#198754"), "amber": colors.HexColor("#b58105"), "red": colors.HexColor("#b02a37")}
    for index, node in enumerate(chart_rows):
        y = row_h * (len(chart_rows) - index - 1) + 10
        percent = node.tally.percent or 0
        level = summary.level(node.tally)
        drawing.add(String(label_w - 4, y + 3, f"{'  ' * node.depth}{node.code}"[:30], fontSize=7, textAnchor="end"))
        drawing.add(Rect(label_w, y, bar_w, row_h - 4, fillColor=colors.HexColor("#e9ecef"), strokeColor=None))
        if percent:
            drawing.add(Rect(label_w, y, bar_w * percent / 100, row_h - 4, fillColor=fills[level.value], strokeColor=None))
        drawing.add(String(label_w + bar_w + 4, y + 3, f"{percent:.0f}% · {level.label if level else ''}", fontSize=7))
    story.append(drawing)
    if len(nodes) > len(chart_rows):
        story.append(Paragraph(f"The chart shows the first {len(chart_rows)} of {len(nodes)} units; every unit is in the tables below.", small))
    story.append(Spacer(1, 6 * mm))
    expiring = ", ".join(f"{n} within {d} days" for d, n in summary.expiring.items())
    story.append(Paragraph(escape(f"Ready people whose evidence lapses: {expiring}."), styles["BodyText"]))
    if summary.gaps:
        story.append(Paragraph("Most common gaps", styles["Heading3"]))
        gap_table = Table([["Requirement", "State", "People"]] + [[Paragraph(escape(r), small), s, str(n)] for r, s, n in summary.gaps],
                          colWidths=[110 * mm, 35 * mm, 25 * mm])
        gap_table.setStyle(_grid(colors))
        story.append(gap_table)

    story += [PageBreak(), Paragraph("Units", styles["Heading1"])]
    story += _unit_lists(summary, people, wrap)
    story += [PageBreak(), Paragraph("Personnel not ready, and what they miss", styles["Heading1"])]
    story.append(_not_ready_list(summary, people, wrap) or Paragraph("Everyone counted is ready.", styles["BodyText"]))
    doc.build(story, canvasmaker=NumberedCanvas)
    return out.getvalue()


UNIT_COLUMNS = [70 * mm, 20 * mm, 35 * mm, 15 * mm, 30 * mm]
NOT_READY_COLUMNS = [50 * mm, 25 * mm, 105 * mm]


def _unit_lists(summary: ScopeReadiness, people: dict, wrap: CellWrapper) -> list[ListTable]:
    """Each unit's heading and its people (name, rank, service number, ready, valid until), by name."""
    by_unit: dict[int, list[int]] = {}
    for pid, uid in summary.unit_of.items():
        if pid in summary.people and pid in people:
            by_unit.setdefault(uid, []).append(pid)
    name_width = UNIT_COLUMNS[0]
    out = []
    for node in flatten(summary.roots):
        level = summary.level(node.tally)
        heading = (f"{node.nation_code} {node.code} — {node.name}: {node.tally.ready} of {node.tally.total} ready"
                   + (f" ({node.tally.percent:.0f}%, {level.label})" if level else " (no personnel)"))
        rows = []
        for pid in sorted(by_unit.get(node.id, ()), key=lambda p: _name_key(people[p])):
            person, result = people[pid], summary.people[pid]
            ready = result.ready
            valid_until = result.valid_until if ready else None
            rows.append((wrap(person.full_name_latin, name_width), (person.rank_code,), (person.service_number,),
                         ("yes",) if ready else ("NO",), (valid_until.strftime("%d %b %Y"),) if valid_until else ()))
        out.append(ListTable(UNIT_COLUMNS, ["Name", "Rank", "Service number", "Ready", "Valid until"], rows,
                             heading=heading, shown=wrap.shown))
    return out


def _not_ready_list(summary: ScopeReadiness, people: dict, wrap: CellWrapper) -> ListTable | None:
    """Everyone not ready, by name, with each gap's requirement, state and reason (None when all are ready)."""
    not_ready = summary.not_ready
    if not not_ready:
        return None
    name_width, unit_width, gap_width = NOT_READY_COLUMNS
    rows = []
    for result in sorted(not_ready, key=lambda r: _name_key(people.get(r.person_id))):
        person = people.get(result.person_id)
        if person is None:
            continue
        node = summary.units.get(summary.unit_of.get(result.person_id))
        gaps = []
        for gap in result.gaps:
            gaps.extend(wrap(f"{requirement_label(summary.profile, gap.key)} — {gap.label}: {gap.reason}", gap_width))
        rows.append((wrap(f"{person.full_name_latin} ({person.rank_code}, {person.service_number})", name_width),
                     wrap(node.code if node else "", unit_width), tuple(gaps)))
    return ListTable(NOT_READY_COLUMNS, ["Name", "Unit", "What is missing"], rows,
                     continued="Personnel not ready, and what they miss (continued)", shown=wrap.shown)


def _grid(colors):
    from reportlab.platypus import TableStyle

    return TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                       ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef"))])


def _name_key(person):
    return (person.family_name_latin, person.given_names_latin) if person is not None else ("", "")
