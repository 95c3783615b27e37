"""Readiness report exports: CSV and XLSX rows (formula-looking cells neutralised) and a PDF report."""
from __future__ import annotations

import csv
import datetime as dt
import io

from trainer.readiness.aggregate import ScopeReadiness, flatten, requirement_label

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
                      node.tally.level.label if node.tally.level else "no personnel"])
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
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    stamp = f"Generated {generated_at.strftime('%d %b %Y %H:%M')} UTC"

    def cell(text: str, width: float) -> str:
        """Table text wrapped to its column once, here, as plain lines: a Paragraph per cell is re-broken
        at every measure, split and draw, which dominated the time of a report on thousands of people."""
        room = width - 12  # the table's default left and right cell padding
        return "\n".join(wrapped for line in text.split("\n")
                         for wrapped in (simpleSplit(line, "Helvetica", 8, room) or [""]))

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
              + (f" — {summary.total.level.label}" if summary.total.level else "")],
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
        level = node.tally.level
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
    by_unit: dict[int, list[int]] = {}
    for pid, uid in summary.unit_of.items():
        if pid in summary.people:
            by_unit.setdefault(uid, []).append(pid)
    for node in flatten(summary.roots):
        level = node.tally.level
        heading = Paragraph(escape(f"{node.nation_code} {node.code} — {node.name}: {node.tally.ready} of {node.tally.total} ready"
                                   + (f" ({node.tally.percent:.0f}%, {level.label})" if level else " (no personnel)")),
                            styles["Heading3"])
        members = sorted(by_unit.get(node.id, []), key=lambda p: _name_key(people.get(p)))
        if not members:
            story.append(heading)
            continue
        data = [["Name", "Rank", "Service number", "Ready", "Valid until"]]
        for pid in members:
            person, result = people.get(pid), summary.people[pid]
            if person is None:
                continue
            data.append([cell(person.full_name_latin, 70 * mm), person.rank_code, person.service_number,
                         "yes" if result.ready else "NO",
                         result.valid_until.strftime("%d %b %Y") if result.ready and result.valid_until else ""])
        tables = _tables(Table, data, [70 * mm, 20 * mm, 35 * mm, 15 * mm, 30 * mm], _grid(colors))
        # The heading stays with the unit's first rows; long lists continue in tables of TABLE_ROWS rows.
        story.append(KeepTogether([heading, tables[0]]))
        story.extend(tables[1:])

    story += [PageBreak(), Paragraph("Personnel not ready, and what they miss", styles["Heading1"])]
    not_ready = sorted(summary.not_ready, key=lambda r: _name_key(people.get(r.person_id)))
    if not not_ready:
        story.append(Paragraph("Everyone counted is ready.", styles["BodyText"]))
    else:
        data = [["Name", "Unit", "What is missing"]]
        for result in not_ready:
            person = people.get(result.person_id)
            node = summary.units.get(summary.unit_of.get(result.person_id))
            if person is None:
                continue
            data.append([cell(f"{person.full_name_latin} ({person.rank_code}, {person.service_number})", 50 * mm),
                         cell(node.code if node else "", 25 * mm),
                         cell("\n".join(f"{requirement_label(summary.profile, g.key)} — {g.label}: {g.reason}"
                                         for g in result.gaps), 105 * mm)])
        story.extend(_tables(Table, data, [50 * mm, 25 * mm, 105 * mm], _grid(colors)))
    doc.build(story, canvasmaker=NumberedCanvas)
    return out.getvalue()


TABLE_ROWS = 40


def _tables(table_class, data: list, widths: list, style, size: int = TABLE_ROWS) -> list:
    """Long lists as consecutive tables of `size` rows, each with the header: ReportLab splits one large
    table at every page break by re-measuring all its remaining rows, which is quadratic in its length."""
    header, rows = data[0], data[1:]
    tables = []
    for start in range(0, max(len(rows), 1), size):
        table = table_class([header] + rows[start:start + size], colWidths=widths, repeatRows=1)
        table.setStyle(style)
        tables.append(table)
    return tables


def _grid(colors):
    from reportlab.platypus import TableStyle

    return TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                       ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef"))])


def _name_key(person):
    return (person.family_name_latin, person.given_names_latin) if person is not None else ("", "")
