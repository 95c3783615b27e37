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

from trainer.pdf import refuse_other_release

WRITTEN_FOR = "5.1.0"


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
