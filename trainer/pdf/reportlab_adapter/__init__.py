"""The ReportLab internals the application reaches, in one place, for the version they were read from.

What ReportLab has no public interface for: writing a text object's operators directly (a report of
thousands of people repeats the same lines tens of thousands of times, so each distinct line's operator is
made once and written again as it is: readiness.pdf_lists); attaching a file to the document with the PDF
2.0 associated-file entries (the signed certificate data in a certificate PDF); platypus' mark on a
flowable that has already been moved to the next page once (a long list splitting itself); the level of
the one Flate filter every stream shares (use_lean_streams); and documents written out as their pages are
drawn (streaming.py). They depend on attributes whose names start with an underscore
(`PDFTextObject._code`, `PDFTextObject._formatText`, `Canvas._doc`, `Flowable._postponed`) or on the
release's own formatting code, which a new ReportLab release may change without notice: `check_version`
refuses to start with any other release than the one this was written for.
"""
from __future__ import annotations

import threading
import zlib
from collections import OrderedDict

from trainer.pdf import refuse_other_release
from trainer.pdf.reportlab_adapter.streaming import (  # noqa: F401 - the adapter's interface
    PAGE_COMPRESSION_LEVEL, define_late_form, fill_late_forms, stream_build, streaming_canvas_class)

WRITTEN_FOR = "5.1.0"


def check_version() -> None:
    import reportlab

    refuse_other_release("reportlab", reportlab.Version, WRITTEN_FOR, "reportlab_adapter/")


# --- text objects ---------------------------------------------------------------------------------

def text_operators(text_object) -> list[str]:
    """The list of operators a text object writes when it is drawn; append to it to add operators."""
    return text_object._code


def show_text_operator(text_object, line: str) -> str:
    """The operator that shows `line` in the text object's current font, encoded as textOut encodes it
    (with ReportLab's substitute fonts for characters the current font lacks), without moving the cursor."""
    return text_object._formatText(line)


# --- flowables -----------------------------------------------------------------------------------

def was_postponed(flowable) -> bool:
    """True when platypus has already moved this flowable to the next page once because it did not fit (the
    mark it sets so that a flowable which never fits is not moved for ever)."""
    return bool(getattr(flowable, "_postponed", False))


def forget_postponed(flowable) -> None:
    """Clear that mark on a copy of a flowable, so that the copy is treated as new."""
    flowable.__dict__.pop("_postponed", None)


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


# --- streams and font programs made once -----------------------------------------------------------

def use_lean_streams() -> None:
    """Every stream ReportLab compresses, compressed at PAGE_COMPRESSION_LEVEL and written binary, without
    the ASCII85 layer this release adds over page content by default (a quarter more bytes, for 7-bit
    channels no PDF of this application travels through): a certificate's page and fonts take a sixth less
    time for the same bytes. Process-wide, as ReportLab's rl_config is; set at start-up
    (trainer.pdf.prepare_libraries)."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    rl_config.useA85 = 0
    # The one Flate filter that every stream of this release shares: its encode, replaced on the instance.
    pdfdoc.PDFZCompress.encode = _flate


def remember_subsets(font) -> None:
    """Make `font` (a TTFont) hand out again the font programs it cut lately, and compress each of them once.
    Every certificate whose names are in plain Latin letters embeds the same first subset of each Latin font
    (this release's first subset holds the 128 ASCII codes and the other characters in the order the page
    first uses them); cutting it out of the font file and compressing it again took a fifth of the page's
    time. TTFontFile.makeSubset of this release depends on the face and the subset's characters alone (a face
    gives the glyphs HarfBuzz shapes without a character their own private codes, so programs are kept by
    face, not by font file); it moves the face's shared read position, so programs are cut one at a time."""
    face = font.face
    if getattr(face, "_trainer_remembers", False):
        return
    make = face.makeSubset

    def subset(characters) -> bytes:
        return _PROGRAMS.program((face, tuple(characters)), lambda: make(characters))

    face.makeSubset = subset
    face._trainer_remembers = True


class _Programs:
    """The font programs handed out lately, by font file and characters, and each one compressed once: only
    these are kept, not the pages' own streams (a credentials sheet's passwords are in its page)."""

    def __init__(self, size: int):
        self.size = size
        self.by_key: OrderedDict = OrderedDict()
        self.compressed: dict[int, tuple[bytes, bytes]] = {}  # id(program) -> (program, compressed)
        self.lock = threading.Lock()

    def program(self, key, make) -> bytes:
        with self.lock:
            program = self.by_key.get(key)
            if program is not None:
                self.by_key.move_to_end(key)
                return program
            program = self.by_key[key] = make()
            if len(self.by_key) > self.size:
                self.compressed.pop(id(self.by_key.popitem(last=False)[1]), None)
            return program

    def compress(self, data: bytes) -> bytes | None:
        """`data` compressed, when it is a program handed out here (the object itself); None otherwise."""
        with self.lock:
            held = self.compressed.get(id(data))
            if held is None and any(program is data for program in self.by_key.values()):
                held = self.compressed[id(data)] = (data, zlib.compress(data, PAGE_COMPRESSION_LEVEL))
            return held[1] if held is not None and held[0] is data else None


_PROGRAMS = _Programs(24)  # each script's regular and bold fonts, a few subsets each


def _flate(data) -> bytes:
    if isinstance(data, str):
        data = data.encode("utf8")
    compressed = _PROGRAMS.compress(data)
    return compressed if compressed is not None else zlib.compress(data, PAGE_COMPRESSION_LEVEL)
