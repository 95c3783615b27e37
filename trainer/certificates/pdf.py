"""The certificate as an A4 landscape PDF, drawn on a ReportLab canvas into a buffer.

Text is split into runs by script, each run in the font that has its glyphs (trainer/pdf/text.py):
Devanagari, Bengali and Arabic runs shaped by HarfBuzz (through a Paragraph with shaping on), Latin,
Cyrillic and Chinese runs drawn as plain canvas text (they need no shaping, and a Paragraph costs
several times more). Right-to-left runs are laid out right to left. Each drawn line is wrapped in a
marked-content span whose ActualText is the line's text in logical (reading) order, as the PDF
specification defines it, so that copy and paste, screen readers and text extraction get the exact
name even though shaped glyphs no longer map one-to-one onto characters.

The signed envelope (payload + key id + signature) is embedded as a file attachment
(`certificate.json`, uncompressed) and its fingerprint is printed, so a verifier can check the PDF
offline with the public keys alone; the file as a whole is then signed (pdf_signing.py). What each line
says comes from printed.py, which the checker reads the page against. Pure module: imports neither
Flask nor the database.
"""
from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from trainer.certificates import printed
from trainer.certificates.qr import qr_matrix
from trainer.pdf.reportlab_adapter import attach_file
from trainer.pdf.text import font_name, pdf_text_string, register_fonts, visual_runs

PAGE = landscape(A4)
EMBEDDED_NAME = "certificate.json"
INK = colors.HexColor("#1b2a41")
MUTED = colors.HexColor("#5a6472")
ACCENT = colors.HexColor("#1f5f8b")
# Every QR mask pattern is valid (ISO/IEC 18004); scoring all eight to pick one is pure Python and
# cost ~60 ms a certificate, more than the rest of the page. A fixed mask keeps bulk issue fast.
QR_MASK = 2


def shaping_active() -> bool:
    """True when ReportLab will shape complex scripts (uharfbuzz importable and fonts shapable)."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    return bool(getattr(pdfmetrics.getFont(font_name("arabic")), "shapable", False))


# Scripts whose text needs no shaping beyond one glyph per character (Latin, Cyrillic and Greek fall
# under "latin"; Chinese characters under "han"): drawn as plain canvas text, several times cheaper
# than a shaped Paragraph. Devanagari, Bengali and Arabic are shaped by HarfBuzz.
PLAIN_SCRIPTS = {"latin", "han"}


class TextDrawer:
    """Draws one line of text in any mix of scripts, shaped where the script needs it, with an
    ActualText span around the whole line."""

    def __init__(self, canvas: Canvas):
        self.canvas = canvas

    def _paragraph(self, script: str, chunk: str, size: float, bold: bool, color) -> tuple[Paragraph, float]:
        style = ParagraphStyle("run", fontName=font_name(script, bold), fontSize=size, leading=size * 1.3,
                               textColor=color, shaping=1)
        para = Paragraph(escape(chunk), style)
        para.wrap(10000, size * 3)
        widths = para.getActualLineWidths0()
        return para, (max(widths) if widths else 0.0)

    def _layout(self, text: str, size: float, bold: bool, color):
        """[(kind, drawable, width)] from left to right: kind None (a gap), "plain" (drawable = (font,
        text)) or "shaped" (drawable = a Paragraph)."""
        parts = []
        for script, chunk in visual_runs(text):
            if script == "gap":
                parts.append((None, None, size * 0.28 * len(chunk)))
            elif script in PLAIN_SCRIPTS:
                font = font_name(script, bold)
                plain = " ".join(chunk.split())  # as a paragraph would lay it out
                parts.append(("plain", (font, plain), stringWidth(plain, font, size)))
            else:
                para, width = self._paragraph(script, chunk, size, bold, color)
                parts.append(("shaped", para, width))
        return parts

    def draw(self, x: float, y: float, text: str, size: float, *, bold: bool = False, color=INK,
             align: str = "left", max_width: float | None = None) -> float:
        """Draw `text` with its baseline at y; returns the drawn width. Shrinks to fit max_width."""
        if not text:
            return 0.0
        parts = self._layout(text, size, bold, color)
        width = sum(p[-1] for p in parts)
        if max_width and width > max_width and size > 6:
            return self.draw(x, y, text, size * max_width / width * 0.98, bold=bold, color=color,
                             align=align, max_width=max_width)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        canvas = self.canvas
        canvas.addLiteral(f"/Span <</ActualText {pdf_text_string(text.strip())}>> BDC")
        for kind, drawable, w in parts:
            if kind == "plain":
                font, plain = drawable
                label = canvas.beginText(x, y)
                label.setFont(font, size)
                label.setFillColor(color)
                label.textOut(plain)
                canvas.drawText(label)
            elif kind == "shaped":
                # drawOn places the paragraph's top at y + height; put the first baseline on y.
                drawable.drawOn(canvas, x, y - drawable.style.fontSize * 0.3)
            x += w
        canvas.addLiteral("EMC")
        return width


def _dark_runs(matrix) -> str:
    """PDF path operators for the dark modules, one rectangle per horizontal run, in module units
    with the first row at the top: integer coordinates are short to write and cheap to format."""
    n = len(matrix)
    ops = []
    for row_index, row in enumerate(matrix):
        bottom = n - 1 - row_index
        for run in _DARK_RUN.finditer(row):
            start = run.start()
            ops.append(f"{start} {bottom} {run.end() - start} 1 re")
    return "\n".join(ops)


_DARK_RUN = re.compile(rb"[^\x00]+")


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(text, QR_MASK)
    quiet = 2
    module = size / (len(matrix) + 2 * quiet)
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    canvas.saveState()
    # One transform for the whole code, so that its ~1,000 rectangles are written in whole modules.
    canvas.transform(module, 0, 0, module, x + quiet * module, y + quiet * module)
    canvas.addLiteral(_dark_runs(matrix) + " f")
    canvas.restoreState()


def render_certificate(payload: dict, *, envelope: bytes, qr_text: str, fingerprint: str,
                       verify_url: str, key_id: str = "", title: str | None = None) -> bytes:
    """The certificate PDF as bytes. `payload` holds the certified facts (see services/facts.py)."""
    register_fonts()
    title = title or printed.word("title")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, invariant=1, pageCompression=1)
    _describe_document(canvas, payload, title=title, fingerprint=fingerprint)
    attach_file(canvas, EMBEDDED_NAME, envelope,
                description="Signed certificate data (Ed25519) / Données signées du certificat (Ed25519)",
                subtype="application/json")
    text = TextDrawer(canvas)
    _draw_frame(canvas)
    y = _draw_heading(text, payload, title)
    y = _draw_person(text, payload["person"], y)
    _draw_evidence(canvas, text, payload, y)
    _draw_footer(canvas, text, payload, qr_text=qr_text, fingerprint=fingerprint, verify_url=verify_url,
                 key_id=key_id)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- the page, from top to bottom -------------------------------------------------------------------

WIDTH, HEIGHT = PAGE
MARGIN = 14 * mm
LEFT = MARGIN + 6 * mm
RIGHT = WIDTH - MARGIN - 6 * mm
QR_SIZE = 42 * mm
QR_X, QR_Y = RIGHT - QR_SIZE, MARGIN + 6 * mm
TABLE_RIGHT = RIGHT - QR_SIZE - 8 * mm  # the evidence tables end left of the QR code


def _describe_document(canvas: Canvas, payload: dict, *, title: str, fingerprint: str) -> None:
    """The document information a PDF viewer or a search shows: title, issuer, person, serial."""
    person = payload["person"]
    canvas.setTitle(f"{title} {payload['serial']}")
    canvas.setAuthor(payload.get("issuer", {}).get("name", ""))
    canvas.setSubject(f"{printed.latin_name(person)} — {payload['profile']['code']}")
    canvas.setKeywords(f"serial={payload['serial']} fingerprint={fingerprint.replace(' ', '')}")
    canvas.setCreator("trainer")


def _draw_frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2.2)
    canvas.rect(MARGIN / 2, MARGIN / 2, WIDTH - MARGIN, HEIGHT - MARGIN, stroke=1, fill=0)
    canvas.setLineWidth(0.6)
    canvas.rect(MARGIN / 2 + 4, MARGIN / 2 + 4, WIDTH - MARGIN - 8, HEIGHT - MARGIN - 8, stroke=1, fill=0)


def _draw_heading(text: TextDrawer, payload: dict, title: str) -> float:
    """The title (English above French when it has both) and the profile; returns the baseline they end on."""
    y = HEIGHT - MARGIN - 12 * mm
    english, _, french = title.partition(" / ")
    text.draw(WIDTH / 2, y, english.upper(), 20, bold=True, color=ACCENT, align="center")
    if french:
        y -= 17
        text.draw(WIDTH / 2, y, french.upper(), 14, bold=True, color=ACCENT, align="center")
    y -= 16
    text.draw(WIDTH / 2, y, printed.profile_line(payload), 11, color=MUTED, align="center", max_width=RIGHT - LEFT)
    return y


def _draw_person(text: TextDrawer, person: dict, y: float) -> float:
    """The name in its own script (large) with its Latin transliteration below, then rank, nation, unit
    and service number in four columns; returns where the evidence starts."""
    native, latin = printed.native_name(person), printed.latin_name(person)
    y -= 36
    text.draw(WIDTH / 2, y, native, 26, bold=True, align="center", max_width=RIGHT - LEFT)
    if latin and latin != native:
        y -= 22
        text.draw(WIDTH / 2, y, latin, 15, color=MUTED, align="center", max_width=RIGHT - LEFT)
    y -= 22
    facts = printed.person_facts(person)
    column = (RIGHT - LEFT) / len(facts)
    for i, (label, value) in enumerate(facts):
        cx = LEFT + column * i + column / 2
        text.draw(cx, y, label, 8, color=MUTED, align="center")
        text.draw(cx, y - 13, value, 10.5, align="center", max_width=column - 8)
    return y - 34


def _draw_evidence(canvas: Canvas, text: TextDrawer, payload: dict, y: float) -> None:
    """A rule, then the modules (left) and the exercises (right) the certificate rests on."""
    canvas.setStrokeColor(colors.HexColor("#c9d3de"))
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, y + 8, RIGHT, y + 8)
    mid = LEFT + (TABLE_RIGHT - LEFT) * 0.58
    _draw_modules(text, payload.get("modules", []), y - 6, mid)
    _draw_exercises(text, payload.get("exercises", []), y - 6, mid + 6 * mm)


def _draw_modules(text: TextDrawer, modules: list[dict], top: float, right: float) -> None:
    text.draw(LEFT, top, printed.word("modules"), 10, bold=True, color=ACCENT)
    starts = (0, 0.30, 0.43, 0.71)
    columns = [(label, LEFT + start * (right - LEFT)) for label, start in zip(printed.module_headings(), starts)]
    row_y = top - 14
    for i, (label, x) in enumerate(columns):
        end = columns[i + 1][1] if i + 1 < len(columns) else right
        text.draw(x, row_y, label, 7.5, color=MUTED, max_width=end - x - 3)
    line, size = (11.5, 8.5) if len(modules) <= 14 else (9, 7)  # a long list in smaller rows
    x = [position for _, position in columns]
    for module in modules:
        row_y -= line
        code, version, completed, until = printed.module_cells(module)
        text.draw(x[0], row_y, code, size, max_width=x[1] - x[0] - 4)
        text.draw(x[1], row_y, version, size, max_width=x[2] - x[1] - 3)
        text.draw(x[2], row_y, completed, size, max_width=x[3] - x[2] - 3)
        text.draw(x[3], row_y, until, size, max_width=right - x[3])


def _draw_exercises(text: TextDrawer, exercises: list[dict], top: float, left: float) -> None:
    text.draw(left, top, printed.word("exercises"), 10, bold=True, color=ACCENT)
    row_y = top - 14
    width = TABLE_RIGHT - left
    if not exercises:
        text.draw(left, row_y, printed.word("no_exercise"), 8, color=MUTED, max_width=width)
    for exercise in exercises:
        label, outcome = printed.exercise_lines(exercise)
        text.draw(left, row_y, label, 8.5, max_width=width)
        row_y -= 10.5
        text.draw(left, row_y, outcome, 7.5, color=MUTED, max_width=width)
        row_y -= 13


def _draw_footer(canvas: Canvas, text: TextDrawer, payload: dict, *, qr_text: str, fingerprint: str,
                 verify_url: str, key_id: str) -> None:
    """Dates, issuer and serial in four columns, where to verify, the fingerprint, and the QR code."""
    _draw_qr(canvas, qr_text, QR_X, QR_Y, QR_SIZE)
    text.draw(QR_X + QR_SIZE / 2, QR_Y - 9, printed.word("scan"), 7, color=MUTED, align="center", max_width=QR_SIZE + 8)
    fy = MARGIN + 30 * mm
    footer = printed.footer_facts(payload)
    column = (QR_X - 8 * mm - LEFT) / len(footer)
    for i, (key, (label, value)) in enumerate(zip(printed.FOOTER, footer)):
        x = LEFT + column * i
        text.draw(x, fy, label, 8, color=MUTED, max_width=column - 6)
        text.draw(x, fy - 14, value, 11 if key != "issued_by" else 10, bold=key in ("serial", "valid_until"),
                  max_width=column - 6)
    if payload.get("supersedes"):
        text.draw(LEFT, fy - 30, f"{printed.word('replaces')} {payload['supersedes']}", 8, color=MUTED)
    text.draw(LEFT, MARGIN + 12 * mm, printed.verify_line(verify_url), 8.5, color=INK, max_width=QR_X - LEFT - 8 * mm)
    text.draw(LEFT, MARGIN + 7 * mm, f"{printed.word('fingerprint')}: {fingerprint} · {printed.word('key')} {key_id}",
              7, color=MUTED, max_width=QR_X - LEFT - 8 * mm)
