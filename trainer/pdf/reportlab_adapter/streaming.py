"""Documents written as they are drawn: ReportLab's PDFDocument, Canvas and DocTemplate.build of the release the
adapter was written for (trainer.pdf.reportlab_adapter.WRITTEN_FOR), changed so that each finished page is
written out at once and memory stays flat whatever the number of pages (the readiness report of a whole force)."""
from __future__ import annotations

import zlib
from array import array

# zlib's level for every stream (the streaming document's pages, and ReportLab's own through use_lean_streams): on the
# readiness report's pages level 3 takes a fifth less time than the default (6) for 6 % more bytes; level 1 is no
# faster and larger still.
PAGE_COMPRESSION_LEVEL = 3


def _streaming_document_class():
    from reportlab.pdfbase.pdfdoc import PDFDocument, PDFFile, PDFIndirectObject, PDFPages, PDFStream

    class WrittenPages(PDFPages):
        """The page tree of a document whose pages are written as they are finished: each page's object number
        (eight bytes a page), the page itself only until it is written."""

        def check_format(self, document):
            self.Kids = _formatted_object(b"[ " + b" ".join(b"%d 0 R" % n for n in self.numbers) + b" ]")
            self.Count = len(self.numbers)

    class Numbers(dict):
        """ReportLab's table of object names to (number, version), which also answers for the pages already
        written and forgotten ("Page7", as a bookmark or a link names a page) from the page tree's numbers."""

        def __missing__(self, name):
            numbers = self.pages.numbers
            if isinstance(name, str) and name.startswith("Page") and name[4:].isdigit() \
                    and 0 < int(name[4:]) <= len(numbers):
                return numbers[int(name[4:]) - 1], 0
            raise KeyError(name)

    class StreamingDocument(PDFDocument):
        """A PDFDocument that writes each finished page (its dictionary and content stream) out at once and keeps
        only its number and offset, so that memory stays flat whatever the number of pages. What every page refers
        to (the page tree, fonts, forms, the catalogue) is written at the end, with the cross-reference table; PDF
        allows objects in any order. `format` is PDFDocument.format of the release this adapter was written for,
        with the objects already written skipped."""

        def start_stream(self) -> None:
            self.pending: list[bytes] = []
            self._offset = 0
            self._offsets = array("q")  # object number -> where it was written (-1: not yet)
            self.Pages.__class__ = WrittenPages
            self.Pages.numbers = array("q")
            self.idToObjectNumberAndVersion = Numbers(self.idToObjectNumberAndVersion)
            self.idToObjectNumberAndVersion.pages = self.Pages
            self.late_forms = array("q")  # object numbers of the late forms, in the order declared (ascending)
            self.late_box = None
            self.late_body = None
            self._emit(PDFFile(self._pdfVersion).format(self))  # the header

        def _emit(self, data: bytes) -> int:
            at = self._offset
            self.pending.append(data)
            self._offset += len(data)
            return at

        def take(self) -> bytes:
            data = b"".join(self.pending)
            self.pending.clear()
            return data

        def _written_at(self, number: int, offset: int) -> None:
            missing = number + 1 - len(self._offsets)
            if missing > 0:
                self._offsets.extend([-1] * missing)
            self._offsets[number] = offset

        def _write_object(self, name: str) -> None:
            number = self.idToObjectNumberAndVersion[name][0]
            self._written_at(number, self._emit(PDFIndirectObject(name, self.idToObject[name]).format(self)))

        def _forget(self, name: str) -> None:
            """Drop a written object from ReportLab's tables: nothing refers to it by name any more."""
            number = self.idToObjectNumberAndVersion.pop(name)[0]
            del self.numberToId[number]
            del self.idToObject[name]

        def write_page(self, page) -> None:
            """Write `page` and the content stream formatting it registers, then drop its content. Anything else
            it registers (the page tree, on the first page) is shared by later pages: written at the end."""
            name = page.__InternalName__
            forms = list(page.XObjects.dict) if page.XObjects else []
            unknown = [form for form in forms if form not in self.idToObject]
            if unknown:
                raise ValueError(f"{unknown[0]} is shown before it is defined (each page is written as it is finished), "
                                 "or is a late form already shown on an earlier page")
            self.Pages.numbers.append(self.idToObjectNumberAndVersion[name][0])
            self.Pages.pages.clear()
            self._write_page_objects(name, page)
            for form in forms:  # a late form is named by this page only: its number is all that is needed now
                if isinstance(self.idToObject[form], _LateForm):
                    self._forget(form)

        def _write_page_objects(self, name: str, page) -> None:
            if self._write_plain_page(name, page):
                return
            before = self.objectcounter
            self._write_object(name)
            for number in range(before + 1, self.objectcounter + 1):
                stream_name = self.numberToId[number]
                if isinstance(self.idToObject[stream_name], PDFStream):
                    self._write_object(stream_name)
                    self.idToObject[stream_name] = None
            page.stream = page.Contents = None

        def _write_plain_page(self, name: str, page) -> bool:
            """Write a page of text, lines and forms (as every page of a long report is) with its content stream
            compressed once, formatted here as PDFPage.check_format and PDFStream.format of this release format
            it: ReportLab's general object formatting took longer than drawing the page. Both objects are then
            forgotten but for their offsets. False, writing nothing, for any other page, which `write_page` leaves
            to ReportLab (its objects stay in the tables)."""
            from reportlab.pdfbase.pdfdoc import PDFArray, PDFObjectReference

            if (page.Override_default_compilation or page.Annots
                    or page.ExtGState or page._shadingUsed or page._colorsUsed or page.Resources or page.Contents
                    or page.Dur is not None or page.Trans.dict or not page.stream
                    or any(getattr(page, box) for box in ("CropBox", "ArtBox", "BleedBox", "TrimBox"))):
                return False
            contents = PDFArray([])  # a placeholder, to number the content stream after the page as ReportLab does
            self.Reference(contents)
            contents_name = contents.__InternalName__
            content = page.stream.encode("utf8")
            if page.compression:
                content = zlib.compress(content, PAGE_COMPRESSION_LEVEL)
            rotated = page.Rotate in (90, 270)
            box = _numbers((0, 0, page.pageheight, page.pagewidth) if rotated else (0, 0, page.pagewidth, page.pageheight))
            procs = "/PDF /Text /ImageB /ImageC /ImageI" if page.hasImages else "/PDF /Text"
            forms = (b" /XObject " + page.XObjects.format(self)) if page.XObjects else b""
            reference = PDFObjectReference
            head = (f"<<\n/Contents {reference(contents_name).format(self).decode()} /MediaBox [ {box} ] "
                    f"/Parent {self.Reference(self.Pages).format(self).decode()} /Resources << /Font "
                    f"{reference('BasicFonts').format(self).decode()} /ProcSet [ {procs} ]").encode("ascii")
            rotate = f" /Rotate {page.Rotate or 0} /Type /Page\n>>".encode("ascii")
            flate = b"/Filter [ /FlateDecode ] " if page.compression else b""
            stream = b"<<\n%s/Length %d\n>>\nstream\n%s\nendstream" % (flate, len(content), content)
            for object_name, body in ((name, head + forms + b" >>" + rotate), (contents_name, stream)):
                number, version = self.idToObjectNumberAndVersion[object_name]
                self._written_at(number, self._emit(b"%d %d obj\n%s\nendobj\n" % (number, version, body)))
                self._forget(object_name)
            page.stream = page.Contents = None
            return True

        def format(self):
            self.encrypt.prepare(self)
            cat, info = self.Catalog, self.info
            self.Reference(cat)
            self.Reference(info)
            encryptref = None
            encryptinfo = self.encrypt.info()
            if encryptinfo:
                encryptref = self.Reference(encryptinfo)
            if self.late_forms and self.late_body is None:
                raise ValueError("late forms were declared but never given their content (fill_late_forms)")
            File = PDFFile(self._pdfVersion)
            File.strings.clear()  # the header is already written; File.write appends to this same list
            File.offset = self._offset  # continues the pages already written
            self.__accum__ = File
            offsets, written = array("q"), self._offsets
            late = iter(enumerate(self.late_forms))
            late_index, late_number = next(late, (0, 0))
            number = 0
            while number < self.objectcounter:  # formatting an object may register more: objectcounter grows
                number += 1
                at = written[number] if number < len(written) else -1
                if at < 0 and number == late_number:
                    at = File.add(b"%d 0 obj\n%s\nendobj\n" % (number, self.late_body(late_index)))
                    late_index, late_number = next(late, (0, 0))
                elif at < 0:
                    oid = self.numberToId[number]
                    at = File.add(PDFIndirectObject(oid, self.idToObject[oid]).format(self))
                offsets.append(at)
            del self.__accum__
            from reportlab.pdfbase.pdfdoc import PDFTrailer

            # The cross-reference table as PDFCrossReferenceTable of this release writes it, from the offsets alone.
            xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
            xrefoffset = File.add(xref + b"".join(b"%010d 00000 n \n" % at for at in offsets))
            File.add(PDFTrailer(startxref=xrefoffset, Size=len(offsets) + 1, Root=self.Reference(cat),
                                Info=self.Reference(info), Encrypt=encryptref, ID=self.ID()).format(self))
            return File.format(self)

    return StreamingDocument


def _numbers(values) -> str:
    from reportlab.lib.rl_accel import fp_str

    return " ".join(fp_str(value) for value in values)


def streaming_canvas_class(base=None):
    """A Canvas class whose pages are written out as each is finished (StreamingDocument above): read what is ready
    with `canvas.take()`. `decorate_page(canvas)` is called on each page before it is closed."""
    from reportlab.pdfgen.canvas import Canvas

    document_class = _streaming_document_class()

    class StreamingCanvas(base or Canvas):
        def __init__(self, *args, **kwargs):
            from reportlab.pdfbase.pdfdoc import NoEncryption

            super().__init__(*args, **kwargs)
            if type(self._doc.encrypt) is not NoEncryption:
                raise ValueError("a document written as its pages are drawn is not encrypted")
            self._doc.__class__ = document_class
            self._doc.start_stream()
            self._filename = _Sink(self._doc)

        def decorate_page(self):
            pass

        def showPage(self):
            self.decorate_page()
            super().showPage()
            self._doc.write_page(self._doc.Pages.pages[-1])

        def take(self) -> bytes:
            return self._doc.take()

    return StreamingCanvas


class _Sink:
    """Where SaveToFile writes the end of the document: the pending output of the streaming document."""

    def __init__(self, document):
        self.document = document

    def write(self, data: bytes) -> None:
        self.document._emit(data)


def define_late_form(canvas, name: str, width: float, height: float) -> None:
    """Declare a form XObject that the current page shows (`canvas.doForm(name)`, on this page only) and whose
    content is given only at the end, by `fill_late_forms`: a page written before its "page X of Y" is known can
    show it. Once the page is written the document keeps only the form's object number. Every late form of a
    document has the same box."""
    from reportlab.pdfbase.pdfdoc import xObjectName

    doc = canvas._doc
    box = (0, -height / 2, width, height)
    if doc.late_box not in (None, box):
        raise ValueError("every late form of a document has the same box")
    doc.late_box = box
    doc.Reference(_LateForm(), xObjectName(name))
    doc.late_forms.append(doc.idToObjectNumberAndVersion[xObjectName(name)][0])


def fill_late_forms(canvas, draw) -> None:
    """Give the late forms their content, in the order they were declared, before the document is saved:
    `draw(index, text_object)` (index from 0) draws one form's text from its origin, the same each time it is
    called. Each form is drawn once now, its output dropped, so that the fonts it uses are in the document's font
    table (written first), and again as it is written at the end: the forms of a long report are never all held
    at once."""
    from reportlab.pdfbase.pdfdoc import PDFObjectReference, pdfdocEnc

    doc = canvas._doc
    for index in range(len(doc.late_forms)):
        draw(index, canvas.beginText(0, 0))
    box = _numbers(doc.late_box or (0, 0, 0, 0))
    fonts = PDFObjectReference("BasicFonts").format(doc).decode()

    def body(index: int) -> bytes:
        text = canvas.beginText(0, 0)
        draw(index, text)
        # Uncompressed (a line of text), as PDFFormXObject.format of this release formats a form, which took longer
        # than the rest of a long report's closing.
        content = pdfdocEnc(text.getCode())
        head = (f"<<\n/BBox [ {box} ] /FormType 1 /Matrix [ 1 0 0 1 0 0 ] /Resources << /Font {fonts} /ProcSet "
                f"[ /PDF /Text ] >> /Subtype /Form /Type /XObject /Length {len(content)}\n>>\nstream\n")
        return head.encode("ascii") + content + b"\nendstream"

    doc.late_body = body


class _LateForm:
    """A form declared by define_late_form, in the document's tables until its page is written: then only its
    number is kept, and its content is formatted at the end (fill_late_forms)."""
    __slots__ = ()


def _formatted_object(data: bytes):
    """A PDF object already formatted (what goes between "n 0 obj" and "endobj")."""
    from reportlab.pdfbase.pdfdoc import PDFObject

    class Formatted(PDFObject):
        def format(self, document):
            return data

    return Formatted()


def stream_build(template, story, canvasmaker):
    """Lay out the flowables of `story` (any iterable, read as the pages fill) with a platypus DocTemplate and yield
    the PDF's bytes as the pages are written: BaseDocTemplate.build of this release, one flowable at a time."""
    template._startBuild(template.filename, canvasmaker)
    canvas = template.canv
    template._savedInfo = canvas._doc.info
    source = iter(story)
    flowables: list = []
    exhausted = False
    try:
        canvas._doctemplate = template
        while True:
            while not exhausted and len(flowables) < 2:
                try:
                    flowables.append(next(source))
                except StopIteration:
                    exhausted = True
            if not flowables:
                break
            template.clean_hanging()
            template.handle_flowable(flowables)
            data = canvas.take()
            if data:
                yield data
    finally:
        del canvas._doctemplate
    canvas._doc.info = template._savedInfo
    template._endBuild()
    yield canvas.take()
