"""The readiness report as a PDF, in the reader's language: a cover, a summary with the least ready units in a
chart and the most common gaps, each unit's people, and everyone not ready with what they miss. Every page
carries the classification and releasability markings and "page X of Y"."""
from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _, ngettext
from reportlab.lib.units import mm

from trainer.readiness.aggregate import ScopeReadiness, flatten, requirement_label
from trainer.readiness.charts import worst_first
from trainer.readiness.exports import Markings
from trainer.readiness.pdf_lists import CellWrapper, ListTable
from trainer.readiness.wording import day, percent

CHART_ROWS = 25
UNIT_COLUMNS = [70 * mm, 20 * mm, 35 * mm, 15 * mm, 30 * mm]
NOT_READY_COLUMNS = [50 * mm, 25 * mm, 105 * mm]


def to_pdf(summary: ScopeReadiness, people: dict, *, scope_text: str, markings: Markings,
           generated_at: dt.datetime, green: float, amber: float) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    stamp = _("Generated %(date)s %(time)s UTC", date=day(generated_at.date()), time=generated_at.strftime("%H:%M"))
    wrap = CellWrapper()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                            bottomMargin=22 * mm, title=_("Readiness report"), author="trainer")
    story = [Spacer(1, 40 * mm), Paragraph(escape(_("Readiness report")), styles["Title"]),
             Paragraph(escape(summary.profile.title) + f" ({escape(summary.profile.code)})", styles["Heading2"]),
             Spacer(1, 10 * mm)]
    level = summary.level(summary.total)
    ready = _("%(ready)d (%(percent)s)", ready=summary.total.ready, percent=percent(summary.total.percent or 0))
    cover = [(_("Scope"), scope_text), (_("As of"), day(summary.as_of)),
             (_("Profile"), f"{summary.profile.title} ({summary.profile.code})"),
             (_("People counted"), str(summary.total.total)),
             (_("Ready"), f"{ready} — {level.label}" if level else ready),
             # In words: the PDF's Helvetica has no glyph for the "greater or equal" sign.
             (_("Thresholds"), _("green at %(green)s or more, amber at %(amber)s or more, red below",
                                 green=percent(green), amber=percent(amber))),
             (_("Generated"), stamp)]
    table = Table([[Paragraph(f"<b>{escape(a)}</b>", styles["BodyText"]), Paragraph(escape(b), styles["BodyText"])]
                   for a, b in cover], colWidths=[40 * mm, 130 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, PageBreak(), Paragraph(escape(_("Summary")), styles["Heading1"])]
    story += _chart(summary, green, amber, styles, small)
    story.append(Spacer(1, 6 * mm))
    expiring = ", ".join(_("%(people)d within %(days)d days", people=n, days=d) for d, n in summary.expiring.items())
    story.append(Paragraph(escape(_("Ready people whose evidence lapses: %(list)s.", list=expiring)), styles["BodyText"]))
    if summary.gaps:
        story.append(Paragraph(escape(_("Most common gaps")), styles["Heading3"]))
        gap_table = Table([[_("Requirement"), _("State"), _("People")]]
                          + [[Paragraph(escape(r), small), s, str(n)] for r, s, n in summary.gaps],
                          colWidths=[110 * mm, 35 * mm, 25 * mm])
        gap_table.setStyle(_grid(colors))
        story.append(gap_table)

    story += [PageBreak(), Paragraph(escape(_("Units")), styles["Heading1"])]
    story += _unit_lists(summary, people, wrap)
    story += [PageBreak(), Paragraph(escape(_("Personnel not ready, and what they miss")), styles["Heading1"])]
    story.append(_not_ready_list(summary, people, wrap)
                 or Paragraph(escape(_("Everyone counted is ready.")), styles["BodyText"]))
    doc.build(story, canvasmaker=_numbered_canvas(markings.line, stamp))
    return out.getvalue()


def _numbered_canvas(marking: str, stamp: str):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

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
            self.drawCentredString(width / 2, height - 12 * mm, marking)
            self.drawCentredString(width / 2, 8 * mm, marking)
            self.setFont("Helvetica", 8)
            self.drawString(15 * mm, 14 * mm, stamp)
            self.drawRightString(width - 15 * mm, 14 * mm, _("Page %(page)d of %(pages)d", page=self._pageNumber,
                                                             pages=total))
    return NumberedCanvas


def _chart(summary: ScopeReadiness, green: float, amber: float, styles, small) -> list:
    """Bars of the least ready units first (at most CHART_ROWS), saying how many units the chart leaves out."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph

    nodes = [n for n in flatten(summary.roots) if n.tally.total]
    shown, left_out = worst_first(nodes, CHART_ROWS)
    out = [Paragraph(escape(_("Share ready by unit, least ready first")), styles["Heading3"])]
    row_h = 14
    drawing = Drawing(180 * mm, row_h * len(shown) + 30)
    label_w, bar_w = 45 * mm, 90 * mm
    for threshold in (green, amber):
        x = label_w + bar_w * threshold / 100
        drawing.add(Line(x, 10, x, row_h * len(shown) + 18, strokeColor=colors.black, strokeDashArray=[2, 2]))
        drawing.add(String(x, row_h * len(shown) + 20, percent(threshold), fontSize=7, textAnchor="middle"))
    fills = {"green": colors.HexColor("#198754"), "amber": colors.HexColor("#b58105"), "red": colors.HexColor("#b02a37")}
    for index, node in enumerate(shown):
        y = row_h * (len(shown) - index - 1) + 10
        share = node.tally.percent or 0
        level = summary.level(node.tally)
        drawing.add(String(label_w - 4, y + 3, f"{node.nation_code} {node.code}"[:30], fontSize=7, textAnchor="end"))
        drawing.add(Rect(label_w, y, bar_w, row_h - 4, fillColor=colors.HexColor("#e9ecef"), strokeColor=None))
        if share:
            drawing.add(Rect(label_w, y, bar_w * share / 100, row_h - 4, fillColor=fills[level.value], strokeColor=None))
        drawing.add(String(label_w + bar_w + 4, y + 3, f"{percent(share)} · {level.label if level else ''}", fontSize=7))
    out.append(drawing)
    if left_out:
        out.append(Paragraph(escape(ngettext(
            "The chart shows the %(shown)d least ready of %(total)d units; %(num)d more is not shown. Every unit is "
            "in the tables below.",
            "The chart shows the %(shown)d least ready of %(total)d units; %(num)d more are not shown. Every unit is "
            "in the tables below.", len(left_out), shown=len(shown), total=len(nodes))), small))
    return out


def _unit_lists(summary: ScopeReadiness, people: dict, wrap: CellWrapper) -> list[ListTable]:
    """Each unit's heading and its people (name, rank, service number, ready, valid until), by name."""
    by_unit: dict[int, list[int]] = {}
    for pid, uid in summary.unit_of.items():
        if pid in summary.people and pid in people:
            by_unit.setdefault(uid, []).append(pid)
    name_width = UNIT_COLUMNS[0]
    header = [_("Name"), _("Rank"), _("Service number"), _("Ready"), _("Valid until")]
    yes, no = (_("yes"),), (_("NO"),)
    out = []
    for node in flatten(summary.roots):
        level = summary.level(node.tally)
        facts = {"nation": node.nation_code, "code": node.code, "name": node.name, "ready": node.tally.ready,
                 "total": node.tally.total}
        heading = (_("%(nation)s %(code)s — %(name)s: %(ready)d of %(total)d ready (%(percent)s, %(level)s)",
                     percent=percent(node.tally.percent), level=level.label, **facts) if level else
                   _("%(nation)s %(code)s — %(name)s: %(ready)d of %(total)d ready (no personnel)", **facts))
        rows = []
        for pid in sorted(by_unit.get(node.id, ()), key=lambda p: _name_key(people[p])):
            person, result = people[pid], summary.people[pid]
            valid_until = result.valid_until if result.ready else None
            rows.append((wrap(person.full_name_latin, name_width), (person.rank_code,), (person.service_number,),
                         yes if result.ready else no, (day(valid_until),) if valid_until else ()))
        out.append(ListTable(UNIT_COLUMNS, header, rows, heading=heading, shown=wrap.shown,
                             continued=_("%(heading)s (continued)", heading=heading)))
    return out


def _not_ready_list(summary: ScopeReadiness, people: dict, wrap: CellWrapper) -> ListTable | None:
    """Everyone not ready, by name, with each gap's requirement, state and reason (None when all are ready)."""
    not_ready = summary.not_ready
    if not not_ready:
        return None
    name_width, unit_width, gap_width = NOT_READY_COLUMNS
    rows = []
    worded: dict = {}  # (requirement, state, reason) -> its line: thousands of people share a few gaps
    for result in sorted(not_ready, key=lambda r: _name_key(people.get(r.person_id))):
        person = people.get(result.person_id)
        if person is None:
            continue
        node = summary.units.get(summary.unit_of.get(result.person_id))
        gaps = []
        for gap in result.gaps:
            reason = gap.reason
            line = worded.get((gap.key, gap.state, reason))
            if line is None:
                line = worded[(gap.key, gap.state, reason)] = _(
                    "%(requirement)s — %(state)s: %(reason)s", requirement=requirement_label(summary.profile, gap.key),
                    state=gap.label, reason=reason)
            gaps.extend(wrap(line, gap_width))
        rows.append((wrap(f"{person.full_name_latin} ({person.rank_code}, {person.service_number})", name_width),
                     wrap(node.code if node else "", unit_width), tuple(gaps)))
    return ListTable(NOT_READY_COLUMNS, [_("Name"), _("Unit"), _("What is missing")], rows,
                     continued=_("Personnel not ready, and what they miss (continued)"), shown=wrap.shown)


def _grid(colors):
    from reportlab.platypus import TableStyle

    return TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                       ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef"))])


def _name_key(person):
    return (person.family_name_latin, person.given_names_latin) if person is not None else ("", "")
