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
    """ReportLab's text object and canvas internals and segno's encoder tables are named in the adapters only."""
    trainer = Path(__file__).resolve().parents[2] / "trainer"
    internals = re.compile(r"\._code\b|\._formatText\b|\._doc\b|from segno import|segno\.(consts|encoder)\b")
    offenders = [str(path.relative_to(trainer)) for path in trainer.rglob("*.py")
                 if path.parent.name != "pdf" and internals.search(path.read_text(encoding="utf-8"))]
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
