"""The incremental update that signs a certificate PDF as a whole file: one certifying PAdES signature
(no changes permitted) in a revision appended to the file ReportLab wrote.

The revision is what ISO 32000-2 (7.5.6, 12.8) describes and what pyHanko wrote here before: the page
again, with the signature's widget in /Annots; the catalog again, with the form, the DocMDP permission and
the extensions that declare PAdES (ESIC) and ECDSA in PDF 2.0 (ISO/TS 32002); the form, the widget and the
signature dictionary; a cross-reference section for them and a trailer that points back to the first one.
pyHanko also rewrote the document information (its producer and modification date) and added XMP metadata;
neither is needed for the signature, and the signing time is in the signature's /M. The signature's
/Contents is written as zeros of the reserved length, the byte range around it is filled in, and the CMS
container made over that range goes into the zeros.

Written directly because pyHanko parsed and wrote the whole file again for each certificate, a fifth of
the time of a bulk issue. Only a file of the shape the certificate renderer writes is accepted (one
revision with a classic cross-reference table, not encrypted, one page without annotations, no form):
anything else raises ValueError. pyHanko's validator and poppler's pdfsig check the files this writes
(tests/certificates/test_signed_update.py).

Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from typing import Callable

from trainer.pdf.text import pdf_text_string

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>")
_KIDS = re.compile(rb"/Kids\s*\[\s*(\d+)\s+0\s+R\s*\]")
# The byte range is written as spaces first and filled in once the file's length is known.
_RANGE_WIDTH = 48
_EXTENSIONS = (b"/Extensions << /ESIC << /Type /DeveloperExtensions /BaseVersion /1.7 /ExtensionLevel 1 >> "
               b"/ISO_ [ << /Type /DeveloperExtensions /BaseVersion /2.0 /ExtensionLevel 32002 "
               b"/URL (https://www.iso.org/standard/45875.html) /ExtensionRevision (:2022) >> ] >>")


def _reference(body: bytes, key: bytes) -> int:
    found = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", body)
    if found is None:
        raise ValueError(f"no /{key.decode()} reference")
    return int(found.group(1))


def _xref(pdf: bytes) -> tuple[int, dict[int, int], bytes]:
    """(the offset of the cross-reference table, the offset of each object in use, the trailer dictionary)."""
    found = _STARTXREF.search(pdf, max(0, len(pdf) - 64))
    if found is None:
        raise ValueError("no startxref at the end of the file")
    at = int(found.group(1))
    if not pdf.startswith(b"xref", at):
        raise ValueError("not a classic cross-reference table")
    table, _, rest = pdf[at + 4:found.start()].partition(b"trailer")
    tokens = table.split()
    offsets, i = {}, 0
    try:
        while i < len(tokens):
            first, count = int(tokens[i]), int(tokens[i + 1])
            for n in range(count):
                offset, _, kind = tokens[i + 2 + 3 * n:i + 5 + 3 * n]
                if kind == b"n":
                    offsets[first + n] = int(offset)
            i += 2 + 3 * count
    except (IndexError, ValueError):
        raise ValueError("the cross-reference table cannot be read") from None
    return at, offsets, rest


def _dictionary(pdf: bytes, offsets: dict[int, int], number: int) -> bytes:
    """The body (<< ... >>) of object `number`, which must be a dictionary."""
    head = re.compile(rb"%d\s+0\s+obj\s*" % number).match(pdf, offsets.get(number, -1))
    if number not in offsets or head is None:
        raise ValueError(f"object {number} is not where the table says")
    body = pdf[head.end():pdf.index(b"endobj", head.end())].rstrip()
    if not (body.startswith(b"<<") and body.endswith(b">>")):
        raise ValueError(f"object {number} is not a dictionary")
    return body


def _entries(offsets: dict[int, int]) -> bytes:
    """Cross-reference subsections for the numbered objects, each run of consecutive numbers as one."""
    out = [b"0 1\n0000000000 65535 f \n"]
    numbers = sorted(offsets)
    run: list[int] = []
    for number in numbers + [-1]:
        if run and number != run[-1] + 1:
            out.append(b"%d %d\n" % (run[0], len(run)) + b"".join(b"%010d 00000 n \n" % offsets[n] for n in run))
            run = []
        run.append(number)
    return b"".join(out)


def sign(pdf: bytes, *, reserved: int, field: str, reason: str, when: dt.datetime,
         container_for: Callable[[bytes], bytes]) -> bytes:
    """`pdf` with the signing revision appended. `reserved` is the number of hex digits kept for the
    CMS container; `container_for(digest)` makes the container for the SHA-256 digest of the byte range."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", field):
        raise ValueError("the field name must be letters, digits and underscores")
    xref_at, offsets, trailer = _xref(pdf)
    size, first_id = re.search(rb"/Size\s+(\d+)", trailer), _ID.search(trailer)
    if size is None or first_id is None:
        raise ValueError("the trailer has no /Size or no /ID")
    if b"/Encrypt" in trailer or b"/Prev" in trailer:
        raise ValueError("an encrypted file, or one already updated, is not signed here")
    size, root, info = int(size.group(1)), _reference(trailer, b"Root"), _reference(trailer, b"Info")
    catalog = _dictionary(pdf, offsets, root)
    kids = _KIDS.search(_dictionary(pdf, offsets, _reference(catalog, b"Pages")))
    if kids is None:
        raise ValueError("not a one-page document")
    page_number = int(kids.group(1))
    page = _dictionary(pdf, offsets, page_number)
    if not re.search(rb"/Type\s*/Page\b", page):
        raise ValueError(f"object {page_number} is not a page")
    if b"/Annots" in page or any(key in catalog for key in (b"/AcroForm", b"/Perms", b"/Extensions", b"/Version")):
        raise ValueError("the document already has annotations, a form or extensions")
    if when.utcoffset() is None:
        raise ValueError("the signing time must say its time zone")

    form, widget, signature = size, size + 1, size + 2
    placeholder = b"0" * reserved
    objects = {
        page_number: page[:-2].rstrip() + b" /Annots [ %d 0 R ]\n>>" % widget,
        root: catalog[:-2].rstrip() + b" /AcroForm %d 0 R /Perms << /DocMDP %d 0 R >> /Version /2.0\n%s\n>>"
        % (form, signature, _EXTENSIONS),
        form: b"<< /Fields [ %d 0 R ] /SigFlags 3 >>" % widget,
        widget: b"<< /FT /Sig /T (%s) /Type /Annot /Subtype /Widget /F 132 /Rect [ 0 0 0 0 ] /P %d 0 R /V %d 0 R >>"
        % (field.encode("ascii"), page_number, signature),
        signature: b"<<\n/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n/ByteRange ["
        + b" " * _RANGE_WIDTH + b"]\n/Contents <" + placeholder + b">\n/M ("
        + when.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%SZ").encode("ascii") + b")\n/Reason "
        + pdf_text_string(reason).encode("ascii") + b"\n/Reference [ << /Type /SigRef /TransformMethod /DocMDP "
        b"/TransformParams << /Type /TransformParams /V /1.2 /P 1 >> >> ]\n>>",
    }
    data = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    written = {}
    for number, body in objects.items():
        written[number] = len(data)
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    second_id = os.urandom(16).hex().encode("ascii")  # this revision's own identifier (ISO 32000-2 14.4)
    table_at = len(data)
    data += (b"xref\n" + _entries(written) + b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [ <%s> <%s> ] "
             b"/Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
             % (size + 3, root, info, first_id.group(1), second_id, xref_at, table_at))

    contents_at = data.index(b"/Contents <" + placeholder, written[signature]) + len(b"/Contents ")
    contents_end = contents_at + reserved + 2
    byte_range = b"0 %d %d %d" % (contents_at, contents_end, len(data) - contents_end)
    range_at = data.index(b"/ByteRange [", written[signature]) + len(b"/ByteRange [")
    data[range_at:range_at + len(byte_range)] = byte_range
    digest = hashlib.sha256(data[:contents_at])
    digest.update(data[contents_end:])
    container = container_for(digest.digest()).hex().upper().encode("ascii")
    if len(container) > reserved:
        raise ValueError(f"the signature container ({len(container)} hex digits) outgrew its {reserved} reserved")
    data[contents_at + 1:contents_at + 1 + len(container)] = container
    return bytes(data)
