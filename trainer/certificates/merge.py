"""Concatenate single-page PDFs written by ReportLab into one PDF, as a stream.

Each input is parsed through its cross-reference table; its objects are renumbered into the output
and written out at once, so memory holds one input at a time plus one offset per output object,
however many certificates are merged. Only PDFs this application writes (classic xref tables, no
object streams) are supported. Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_REF = re.compile(rb"(\d+) 0 R\b")
_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TRAILER_ROOT = re.compile(rb"/Root\s+(\d+) 0 R")
_TRAILER_INFO = re.compile(rb"/Info\s+(\d+) 0 R")


def _objects(pdf: bytes) -> tuple[dict[int, bytes], int, int | None]:
    match = _XREF.search(pdf[-200:])
    if not match:
        raise ValueError("not a PDF with a cross-reference table")
    xref_at = int(match.group(1))
    section = pdf[xref_at:]
    lines = section.split(b"\n")
    if lines[0].strip() != b"xref":
        raise ValueError("unsupported cross-reference layout")
    first, count = (int(x) for x in lines[1].split())
    offsets = {}
    for i in range(count):
        entry = lines[2 + i].split()
        if len(entry) >= 3 and entry[2] == b"n":
            offsets[first + i] = int(entry[0])
    trailer = section[section.find(b"trailer"):]
    root = int(_TRAILER_ROOT.search(trailer).group(1))
    info = _TRAILER_INFO.search(trailer)
    bodies = {}
    for number, offset in offsets.items():
        start = pdf.index(b"obj", offset) + 3
        end = pdf.index(b"endobj", start)
        body = pdf[start:end]
        if b"stream" in body:  # never rewrite inside stream data; "endobj" may be inside it too
            stream_at = body.index(b"stream")
            length = re.search(rb"/Length (\d+)", body[:stream_at])
            if length:
                data_start = start + stream_at + len(b"stream")
                while pdf[data_start:data_start + 1] in (b"\r", b"\n"):
                    data_start += 1
                data_end = data_start + int(length.group(1))
                end = pdf.index(b"endobj", data_end)
                body = pdf[start:end]
        bodies[number] = body
    return bodies, root, int(info.group(1)) if info else None


def merge_stream(pdfs: Iterable[bytes]) -> Iterator[bytes]:
    offsets: list[int] = [0]          # offsets[n] = byte offset of object n (object 0 is free)
    position = 0
    page_refs: list[int] = []

    def emit(chunk: bytes):
        nonlocal position
        position += len(chunk)
        return chunk

    pages_number = 1                  # reserved: written last, but numbered first
    offsets.append(-1)
    yield emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    for pdf in pdfs:
        bodies, root, info = _objects(pdf)
        catalog = bodies[root]
        pages_old = int(re.search(rb"/Pages (\d+) 0 R", catalog).group(1))
        skip = {root, pages_old} | ({info} if info else set())
        mapping = {}
        for number in sorted(bodies):
            if number in skip:
                continue
            mapping[number] = len(offsets)
            offsets.append(-1)
        out = bytearray()
        for number in sorted(mapping):
            body = bodies[number]
            if b"stream" in body:
                head, sep, tail = body.partition(b"stream")
            else:
                head, sep, tail = body, b"", b""
            head = _REF.sub(lambda m: b"%d 0 R" % (pages_number if int(m.group(1)) == pages_old
                                                   else mapping.get(int(m.group(1)), 0)), head)
            if re.search(rb"/Type /Page\b", head):
                page_refs.append(mapping[number])
            new = mapping[number]
            offsets[new] = position + len(out)
            out += b"%d 0 obj" % new + head + sep + tail + b"endobj\n"
        yield emit(bytes(out))
    kids = b" ".join(b"%d 0 R" % n for n in page_refs)
    offsets[pages_number] = position
    yield emit(b"1 0 obj\n<< /Type /Pages /Count %d /Kids [ %s ] >>\nendobj\n" % (len(page_refs), kids))
    catalog_number = len(offsets)
    offsets.append(position)
    yield emit(b"%d 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\n" % catalog_number)
    xref_at = position
    lines = [b"xref\n0 %d\n" % len(offsets), b"0000000000 65535 f \n"]
    lines += [b"%010d 00000 n \n" % off for off in offsets[1:]]
    yield emit(b"".join(lines))
    yield emit(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets), catalog_number, xref_at))
