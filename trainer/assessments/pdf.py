"""The AAR/IP as a PDF: pure layout (no Flask, no database) from plain data, its words included (the
service gives them in the reader's language; AarTexts holds the English ones).

Every page carries the classification marking at the top and bottom and the releasability marking
under it, as exports of marked material must.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)
from xml.sax.saxutils import escape

RATING_COLOURS = {"P": colors.HexColor("#2e7d32"), "S": colors.HexColor("#9e9d24"),
                  "M": colors.HexColor("#ef6c00"), "U": colors.HexColor("#c62828")}


@dataclass
class AarObjective:
    number: int
    description: str
    capability: str
    ratings: list[tuple[str, str, str]]         # (training audience, rating letter, rationale)
    strengths: list[tuple[str, str]]            # (audience, narrative)
    improvements: list[tuple[str, str]]


@dataclass
class AarItem:
    finding: str
    corrective_action: str
    objective: str
    owner: str
    point_of_contact: str
    due_on: str
    status: str


@dataclass
class AarTexts:
    """Every word the layout draws itself; `page` and `generated` hold %(number)s and %(when)s."""
    heading: str = "After-action report and improvement plan"
    generated: str = "Generated from the assessment record on %(when)s."
    overview: str = "Exercise overview"
    executive_summary: str = "Executive summary"
    no_summary: str = "No executive summary has been written yet."
    ratings: str = "Ratings"
    chart_title: str = "Adjudicated ratings (count per rating)"
    analysis: str = "Analysis of objectives"
    objective: str = "Objective %(number)s: %(description)s"
    capability: str = "Capability: %(capability)s"
    audience: str = "Training audience"
    rating: str = "Rating"
    rationale: str = "Rationale"
    not_adjudicated: str = "Not adjudicated."
    strengths: str = "Strengths"
    improvements: str = "Areas for improvement"
    plan: str = "Improvement plan"
    plan_columns: tuple[str, ...] = ("Finding", "Corrective action", "Objective", "Owner", "Point of contact", "Due",
                                     "Status")
    no_items: str = "No improvement items."
    page: str = "Page %(number)s"
    entry: str = "%(where)s: %(message)s"


@dataclass
class AarDocument:
    title: str
    classification: str
    releasability: str
    overview: list[tuple[str, str]]
    executive_summary: str
    rating_labels: dict[str, str]
    counts: dict[str, int]
    objectives: list[AarObjective] = field(default_factory=list)
    items: list[AarItem] = field(default_factory=list)
    generated: str = ""
    texts: AarTexts = field(default_factory=AarTexts)


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _grid(rows: list, widths: list, *, headings_in_first_column: bool = False) -> Table:
    """A ruled table with its headings shaded: the first row (repeated on each page), or the first column. A row
    taller than what is left of the page (a finding of a few thousand characters) continues on the next page."""
    shaded_to = (0, -1) if headings_in_first_column else (-1, 0)
    table = Table(rows, colWidths=widths, repeatRows=0 if headings_in_first_column else 1, splitInRow=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), shaded_to, colors.HexColor("#eef1f5")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


CHART_WIDTH, CHART_HEIGHT = 135 * mm, 38 * mm
LABEL_FONT, LABEL_SIZE, LABEL_LEADING = "Helvetica", 7, 8.5
LABEL_GAP = 4  # points kept free between two neighbouring categories' labels


def category_labels(labels: dict[str, str], slot: float, font: str = LABEL_FONT, size: float = LABEL_SIZE) -> list[str]:
    """Each rating's axis label ("P" and its words), wrapped into lines no wider than its slot minus a gap,
    so that neighbouring labels never run into each other whatever the language."""
    width = slot - LABEL_GAP
    return ["\n".join([letter] + simpleSplit(words, font, size, width)) for letter, words in labels.items()]


def ratings_chart(counts: dict[str, int], labels: dict[str, str], title: str = AarTexts.chart_title) -> Drawing:
    """A bar chart of the adjudicated ratings (how many P, S, M and U), never an average."""
    letters = list(labels)
    wrapped = category_labels(labels, CHART_WIDTH / max(len(letters), 1))
    lines = max((text.count("\n") + 1 for text in wrapped), default=1)
    below = lines * LABEL_LEADING + 6  # room for the wrapped labels under the axis
    drawing = Drawing(160 * mm, CHART_HEIGHT + below + 10 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 15 * mm, below
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
    chart.data = [[counts.get(letter, 0) for letter in letters]]
    chart.categoryAxis.categoryNames = wrapped
    chart.categoryAxis.labels.fontName = LABEL_FONT
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.leading = LABEL_LEADING
    chart.categoryAxis.labels.textAnchor = "middle"
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -3
    chart.valueAxis.valueMin = 0
    top = max([counts.get(letter, 0) for letter in letters] + [1])
    chart.valueAxis.valueMax = top + max(1, top // 5)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    chart.valueAxis.labels.fontSize = 7
    chart.bars.strokeColor = None
    for i, letter in enumerate(letters):
        chart.bars[(0, i)].fillColor = RATING_COLOURS.get(letter, colors.grey)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(15 * mm, below + CHART_HEIGHT + 6 * mm, title, fontSize=8, fontName="Helvetica"))
    return drawing


def label_width(text: str, font: str = LABEL_FONT, size: float = LABEL_SIZE) -> float:
    return max((stringWidth(line, font, size) for line in text.split("\n")), default=0)


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    h4: ParagraphStyle


def _styles() -> _Styles:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9, leading=12)
    return _Styles(body, ParagraphStyle("small", parent=body, fontSize=8, leading=10), styles["Title"],
                   styles["Heading2"], styles["Heading3"], styles["Heading4"])


def render_aar(doc: AarDocument) -> bytes:
    """The after-action report and improvement plan as an A4 PDF: overview, summary, ratings, the analysis of each
    objective and the plan, with the handling marking at the top and foot of every page."""
    buffer = io.BytesIO()
    st = _styles()

    def on_page(canvas, document):
        _draw_marking(canvas, doc, document.page)

    story = _overview_part(doc, st) + _analysis_part(doc, st) + _plan_part(doc, st)
    template = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=22 * mm,
                                 bottomMargin=22 * mm, title=f"AAR/IP {doc.title}", author="trainer",
                                 subject=f"{doc.classification} — {doc.releasability}")
    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _draw_marking(canvas, doc: AarDocument, page: int) -> None:
    """The classification and releasability at the top and foot of a page, its number and the report's title."""
    canvas.saveState()
    width, height = A4
    canvas.setFont("Helvetica-Bold", 9)
    canvas.setFillColor(colors.HexColor("#8b0000"))
    canvas.drawCentredString(width / 2, height - 10 * mm, doc.classification)
    canvas.setFont("Helvetica", 7.5)
    canvas.drawCentredString(width / 2, height - 14 * mm, doc.releasability)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawCentredString(width / 2, 10 * mm, doc.classification)
    canvas.setFont("Helvetica", 7.5)
    canvas.drawCentredString(width / 2, 6 * mm, doc.releasability)
    canvas.setFillColor(colors.black)
    canvas.drawRightString(width - 15 * mm, 14 * mm, doc.texts.page % {"number": page})
    canvas.drawString(15 * mm, 14 * mm, doc.title[:90])
    canvas.restoreState()


def _overview_part(doc: AarDocument, st: _Styles) -> list:
    """Heading, overview table, executive summary, and the ratings with their chart and legend."""
    t = doc.texts
    story = [_p(t.heading, st.h1), _p(doc.title, st.h2)]
    if doc.generated:
        story.append(_p(t.generated % {"when": doc.generated}, st.small))
    story += [Spacer(1, 4 * mm), _p(t.overview, st.h2)]
    overview = _grid([[_p(k, st.small), _p(v, st.small)] for k, v in doc.overview], [40 * mm, 135 * mm],
                     headings_in_first_column=True)
    story += [overview, Spacer(1, 4 * mm), _p(t.executive_summary, st.h2),
              _p(doc.executive_summary or t.no_summary, st.body),
              Spacer(1, 4 * mm), _p(t.ratings, st.h2), ratings_chart(doc.counts, doc.rating_labels, t.chart_title)]
    legend = [[_p(letter, st.small), _p(label, st.small)] for letter, label in doc.rating_labels.items()]
    story.append(Table(legend, colWidths=[10 * mm, 165 * mm]))
    return story


def _analysis_part(doc: AarDocument, st: _Styles) -> list:
    """Each objective: its capability, the adjudicated rating per audience, strengths and areas to improve."""
    t = doc.texts
    story = [_p(t.analysis, st.h2)]
    for obj in doc.objectives:
        block = [_p(t.objective % {"number": obj.number, "description": obj.description}, st.h3)]
        if obj.capability:
            block.append(_p(t.capability % {"capability": obj.capability}, st.small))
        if obj.ratings:
            rows = [[_p(t.audience, st.small), _p(t.rating, st.small), _p(t.rationale, st.small)]]
            rows += [[_p(a, st.small), _p(r, st.small), _p(why, st.small)] for a, r, why in obj.ratings]
            block.append(_grid(rows, [55 * mm, 15 * mm, 105 * mm]))
        else:
            block.append(_p(t.not_adjudicated, st.small))
        story.append(KeepTogether(block[:2]))
        story += block[2:]
        for heading, entries in ((t.strengths, obj.strengths), (t.improvements, obj.improvements)):
            if entries:
                story.append(_p(heading, st.h4))
                story += [_p(t.entry % {"where": who, "message": text}, st.small) for who, text in entries]
        story.append(Spacer(1, 3 * mm))
    return story


def _plan_part(doc: AarDocument, st: _Styles) -> list:
    """The improvement plan: one row per item, or a line saying there is none."""
    t = doc.texts
    story = [_p(t.plan, st.h2)]
    if not doc.items:
        return story + [_p(t.no_items, st.body)]
    rows = [[_p(h, st.small) for h in t.plan_columns]]
    rows += [[_p(i.finding, st.small), _p(i.corrective_action, st.small), _p(i.objective, st.small),
              _p(i.owner, st.small), _p(i.point_of_contact, st.small), _p(i.due_on, st.small),
              _p(i.status, st.small)] for i in doc.items]
    story.append(_grid(rows, [34 * mm, 40 * mm, 18 * mm, 24 * mm, 24 * mm, 18 * mm, 17 * mm]))
    return story
