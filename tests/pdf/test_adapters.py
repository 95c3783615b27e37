"""The library internals the PDFs reach are each behind one adapter, written for one release: the app
refuses to start with another, and each adapter names the release requirements.txt pins."""
from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pytest

from trainer.pdf import reportlab_adapter, segno_adapter

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"


def _pinned(package: str) -> str:
    match = re.search(rf"^{package}==(\S+)", REQUIREMENTS.read_text(encoding="utf-8"), re.M)
    assert match, f"{package} is not pinned in requirements.txt"
    return match.group(1)


def test_each_adapter_is_written_for_the_release_requirements_pin():
    assert reportlab_adapter.WRITTEN_FOR == _pinned("reportlab")
    assert segno_adapter.WRITTEN_FOR == _pinned("segno")


@pytest.mark.parametrize("module,attribute,name", [("reportlab", "Version", "reportlab"),
                                                   ("segno", "__version__", "segno")])
def test_the_app_refuses_to_start_with_another_release_and_says_why(module, attribute, name, monkeypatch, tmp_path):
    import importlib

    from trainer import create_app

    monkeypatch.setattr(importlib.import_module(module), attribute, "99.0.0")
    with pytest.raises(RuntimeError, match=rf"{name} 99\.0\.0 is installed, but .* was written for {name} \d"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "INSTANCE_PATH": str(tmp_path)})


def test_no_module_outside_the_adapters_reaches_the_internals():
    """ReportLab's text object and canvas internals, its shared Flate filter, font subsetting and settings, and
    segno's encoder tables are named in the adapters only."""
    trainer = Path(__file__).resolve().parents[2] / "trainer"
    internals = re.compile(r"\._code\b|\._formatText\b|\._doc\b|PDFZCompress|makeSubset|rl_config|"
                           r"from segno import|segno\.(consts|encoder)\b")
    offenders = [str(path.relative_to(trainer)) for path in trainer.rglob("*.py")
                 if path.relative_to(trainer).parts[0] != "pdf" and internals.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def _numbered_document(lines: int, paragraph):
    """A document of `lines` paragraphs whose pages say "page X of Y" as the readiness report does: (its bytes, the
    parts it was sent in, how many objects ReportLab's tables held as it closed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from trainer.pdf.reportlab_adapter import define_late_form, fill_late_forms, stream_build, streaming_canvas_class

    kept = []

    class Numbered(streaming_canvas_class()):
        def decorate_page(self):
            name = f"count{self.getPageNumber()}"
            define_late_form(self, name, 100, 12)
            self.doForm(name)

        def save(self):
            pages = self.getPageNumber() - 1

            def draw(index, text):
                text.setFont("Helvetica", 8)
                text.textOut(f"Page {index + 1} of {pages}")

            fill_late_forms(self, draw)
            kept.append(len(self._doc.idToObject) + len(self._doc.numberToId))
            super().save()

    doc = BaseDocTemplate(None, pagesize=A4)
    doc.addPageTemplates([PageTemplate(id="All", frames=Frame(50, 50, 400, 700, id="normal"), pagesize=A4)])
    parts = list(stream_build(doc, (paragraph(n) for n in range(lines)), Numbered))
    return b"".join(parts), parts, kept[0]


def test_a_long_document_keeps_no_more_objects_than_a_short_one():
    """The pages, their content and their "page X of Y" forms leave ReportLab's tables as each page is written:
    a report's memory does not grow with its pages (but for a number and an offset each)."""
    from pypdf import PdfReader
    from reportlab.platypus import Paragraph

    short, _parts, kept_short = _numbered_document(40, lambda n: Paragraph(f"Line {n:04d}"))
    long, _parts, kept_long = _numbered_document(800, lambda n: Paragraph(f"Line {n:04d}"))
    assert len(PdfReader(io.BytesIO(long)).pages) > 10 * len(PdfReader(io.BytesIO(short)).pages)
    assert kept_long == kept_short


def _drawn(pages: int, on_page, draw=None, **canvas_args) -> bytes:
    """A document drawn page by page on the streaming canvas: `on_page(canvas, number)` draws each page, `draw`
    (when given) fills the late forms; its bytes as they were written."""
    from trainer.pdf.reportlab_adapter import fill_late_forms, streaming_canvas_class

    canvas = streaming_canvas_class()(None, **canvas_args)
    parts = []
    for number in range(1, pages + 1):
        on_page(canvas, number)
        canvas.showPage()
        parts.append(canvas.take())
    if draw is not None:
        fill_late_forms(canvas, draw)
    canvas.save()
    return b"".join(parts) + canvas.take()


def _texts(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data), strict=True).pages]


def test_late_forms_may_show_a_font_that_no_page_uses():
    """The late forms are drawn once as they are filled, so that a font only they use is in the font table that
    the pages, written earlier, and the forms share."""
    from pypdf import PdfReader

    from trainer.pdf.reportlab_adapter import define_late_form

    def page(canvas, number):
        canvas.setFont("Times-Roman", 12)
        canvas.drawString(72, 700, f"Body {number}")
        define_late_form(canvas, f"n{number}", 100, 12)
        canvas.doForm(f"n{number}")

    def draw(index, text):
        text.setFont("Courier", 8)
        text.textOut(f"Page {index + 1} of 3")

    data = _drawn(3, page, draw)
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    assert {"/Times-Roman", "/Courier"} <= {fonts[key].get_object()["/BaseFont"] for key in fonts}
    assert [("Body 1" in t, "Page 1 of 3" in t) for t in _texts(data)][:1] == [(True, True)]
    assert all(f"Page {n} of 3" in t for n, t in enumerate(_texts(data), start=1))


def test_late_forms_are_filled_in_the_order_declared_whatever_order_a_page_shows_them():
    from trainer.pdf.reportlab_adapter import define_late_form

    def page(canvas, number):
        for name in ("a", "b"):
            define_late_form(canvas, f"{name}{number}", 100, 12)
        canvas.doForm(f"b{number}")   # shown in the other order
        canvas.translate(0, 50)
        canvas.doForm(f"a{number}")

    def draw(index, text):
        text.setFont("Helvetica", 8)
        text.textOut(f"{'ab'[index % 2]}-form of page {index // 2 + 1}")

    texts = _texts(_drawn(2, page, draw))
    assert all(f"a-form of page {n}" in t and f"b-form of page {n}" in t for n, t in enumerate(texts, start=1))


def test_a_late_form_no_page_shows_is_still_a_form():
    from pypdf import PdfReader

    from trainer.pdf.reportlab_adapter import define_late_form

    def page(canvas, number):
        canvas.drawString(72, 700, f"Body {number}")
        if number == 1:
            define_late_form(canvas, "unused", 100, 12)

    def draw(index, text):
        text.setFont("Helvetica", 8)
        text.textOut("never shown")

    data = _drawn(2, page, draw)
    assert b" object at 0x" not in data and [t.strip() for t in _texts(data)] == ["Body 1", "Body 2"]
    forms = [obj for obj in (PdfReader(io.BytesIO(data)).get_object(n) for n in range(1, 20))
             if hasattr(obj, "get") and obj.get("/Subtype") == "/Form"]
    assert len(forms) == 1 and b"(never shown) Tj" in forms[0].get_data()


def test_what_a_streamed_document_cannot_do_is_refused_with_a_reason():
    from trainer.pdf.reportlab_adapter import define_late_form

    def declared(canvas, number):
        define_late_form(canvas, f"n{number}", 100, 12)
        canvas.doForm(f"n{number}")

    with pytest.raises(ValueError, match="never given their content"):
        _drawn(2, declared)

    def shown_twice(canvas, number):
        if number == 1:
            define_late_form(canvas, "shared", 100, 12)
        canvas.doForm("shared")

    with pytest.raises(ValueError, match="already shown on an earlier page"):
        _drawn(2, shown_twice, lambda index, text: text.textOut("x"))
    with pytest.raises(ValueError, match="not encrypted"):
        _drawn(1, lambda canvas, number: None, encrypt="secret")


def test_bookmarks_and_the_outline_point_at_pages_already_written():
    from pypdf import PdfReader

    def page(canvas, number):
        canvas.drawString(72, 700, f"Chapter {number}")
        canvas.bookmarkPage(f"chapter{number}")
        canvas.addOutlineEntry(f"Chapter {number}", f"chapter{number}", level=0)

    reader = PdfReader(io.BytesIO(_drawn(4, page)), strict=True)
    assert [(entry.title, reader.get_destination_page_number(entry)) for entry in reader.outline] == \
        [(f"Chapter {n}", n - 1) for n in range(1, 5)]


def test_a_document_written_as_its_pages_are_drawn_reads_in_a_strict_reader():
    """Each page (its dictionary and content stream formatted by the adapter) leaves as it is finished and each page's
    "page X of Y" form is written at the end: every object lies where the cross-reference table says, a strict reader
    opens the file, and every page's text reads in order, once."""

    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    style = getSampleStyleSheet()["BodyText"]
    data, parts, _kept = _numbered_document(300, lambda n: Paragraph(f"Line {n:04d} (of ninety-nine)") if n % 2 else
                                            Paragraph(f"Line {n:04d}", style))
    assert len(parts) > 3  # sent in parts, as the pages were drawn

    table = data[data.rindex(b"\nxref\n") + 6:]
    first, count = map(int, table.split(b"\n", 1)[0].split())
    entries = table.split(b"\n")[1:count + 1]
    for number, entry in enumerate(entries[1:], start=first + 1):
        offset = int(entry.split()[0])
        assert data[offset:].startswith(b"%d 0 obj\n" % number)
    streams = list(re.finditer(rb"(/FlateDecode \] )?/Length (\d+)\n>>\nstream\n", data))
    assert len(streams) >= 10
    for stream in streams:  # each stream's data is as long as its dictionary says
        end = stream.end() + int(stream.group(2))
        assert re.match(rb"\r?\n?endstream\n", data[end:end + 12])
        if stream.group(1):
            inflate = zlib.decompressobj()
            inflate.decompress(data[stream.end():end])
            assert inflate.eof and not inflate.unused_data
    reader = PdfReader(io.BytesIO(data), strict=True)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 5
    text = "\n".join(pages)
    assert [int(n) for n in re.findall(r"Line (\d{4})", text)] == list(range(300))
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_after_start_up_every_stream_is_binary_flate_at_the_adapters_level(app):
    """create_app applies ReportLab's stream settings: no ASCII85 layer over the page (a quarter more bytes), and
    every compressed stream (the page, the embedded font) at PAGE_COMPRESSION_LEVEL rather than zlib's default."""
    from reportlab.pdfgen.canvas import Canvas

    from trainer.pdf.text import font_name, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont(font_name("latin"), 14)
    canvas.drawString(72, 720, "Certificat de préparation / Readiness certificate")
    canvas.save()
    data = buffer.getvalue()
    streams = list(re.finditer(rb"/Filter \[ ([^\]]+) \] /Length (\d+)(?: /Length1 \d+)?\n>>\nstream\r?\n", data))
    assert len(streams) >= 3  # the page, the font file and its character map
    for stream in streams:
        assert stream.group(1) == b"/FlateDecode"
        raw = data[stream.end():stream.end() + int(stream.group(2))]
        assert raw == zlib.compress(zlib.decompress(raw), reportlab_adapter.PAGE_COMPRESSION_LEVEL)


def test_a_font_program_asked_for_again_is_the_one_already_cut_and_compressed():
    """Every certificate in plain Latin letters embeds the same subset of each Latin font: it is cut and compressed
    once, and what is handed out again is exactly what a fresh cut gives. A page's own streams are not kept."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from trainer.pdf.reportlab_adapter import _flate, remember_subsets
    from trainer.pdf.text import FONT_DIR, font_name, register_fonts

    path = str(FONT_DIR / "NotoSans-Regular.ttf")
    font = TTFont("Remembered", path)
    cuts = []
    make = font.face.makeSubset
    font.face.makeSubset = lambda characters: cuts.append(1) or make(characters)
    remember_subsets(font)
    codes = [0, *range(48, 58), *range(65, 91)]  # digits and capitals: a subset no other test asks for
    first = font.face.makeSubset(codes)
    assert font.face.makeSubset(list(codes)) is first and len(cuts) == 1
    assert first == TTFont("Fresh", path).face.makeSubset(codes)
    accented = font.face.makeSubset([0, 0xE9, 0xE8])
    assert accented != first and len(cuts) == 2

    compressed = _flate(first)
    assert _flate(first) is compressed  # compressed once
    assert compressed == zlib.compress(first, reportlab_adapter.PAGE_COMPRESSION_LEVEL)
    page = bytes(bytearray(first))  # the same bytes, but not a program handed out: compressed again, not kept
    assert _flate(page) == compressed and _flate(page) is not _flate(page)

    remember_subsets(font)  # remembering twice changes nothing (and does not wrap the cut twice)
    assert font.face.makeSubset(codes) is first and len(cuts) == 2
    other_face = TTFont("Other", path)  # another face of the same file: its own programs (its own private codes)
    remember_subsets(other_face)
    assert other_face.face.makeSubset(codes) is not first and other_face.face.makeSubset(codes) == first

    register_fonts()  # the application's fonts remember their programs
    latin = pdfmetrics.getFont(font_name("latin", bold=True)).face
    assert latin.makeSubset(list(range(128))) is latin.makeSubset(list(range(128)))
