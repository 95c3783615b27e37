"""The readiness report as a PDF, in the reader's language: a cover, a summary with the least ready units in a
chart and the most common gaps, each unit's people, and everyone not ready with what they miss. Every page
carries the classification and releasability markings and "page X of Y".

The report is streamed: its people are read in batches as the pages fill (report_rows.py), each page is written
out as soon as it is finished, and the number of pages, known only at the end, is a form every page shows. A
report on a hundred thousand people starts arriving at once, and its people are never all held in memory at once."""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from flask_babel import gettext as _, ngettext
from reportlab.lib.units import mm

from trainer.readiness.aggregate import ScopeReadiness, flatten, requirement_label
from trainer.readiness.charts import worst_first
from trainer.readiness.exports import Markings
from trainer.readiness.pdf_lists import CellWrapper, ListTable, StreamedListTable
from trainer.readiness.wording import day, percent
from trainer.serving import existing_objects_set_aside

CHART_ROWS = 25
UNIT_COLUMNS = [70 * mm, 20 * mm, 35 * mm, 15 * mm, 30 * mm]
NOT_READY_COLUMNS = [50 * mm, 25 * mm, 105 * mm]


def to_pdf(summary: ScopeReadiness, scope, *, scope_text: str, markings: Markings, generated_at: dt.datetime,
           green: float, amber: float) -> bytes:
    return b"".join(stream_pdf(summary, scope, scope_text=scope_text, markings=markings, generated_at=generated_at,
                               green=green, amber=amber))


def stream_pdf(summary: ScopeReadiness, scope, *, scope_text: str, markings: Markings, generated_at: dt.datetime,
               green: float, amber: float):
    """The report's bytes, as the pages are written. `summary` holds the figures (without people); `scope`
    (report_rows.ReportScope) says whom to list."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from trainer.pdf.reportlab_adapter import stream_build

    stamp = _("Generated %(date)s %(time)s UTC", date=day(generated_at.date()), time=generated_at.strftime("%H:%M"))
    doc = BaseDocTemplate(None, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                          bottomMargin=22 * mm, title=_("Readiness report"), author="trainer")
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="normal")
    doc.addPageTemplates([PageTemplate(id="All", frames=frame, pagesize=A4)])
    # What exists before the report (the application, its libraries and their tables) is kept out of the garbage
    # collector's sight while the report is written: each full collection, triggered by the report's own objects,
    # walked all of it again: nearly a quarter of the time of a long report.
    with existing_objects_set_aside():
        yield from stream_build(doc, _story(summary, scope, scope_text, green, amber),
                                _numbered_canvas(markings.line, stamp))


def _story(summary: ScopeReadiness, scope, scope_text: str, green: float, amber: float):
    """The report's flowables, the lists of people read as they are needed. When the report was written is at the
    foot of every page, the cover's included, so the cover's table does not say it again."""
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    wrap = CellWrapper()
    yield from [Spacer(1, 40 * mm), Paragraph(escape(_("Readiness report")), styles["Title"]),
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
                                 green=percent(green), amber=percent(amber)))]
    table = Table([[Paragraph(f"<b>{escape(a)}</b>", styles["BodyText"]), Paragraph(escape(b), styles["BodyText"])]
                   for a, b in cover], colWidths=[40 * mm, 130 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    yield from [table, PageBreak(), Paragraph(escape(_("Summary")), styles["Heading1"])]
    yield from _chart(summary, green, amber, styles, small)
    yield Spacer(1, 6 * mm)
    expiring = ", ".join(_("%(people)d within %(days)d days", people=n, days=d) for d, n in summary.expiring.items())
    yield Paragraph(escape(_("Ready people whose evidence lapses: %(list)s.", list=expiring)), styles["BodyText"])
    if summary.gaps:
        yield Paragraph(escape(_("Most common gaps")), styles["Heading3"])
        gap_table = Table([[_("Requirement"), _("State"), _("People")]]
                          + [[Paragraph(escape(r), small), s, str(n)] for r, s, n in summary.gaps],
                          colWidths=[110 * mm, 35 * mm, 25 * mm])
        gap_table.setStyle(_grid(colors))
        yield gap_table

    yield from [PageBreak(), Paragraph(escape(_("Units")), styles["Heading1"])]
    yield from _unit_lists(summary, scope, wrap)
    yield from [PageBreak(), Paragraph(escape(_("Personnel not ready, and what they miss")), styles["Heading1"])]
    yield (_not_ready_list(summary, scope, wrap)
           or Paragraph(escape(_("Everyone counted is ready.")), styles["BodyText"]))


PAGES_FORM = "pagecount"


def _numbered_canvas(marking: str, stamp: str):
    from reportlab.lib.pagesizes import A4

    from trainer.pdf.reportlab_adapter import define_late_form, fill_late_forms, streaming_canvas_class

    class NumberedCanvas(streaming_canvas_class()):
        """Each page is written as soon as it is finished. Its "page X of Y" is a small form of its own, written at
        the end when Y is known: whole, so that the words read in one piece (copied, or read aloud). Until then the
        document keeps only each form's number."""

        def decorate_page(self):
            width, height = A4
            self.saveState()
            self.setFont("Helvetica-Bold", 9)
            self.drawCentredString(width / 2, height - 12 * mm, marking)
            self.drawCentredString(width / 2, 8 * mm, marking)
            self.setFont("Helvetica", 8)
            self.drawString(15 * mm, 14 * mm, stamp)
            name = f"{PAGES_FORM}{self.getPageNumber()}"
            define_late_form(self, name, 50 * mm, 12)
            self.translate(width - 15 * mm - 50 * mm, 14 * mm)
            self.doForm(name)
            self.restoreState()

        def save(self):
            pages = self.getPageNumber() - 1

            def page_of_pages(index, text):
                text.setFont("Helvetica", 8)
                text.textOut(_("Page %(page)d of %(pages)d", page=index + 1, pages=pages))

            fill_late_forms(self, page_of_pages)
            super().save()
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


def _unit_lists(summary: ScopeReadiness, scope, wrap: CellWrapper):
    """Each unit's heading and its people (name, rank, service number, ready, valid until), by name."""
    from trainer.readiness.report_rows import unit_people

    name_width = UNIT_COLUMNS[0]
    header = [_("Name"), _("Rank"), _("Service number"), _("Ready"), _("Valid until")]
    yes, no = (_("yes"),), (_("NO"),)
    nodes = flatten(summary.roots)
    for node, (_unit_id, people) in zip(nodes, unit_people(scope, [n.id for n in nodes])):
        level = summary.level(node.tally)
        facts = {"nation": node.nation_code, "code": node.code, "name": node.name, "ready": node.tally.ready,
                 "total": node.tally.total}
        heading = (_("%(nation)s %(code)s — %(name)s: %(ready)d of %(total)d ready (%(percent)s, %(level)s)",
                     percent=percent(node.tally.percent), level=level.label, **facts) if level else
                   _("%(nation)s %(code)s — %(name)s: %(ready)d of %(total)d ready (no personnel)", **facts))
        rows = [(wrap(person.name, name_width), (person.rank_code,), (person.service_number,),
                 yes if person.ready else no, (day(person.valid_until),) if person.valid_until else ())
                for person in people]
        yield ListTable(UNIT_COLUMNS, header, rows, heading=heading, shown=wrap.shown,
                        continued=_("%(heading)s (continued)", heading=heading))


def _not_ready_list(summary: ScopeReadiness, scope, wrap: CellWrapper) -> StreamedListTable | None:
    """Everyone not ready, by name, with each gap's requirement, state and reason (None when all are ready)."""
    from trainer.readiness.report_rows import not_ready

    if summary.total.ready >= summary.total.total:
        return None
    name_width, unit_width, gap_width = NOT_READY_COLUMNS
    # (requirement, state, why) -> its line, worded once: thousands of people share a few gaps, and wording the
    # reason again for each of them (in the reader's language) took as long as drawing them.
    worded: dict = {}
    codes = {uid: node.code for uid, node in summary.units.items()}

    def rows():
        for person in not_ready(scope):
            gaps = []
            for gap in person.gaps:
                why = gap.why
                key = (gap.key, gap.state, why if why is None or isinstance(why, str) else
                       (why.code, tuple(why.facts.items())))
                line = worded.get(key)
                if line is None:
                    if len(worded) > 20000:  # a bound, whatever the number of people
                        worded.clear()
                    line = worded[key] = _(
                        "%(requirement)s — %(state)s: %(reason)s", requirement=requirement_label(summary.profile, gap.key),
                        state=gap.label, reason=gap.reason)
                gaps.extend(wrap(line, gap_width))
            yield (wrap(f"{person.name} ({person.rank_code}, {person.service_number})", name_width),
                   wrap(codes.get(person.unit_id, ""), unit_width), tuple(gaps))

    return StreamedListTable(NOT_READY_COLUMNS, [_("Name"), _("Unit"), _("What is missing")], rows(),
                             continued=_("Personnel not ready, and what they miss (continued)"), shown=wrap.shown)


def _grid(colors):
    from reportlab.platypus import TableStyle

    return TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                       ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef"))])

