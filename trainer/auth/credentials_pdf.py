"""The sheet of one-time sign-in credentials for new trainee accounts, as a PDF. Pure: no Flask, no database.

ReportLab has no font fallback, so every name is split into runs by script and each run gets the
vendored font that has its glyphs; runs are laid out through Paragraph with shaping on, so that
Devanagari, Bengali and Arabic come out joined and reordered (uharfbuzz does the shaping).
"""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts"
FONTS = {
    "latin": ("CredLatin", "NotoSans-Regular.ttf"),
    "latin-bold": ("CredLatinBold", "NotoSans-Bold.ttf"),
    "devanagari": ("CredDevanagari", "NotoSansDevanagari-Regular.ttf"),
    "bengali": ("CredBengali", "NotoSansBengali-Regular.ttf"),
    "arabic": ("CredArabic", "NotoNaskhArabic-Regular.ttf"),
    "han": ("CredHan", "DroidSansFallbackFull.ttf"),
}
_registered = False


@dataclass
class CredentialLine:
    name: str
    name_latin: str
    service_number: str
    unit: str
    username: str
    password: str


def _register() -> None:
    global _registered
    if _registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in FONTS.values():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    _registered = True


def script_of(char: str) -> str | None:
    """The font family a character needs; None for spaces, digits and punctuation (any font has them)."""
    cp = ord(char)
    if 0x0600 <= cp <= 0x08FF or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        return "arabic"
    if 0x0900 <= cp <= 0x097F or 0xA8E0 <= cp <= 0xA8FF:
        return "devanagari"
    if 0x0980 <= cp <= 0x09FF:
        return "bengali"
    if 0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x2FFFF:
        return "han"
    if cp in (0x200C, 0x200D):
        return None
    return "latin" if unicodedata.category(char)[0] in "LM" else None


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (script, text) runs; neutral characters stay with the run before them."""
    out: list[list[str]] = []
    leading = ""
    for char in text:
        script = script_of(char)
        if script is None:
            if out:
                out[-1][1] += char
            else:
                leading += char
        elif out and out[-1][0] == script:
            out[-1][1] += char
        else:
            out.append([script, leading + char])
            leading = ""
    if not out:
        return [("latin", leading)] if leading else []
    return [(s, t) for s, t in out]


def name_markup(text: str) -> str:
    """Paragraph markup giving every run of the text the font for its script."""
    return "".join(f'<font face="{FONTS[script][0]}">{escape(part)}</font>' for script, part in runs(text))


def render_credentials(lines: list[CredentialLine], *, title: str, issued: str, sign_in_url: str) -> bytes:
    """A4 sheet: one row per account with the native and Latin name, account name and one-time password."""
    _register()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    body = ParagraphStyle("body", fontName=FONTS["latin"][0], fontSize=9, leading=12, shaping=1)
    name_style = ParagraphStyle("name", parent=body, fontSize=10, leading=14)
    heading = ParagraphStyle("heading", parent=body, fontName=FONTS["latin-bold"][0], fontSize=14, leading=18)
    mono = ParagraphStyle("mono", parent=body, fontName="Courier-Bold", fontSize=10, leading=13)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=title, author="trainer")
    story = [
        Paragraph(escape(title), heading),
        Paragraph(escape(f"Issued {issued}. Sign in at {sign_in_url} with the account name and one-time password "
                         "below. The password works once: at the first sign-in each person must choose their own "
                         "password of 12 to 128 characters. Hand each line to its owner only; destroy this sheet "
                         "afterwards. These passwords are shown nowhere else and cannot be displayed again."), body),
        Spacer(1, 5 * mm),
    ]
    data = [[Paragraph("<b>Name</b>", body), Paragraph("<b>Service no. / unit</b>", body),
             Paragraph("<b>Account name</b>", body), Paragraph("<b>One-time password</b>", body)]]
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
