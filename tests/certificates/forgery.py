"""How a forger edits a signed certificate PDF, for the tamper tests: the page's content changed (the
drawn text, its ActualText, the QR code) and written back as an incremental update or a whole new file,
a page taken from another certificate, a glyph of an embedded font redrawn, bytes cut or changed in place."""
from __future__ import annotations

import io
import re
import zlib

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject


def actual_text(text: str) -> bytes:
    """A line's ActualText as the page writes it: UTF-16BE with a byte order mark, in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def drawn(text: str) -> bytes:
    """A Latin line as the page draws it (the embedded subsets keep ASCII codes)."""
    return b"(" + text.encode("ascii") + b") Tj"


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def edit_page(pdf: bytes, change, *, incremental: bool) -> bytes:
    """The file with its page's content stream replaced by change(decoded content), written as an
    incremental update after the signed revision or as a whole new file (a PDF editor does either)."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(reader, incremental=True) if incremental else PdfWriter(clone_from=reader)
    contents = writer.pages[0]["/Contents"].get_object()
    old = contents.get_data()
    new = change(old)
    assert new != old, "the forgery changed nothing"
    _set_flate(contents, new)
    return _write(writer)


def _set_flate(stream, data: bytes) -> None:
    """Replace a stream's data, written Flate-compressed whatever its filters were."""
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream.decoded_self = None
    stream._data = zlib.compress(data)


def qr_block(content: bytes) -> bytes:
    """The QR code's drawing: its transform and the rectangles of its dark modules."""
    match = re.search(rb"\nq\n[\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm\n(?:\d+ \d+ \d+ 1 re\s+)+f\s+Q\n", content)
    assert match, "no QR code drawing found"
    return match.group(0)


def page_content(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()


def swap_page(pdf: bytes, other: bytes) -> bytes:
    """The file with its page replaced by another certificate's page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.insert_page(PdfReader(io.BytesIO(other)).pages[0], 0)
    writer.remove_page(1)
    return _write(writer)


def resave(pdf: bytes) -> bytes:
    """The file read and written again by another PDF library."""
    return _write(PdfWriter(clone_from=PdfReader(io.BytesIO(pdf))))


def redraw_glyph(pdf: bytes) -> bytes:
    """The embedded Latin font with some bytes of its glyph outlines changed (so that a letter looks like
    another while the text still reads the same), saved as an incremental update."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(reader, incremental=True)
    for font in writer.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
        if descriptor is None or "/FontFile2" not in descriptor.get_object():
            continue
        stream = descriptor.get_object()["/FontFile2"].get_object()
        data = bytearray(stream.get_data())
        glyf = _table(bytes(data), b"glyf")
        for offset in range(glyf + 40, glyf + 80):  # coordinates inside the first glyph outlines
            data[offset] ^= 0x55
        _set_flate(stream, bytes(data))
        stream[NameObject("/Length1")] = NumberObject(len(data))
        return _write(writer)
    raise AssertionError("no embedded TrueType font found")


def _table(font: bytes, tag: bytes) -> int:
    """The offset of a TrueType table."""
    count = int.from_bytes(font[4:6], "big")
    for i in range(count):
        record = font[12 + 16 * i:28 + 16 * i]
        if record[:4] == tag:
            return int.from_bytes(record[8:12], "big")
    raise AssertionError(f"no {tag!r} table")
