"""The sheet of one-time sign-in credentials for new trainee accounts, as a PDF, worded in the reader's
language (gettext; English outside an application). No database, no request.

ReportLab has no font fallback, so every name is split into runs by script and each run gets the
vendored font that has its glyphs (trainer/pdf/text.py, as on certificates); runs are laid out through
Paragraph with shaping on, so that Devanagari, Bengali and Arabic come out joined and reordered
(uharfbuzz does the shaping), in the drawing order the certificate uses (right-to-left names word by word).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask_babel import gettext as _

from trainer.pdf.text import font_name, register_fonts, visual_runs


@dataclass
class CredentialLine:
    name: str
    name_latin: str
    service_number: str
    unit: str
    username: str
    password: str


def name_markup(text: str) -> str:
    """Paragraph markup giving every run of the text the font for its script, in drawing order: a right-to-left
    name's words from its last to its first, as on the certificate (trainer/pdf/text.py: visual_runs)."""
    return "".join(" " if script == "gap" else f'<font face="{font_name(script)}">{escape(part)}</font>'
                   for script, part in visual_runs(text))


def render_credentials(lines: list[CredentialLine], *, title: str, issued: str, sign_in_url: str) -> bytes:
    """A4 sheet: one row per account with the native and Latin name, account name and one-time password."""
    register_fonts()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    body = ParagraphStyle("body", fontName=font_name("latin"), fontSize=9, leading=12, shaping=1)
    name_style = ParagraphStyle("name", parent=body, fontSize=10, leading=14)
    heading = ParagraphStyle("heading", parent=body, fontName=font_name("latin", bold=True), fontSize=14, leading=18)
    mono = ParagraphStyle("mono", parent=body, fontName="Courier-Bold", fontSize=10, leading=13)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=title, author="trainer")
    story = [
        Paragraph(escape(title), heading),
        Paragraph(escape(_("Issued %(issued)s. Sign in at %(url)s with the account name and one-time password "
                           "below. The password works once: at the first sign-in each person must choose their own "
                           "password of 12 to 128 characters. Hand each line to its owner only; destroy this sheet "
                           "afterwards. These passwords are shown nowhere else and cannot be displayed again.",
                           issued=issued, url=sign_in_url)), body),
        Spacer(1, 5 * mm),
    ]
    data = [[Paragraph(f"<b>{escape(heading)}</b>", body) for heading in (
        _("Name"), _("Service no. / unit"), _("Account name"), _("One-time password"))]]
    for line in lines:
        name = name_markup(line.name)
        if line.name_latin and line.name_latin != line.name:
            name += "<br/>" + name_markup(line.name_latin)
        data.append([Paragraph(name, name_style),
                     Paragraph(escape(f"{line.service_number}") + "<br/>" + name_markup(line.unit), body),
                     Paragraph(escape(line.username), mono), Paragraph(escape(line.password), mono)])
    table = LongTable(data, colWidths=[56 * mm, 36 * mm, 40 * mm, 48 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
