"""The ReportLab internals the application reaches, in one place, for the version they were read from.

Two things ReportLab has no public interface for: writing a text object's operators directly (a
report of thousands of people repeats the same lines tens of thousands of times, so each distinct
line's operator is made once and written again as it is: readiness.pdf_lists) and attaching a file
to the document with the PDF 2.0 associated-file entries (the signed certificate data in a
certificate PDF). Both depend on attributes whose names start with an underscore (`PDFTextObject._code`,
`PDFTextObject._formatText`, `Canvas._doc`), which a new ReportLab release may change without notice:
`check_version` refuses to start with any other release than the one this was written for.
"""
from __future__ import annotations

import zlib

from trainer.pdf import refuse_other_release

WRITTEN_FOR = "5.1.0"
# Content streams written by the streaming document: on the readiness report's pages zlib's level 3 takes a fifth
# less time than its default (6) for 6 % more bytes; level 1 is no faster and larger still.
PAGE_COMPRESSION_LEVEL = 3


def check_version() -> None:
    import reportlab

    refuse_other_release("reportlab", reportlab.Version, WRITTEN_FOR, "reportlab_adapter")


# --- text objects ---------------------------------------------------------------------------------

def text_operators(text_object) -> list[str]:
    """The list of operators a text object writes when it is drawn; append to it to add operators."""
    return text_object._code


def show_text_operator(text_object, line: str) -> str:
    """The operator that shows `line` in the text object's current font, encoded as textOut encodes it
    (with ReportLab's substitute fonts for characters the current font lacks), without moving the cursor."""
    return text_object._formatText(line)


# --- documents ------------------------------------------------------------------------------------

def attach_file(canvas, name: str, data: bytes, *, description: str, subtype: str) -> None:
    """Embed `data` as the document's associated file `name` (listed by PDF viewers as an attachment),
    uncompressed, so that a verifier can find its bytes unchanged in the file."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

    doc = canvas._doc
    stream = PDFStream(PDFDictionary({"Type": PDFName("EmbeddedFile"), "Subtype": PDFName(subtype.replace("/", "#2F")),
                                      "Params": PDFDictionary({"Size": len(data)})}),
                       content=data, filters=[])
    stream_ref = doc.Reference(stream)
    filespec = PDFDictionary({"Type": PDFName("Filespec"), "F": PDFString(name), "UF": PDFString(name),
                              "Desc": PDFString(description), "AFRelationship": PDFName("Data"),
                              "EF": PDFDictionary({"F": stream_ref, "UF": stream_ref})})
    filespec_ref = doc.Reference(filespec)
    names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString(name), filespec_ref])})})
    catalog = doc.Catalog
    catalog.Names = doc.Reference(names)
    catalog.AF = PDFArray([filespec_ref])
    # The catalog writes only the entries it lists; AF (PDF 2.0) is not among them in this release.
    if "AF" not in catalog.__NoDefault__:
        catalog.__NoDefault__ = list(catalog.__NoDefault__) + ["AF"]


# --- documents written as they are drawn -----------------------------------------------------------------------

def _streaming_document_class():
    from reportlab.pdfbase.pdfdoc import PDFDocument, PDFFile, PDFIndirectObject, PDFStream

    class StreamingDocument(PDFDocument):
        """A PDFDocument that writes each finished page (its dictionary and content stream) out at once and keeps
        only its offset, so that memory stays flat whatever the number of pages. What every page refers to (the
        page tree, fonts, forms, the catalogue) is written at the end, with the cross-reference table; PDF allows
        objects in any order. `format` is PDFDocument.format of the release this adapter was written for, with the
        objects already written skipped."""

        def start_stream(self) -> None:
            self.pending: list[bytes] = []
            self._offset = 0
            self._written: dict[str, int] = {}
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

        def _write_object(self, name: str) -> None:
            self._written[name] = self._emit(PDFIndirectObject(name, self.idToObject[name]).format(self))

        def write_page(self, page) -> None:
            """Write `page` and the content stream formatting it registers, then drop its content. Anything else
            it registers (the page tree, on the first page) is shared by later pages: written at the end."""
            name = page.__InternalName__
            if self._write_plain_page(name, page):
                # Written whole: the page tree needs only its name. Keeping the page's dictionaries for every page
                # of a long report held about 1 kB per page until the end.
                from reportlab.pdfbase.pdfdoc import PDFObjectReference

                if self.Pages.pages and self.Pages.pages[-1] is page:
                    self.Pages.pages[-1] = PDFObjectReference(name)
                    self.idToObject[name] = None
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
            it: ReportLab's general object formatting took longer than drawing the page. False, writing nothing,
            for any other page (or an encrypted document), which `write_page` leaves to ReportLab."""
            from reportlab.pdfbase.pdfdoc import NoEncryption, PDFArray, PDFObjectReference

            if (type(self.encrypt) is not NoEncryption or page.Override_default_compilation or page.Annots
                    or page.ExtGState or page._shadingUsed or page._colorsUsed or page.Resources or page.Contents
                    or page.Dur is not None or page.Trans.dict or not page.stream
                    or any(getattr(page, box) for box in ("CropBox", "ArtBox", "BleedBox", "TrimBox"))):
                return False
            contents = PDFArray([])  # a placeholder, to number the content stream after the page as ReportLab does
            self.Reference(contents)
            content = page.stream.encode("utf8")
            if page.compression:
                content = zlib.compress(content, PAGE_COMPRESSION_LEVEL)
            rotated = page.Rotate in (90, 270)
            box = _numbers((0, 0, page.pageheight, page.pagewidth) if rotated else (0, 0, page.pagewidth, page.pageheight))
            procs = "/PDF /Text /ImageB /ImageC /ImageI" if page.hasImages else "/PDF /Text"
            forms = (b" /XObject " + page.XObjects.format(self)) if page.XObjects else b""
            reference = PDFObjectReference
            head = (f"<<\n/Contents {reference(contents.__InternalName__).format(self).decode()} /MediaBox [ {box} ] "
                    f"/Parent {self.Reference(self.Pages).format(self).decode()} /Resources << /Font "
                    f"{reference('BasicFonts').format(self).decode()} /ProcSet [ {procs} ]").encode("ascii")
            rotate = f" /Rotate {page.Rotate or 0} /Type /Page\n>>".encode("ascii")
            self._written[name] = self._emit(self._numbered(name, head + forms + b" >>" + rotate))
            flate = b"/Filter [ /FlateDecode ] " if page.compression else b""
            stream = b"<<\n%s/Length %d\n>>\nstream\n%s\nendstream" % (flate, len(content), content)
            self._written[contents.__InternalName__] = self._emit(self._numbered(contents.__InternalName__, stream))
            self.idToObject[contents.__InternalName__] = None
            page.stream = page.Contents = None
            return True

        def _numbered(self, name: str, body: bytes) -> bytes:
            number, version = self.idToObjectNumberAndVersion[name]
            return b"%d %d obj\n%s\nendobj\n" % (number, version, body)

        def format(self):
            self.encrypt.prepare(self)
            cat, info = self.Catalog, self.info
            self.Reference(cat)
            self.Reference(info)
            encryptref = None
            encryptinfo = self.encrypt.info()
            if encryptinfo:
                encryptref = self.Reference(encryptinfo)
            counter, ids = 0, []
            File = PDFFile(self._pdfVersion)
            File.strings.clear()  # the header is already written; File.write appends to this same list
            File.offset = self._offset  # continues the pages already written
            self.__accum__ = File
            while True:
                counter += 1
                if counter not in self.numberToId:
                    break
                oid = self.numberToId[counter]
                if oid in self._written:
                    self.idToOffset[oid] = self._written[oid]
                else:
                    self.idToOffset[oid] = File.add(PDFIndirectObject(oid, self.idToObject[oid]).format(self))
                ids.append(oid)
            del self.__accum__
            if counter - 1 != len(self.numberToId):
                raise ValueError("object numbers out of step with the objects written")
            from reportlab.pdfbase.pdfdoc import PDFCrossReferenceTable, PDFTrailer

            xref = PDFCrossReferenceTable()
            xref.addsection(0, ids)
            xrefoffset = File.add(xref.format(self))
            File.add(PDFTrailer(startxref=xrefoffset, Size=len(self.numberToId) + 1, Root=self.Reference(cat),
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
            super().__init__(*args, **kwargs)
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


def define_form(canvas, name: str, width: float, height: float) -> None:
    """Declare an empty form XObject now (pages written before its content is known can show it)."""
    canvas.beginForm(name, lowerx=0, lowery=-height / 2, upperx=width, uppery=height)
    canvas.endForm()


def fill_form(canvas, name: str, text_object) -> None:
    """Give a form declared by define_form its content: a text object drawn from the form's origin."""
    from reportlab.pdfbase.pdfdoc import xObjectName

    from reportlab.pdfbase.pdfdoc import NoEncryption, PDFObjectReference, pdfdocEnc

    doc = canvas._doc
    form = doc.idToObject[xObjectName(name)]
    if type(doc.encrypt) is not NoEncryption:
        form.setStreamList([text_object.getCode()])
        return
    # Formatted here, uncompressed (a line of text): as PDFFormXObject.format of this release formats a form, which
    # took longer than the rest of a long report's closing.
    content = pdfdocEnc(text_object.getCode())
    box = _numbers(form.BBoxList())
    procs = "/PDF /Text /ImageB /ImageC /ImageI" if form.hasImages else "/PDF /Text"
    fonts = PDFObjectReference("BasicFonts").format(doc).decode()
    head = (f"<<\n/BBox [ {box} ] /FormType 1 /Matrix [ 1 0 0 1 0 0 ] /Resources << /Font {fonts} /ProcSet "
            f"[ {procs} ] >> /Subtype /Form /Type /XObject /Length {len(content)}\n>>\nstream\n").encode("ascii")
    doc.idToObject[xObjectName(name)] = _formatted_object(head + content + b"\nendstream")


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
