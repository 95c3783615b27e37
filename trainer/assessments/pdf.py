"""The AAR/IP as a PDF: pure layout (no Flask, no database) from plain data.

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


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def ratings_chart(counts: dict[str, int], labels: dict[str, str]) -> Drawing:
    """A bar chart of the adjudicated ratings (how many P, S, M and U), never an average."""
    letters = list(labels)
    drawing = Drawing(160 * mm, 60 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 15 * mm, 10 * mm
    chart.width, chart.height = 135 * mm, 42 * mm
    chart.data = [[counts.get(letter, 0) for letter in letters]]
    chart.categoryAxis.categoryNames = [f"{letter} — {labels[letter]}" for letter in letters]
    chart.categoryAxis.labels.fontSize = 6.5
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
    drawing.add(String(15 * mm, 56 * mm, "Adjudicated ratings (count per rating)", fontSize=8))
    return drawing


def render_aar(doc: AarDocument) -> bytes:
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    h1, h2, h3 = styles["Title"], styles["Heading2"], styles["Heading3"]

    def on_page(canvas, document):
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
        canvas.drawRightString(width - 15 * mm, 14 * mm, f"Page {document.page}")
        canvas.drawString(15 * mm, 14 * mm, doc.title[:90])
        canvas.restoreState()

    story = [_p("After-action report and improvement plan", h1), _p(doc.title, h2)]
    if doc.generated:
        story.append(_p(f"Generated from the assessment record on {doc.generated}.", small))
    story += [Spacer(1, 4 * mm), _p("Exercise overview", h2)]
    overview = Table([[_p(k, small), _p(v, small)] for k, v in doc.overview], colWidths=[40 * mm, 135 * mm])
    overview.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                  ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f5")),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [overview, Spacer(1, 4 * mm), _p("Executive summary", h2),
              _p(doc.executive_summary or "No executive summary has been written yet.", body),
              Spacer(1, 4 * mm), _p("Ratings", h2), ratings_chart(doc.counts, doc.rating_labels)]
    legend = [[_p(letter, small), _p(label, small)] for letter, label in doc.rating_labels.items()]
    story.append(Table(legend, colWidths=[10 * mm, 165 * mm]))

    story.append(_p("Analysis of objectives", h2))
    for obj in doc.objectives:
        block = [_p(f"Objective {obj.number}: {obj.description}", h3)]
        if obj.capability:
            block.append(_p(f"Capability: {obj.capability}", small))
        if obj.ratings:
            rows = [[_p("Training audience", small), _p("Rating", small), _p("Rationale", small)]]
            rows += [[_p(a, small), _p(r, small), _p(why, small)] for a, r, why in obj.ratings]
            table = Table(rows, colWidths=[55 * mm, 15 * mm, 105 * mm], repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            block.append(table)
        else:
            block.append(_p("Not adjudicated.", small))
        story.append(KeepTogether(block[:2]))
        story += block[2:]
        for heading, entries in (("Strengths", obj.strengths), ("Areas for improvement", obj.improvements)):
            if entries:
                story.append(_p(heading, styles["Heading4"]))
                story += [_p(f"{who}: {text}", small) for who, text in entries]
        story.append(Spacer(1, 3 * mm))

    story.append(_p("Improvement plan", h2))
    if doc.items:
        rows = [[_p(h, small) for h in ("Finding", "Corrective action", "Objective", "Owner", "Point of contact",
                                        "Due", "Status")]]
        rows += [[_p(i.finding, small), _p(i.corrective_action, small), _p(i.objective, small), _p(i.owner, small),
                  _p(i.point_of_contact, small), _p(i.due_on, small), _p(i.status, small)] for i in doc.items]
        table = Table(rows, colWidths=[34 * mm, 40 * mm, 18 * mm, 24 * mm, 24 * mm, 18 * mm, 17 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    else:
        story.append(_p("No improvement items.", body))

    template = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=22 * mm,
                                 bottomMargin=22 * mm, title=f"AAR/IP {doc.title}", author="trainer",
                                 subject=f"{doc.classification} — {doc.releasability}")
    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
