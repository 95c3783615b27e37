"""Layout of the long person lists in the readiness PDF: wrapping, page breaks, rows taller than a page."""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import SimpleDocTemplate

from trainer.readiness.pdf_lists import FONT, PAD_X, SIZE, CellWrapper, ListTable


def _pages(story) -> list[str]:
    from pypdf import PdfReader

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                      bottomMargin=22 * mm).build(story)
    return [page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages]


def test_cell_text_is_wrapped_inside_its_column_without_losing_or_reordering_words():
    wrap = CellWrapper()
    width = 105 * mm
    texts = ["HR-04 Prevention of sexual exploitation and abuse — superseded: the completion of version 0.9 no "
             "longer counts since 25 Nov 2026; a new major version must be completed.",
             "Short", "", "first line\nsecond  line with   spaces", "Averyveryverylongwordwithoutanyspaceatallthatcannotbreak" * 3]
    for text in texts:
        lines = wrap(text, width)
        assert lines == tuple(simpleSplit(text, FONT, SIZE, width - 2 * PAD_X) or [""])  # as the report always wrapped
        assert " ".join(lines).split() == text.split()
        assert all(stringWidth(line, FONT, SIZE) <= width - 2 * PAD_X or " " not in line for line in lines)
    assert wrap(texts[0], width) is wrap(texts[0], width)  # measured once


def test_a_person_missing_more_than_a_page_of_requirements_continues_on_the_next_page_under_their_name():
    wrap = CellWrapper()
    gaps = tuple(line for n in range(120) for line in wrap(f"REQ-{n:03d} — missing: not completed.", 105 * mm))
    rows = [(wrap("Anita Adhikari (OR-6, NP100093)", 50 * mm), ("NPL-B3-C1",), gaps),
            (("Bishnu Tamang (OF-1, NP100094)",), ("NPL-B1",), ("Screening — missing",))]
    table = ListTable([50 * mm, 25 * mm, 105 * mm], ["Name", "Unit", "What is missing"], rows,
                      continued="Personnel not ready (continued)", shown=wrap.shown)
    pages = _pages([table])
    text = "\n".join(pages)
    assert len(pages) >= 3
    assert all(text.count(f"REQ-{n:03d} ") == 1 for n in range(120))
    assert all("Name Unit What is missing" in page and "Anita Adhikari" in page for page in pages[:-1])
    assert all("Personnel not ready (continued)" in page for page in pages[1:])
    assert text.count("Bishnu Tamang") == 1 and "Screening — missing" in pages[-1]


def test_a_unit_heading_never_ends_a_page_without_its_first_rows():
    from reportlab.platypus import Spacer

    rows = [((f"Person {n:02d}",), ("OF-1",)) for n in range(30)]
    frame_height = A4[1] - 42 * mm - 12  # margins, and the frame's padding of 6 points above and below
    for room in (5, 40, 60):  # less than the heading, the heading and header only, one row more
        table = ListTable([70 * mm, 20 * mm], ["Name", "Rank"], rows, heading="NPL NPBATT-2 — Battalion 2")
        pages = _pages([Spacer(1, frame_height - room), table])
        assert "NPBATT-2" not in pages[0] and "Person" not in pages[0]
        assert "NPL NPBATT-2 — Battalion 2\nName Rank\nPerson 00" in pages[1]
        assert all("\n".join(pages).count(f"Person {n:02d}") == 1 for n in range(30))
