"""Certificate PDFs: names in every script read back exactly, the facts the real engine certified are
printed, and names in complex scripts are drawn shaped and in their direction (the rasterised page is
compared with HarfBuzz's own shaping of the name)."""
from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest

from tests import poppler
from tests.certificates import raster
from tests.certificates.fakes import certified_facts
from trainer.certificates.pdf import render_certificate
from trainer.certificates.services.documents import render_pdf
from trainer.org.names import format_name

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NAMES = [
    # (given, family, given Latin, family Latin)
    ("Ngoné Éclair", "Diagne", "Ngone Eclair", "Diagne"),
    ("Алексей", "Смирнов", "Aleksei", "Smirnov"),
    ("राम बहादुर", "थापा", "Ram Bahadur", "Thapa"),
    ("রহিম উদ্দিন", "চৌধুরী", "Rahim Uddin", "Chowdhury"),
    ("محمد", "عبد الله", "Mohammed", "Abdullah"),
    ("小明", "王", "Xiaoming", "Wang"),
]
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")

pytestmark = poppler.needs("pdftotext", "pdftoppm")


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext marks right-to-left text with embedding controls; they are not part of the name.
    return re.sub("[\u202a-\u202e\u200e\u200f]", "", out)


def _actual_texts(pdf: bytes) -> list[str]:
    """The ActualText of every marked-content span of the page, as a PDF reader that honours ActualText
    (copy and paste, a screen reader) takes it: verbatim, in the order the spans are drawn."""
    from pypdf import PdfReader

    operations = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().operations
    return [str(operands[1]["/ActualText"]) for operands, operator in operations
            if operator == b"BDC" and operands[0] == "/Span" and "/ActualText" in operands[1]]


def _render(facts: dict) -> bytes:
    return render_certificate(facts, envelope=b"{}", qr_text="https://trainer.example.org/verify/K7QD-3M9X-V2H0-7",
                              fingerprint="ab12", verify_url="https://trainer.example.org/verify/K7QD-3M9X-V2H0-7")


@pytest.mark.parametrize("given,family,given_latin,family_latin", NAMES, ids=lambda v: v if v.isascii() else None)
def test_names_in_every_script_read_back_exactly(given, family, given_latin, family_latin, tmp_path):
    """Each line's ActualText is its text in reading (logical) order, right-to-left names included, as
    the PDF specification defines it and screen readers read it. poppler's pdftotext takes ActualText
    for text in drawing order and so reverses a right-to-left name given in reading order: it is held
    to the exact name for left-to-right scripts only."""
    facts = certified_facts(given, family, given_latin, family_latin)
    pdf = _render(facts)
    spans = _actual_texts(pdf)
    order = facts["person"]["name_order"]
    native, latin = format_name(given, family, order), format_name(given_latin, family_latin, order)
    assert native in spans
    assert latin in spans
    assert facts["serial"] in spans
    if not RIGHT_TO_LEFT.search(given + family):
        lines = [line.strip() for line in _text(pdf, tmp_path).splitlines()]
        assert native in lines
        assert latin in lines
        assert facts["serial"] in lines


def test_certificate_carries_every_certified_fact(make_person, ready, issue, tmp_path):
    person = make_person(given_names="Sita", family_name="Gurung", service_number="NA-445566")
    evidence = ready(person)
    cert = issue(person)
    text = _text(render_pdf(cert), tmp_path)
    day = "{:%Y-%m-%d}".format  # ISO 8601: the same in English and French
    for expected in ("NA-445566", "HR-01", "2.1", day(evidence.completed_on["HR-01"]), day(evidence.valid_until["HR-01"]),
                     "PKI-01", "1.0", day(evidence.completed_on["PKI-01"]), "SHANTI-26", "Outcome / Résultat S",
                     day(evidence.exercise_ended_on), day(evidence.exercise_valid_until), "Colonel Issuer",
                     "UN-PDT-MIL", cert.serial, "OF-2", f"https://trainer.example.org/verify/{cert.serial}"):
        assert expected in text, expected
    # In English and French: the title, and a label in both languages beside each certified fact.
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for heading in ("READINESS CERTIFICATE", "CERTIFICAT DE PRÉPARATION"):
        assert heading in lines, heading
    for label in ("Readiness profile / Profil de préparation: UN-PDT-MIL", "Rank / Grade", "Nation / Pays",
                  "Unit / Unité", "Service number / Matricule", "Completed / Achevé le",
                  "Valid until / Valable jusqu'au", "Issued / Délivré le", "Issued by / Délivré par",
                  "Serial / N° de série", "Exercises / Exercices",
                  f"Verify at / Vérifier sur https://trainer.example.org/verify/{cert.serial}"):
        assert any(line.startswith(label) for line in lines), label
    # Dates as ISO 8601, which read alike in both languages: no month name of either language.
    assert not re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|janv|févr|mars|avr|mai|juin|juil|"
                         r"août|sept|oct|nov|déc)", text)
    # valid until = the earliest valid-until of the evidence (the exercise window here)
    assert cert.valid_until == evidence.certificate_valid_until == evidence.exercise_valid_until


# --- the drawn page ---------------------------------------------------------------------------------

NAME_SIZE = 26  # points, bold: the native name on the certificate


def _drawn_name(given: str, family: str, tmp_path: Path, label: str):
    """The ink of the native name as poppler draws the page: the page with the name compared with the
    same page without it. The page is kept in test-artifacts/ to look at."""
    page = raster.rasterise(_render(certified_facts(given, family, "Latin", "Name")), tmp_path, "with")
    without = raster.rasterise(_render(certified_facts("", "", "Latin", "Name")), tmp_path, "without")
    ARTIFACTS.mkdir(exist_ok=True)
    page.point(lambda v: 255 - v).save(ARTIFACTS / f"certificate-{label}.png")
    return raster.ink_of_difference(page, without)


def test_an_arabic_name_is_drawn_right_to_left_as_harfbuzz_shapes_it(tmp_path):
    """The first word of the name at the right, the last at the left, each word's letters joined and in
    their order: the page looks like HarfBuzz's shaping of the whole name (as a browser draws it), not
    like the same words laid out from left to right."""
    given, family = "محمد", "عبد الله"
    drawn = _drawn_name(given, family, tmp_path, "arabic")
    name = f"{given} {family}"
    right_to_left = raster.similarity(drawn, raster.shaped(name, "arabic", NAME_SIZE))
    left_to_right = raster.similarity(drawn, raster.words_left_to_right(name, "arabic", NAME_SIZE))
    assert right_to_left >= 0.7, right_to_left
    assert right_to_left >= left_to_right + 0.3, (right_to_left, left_to_right)


@pytest.mark.parametrize("script,given,family", [
    ("arabic", "محمد", "عبد الله"),
    ("devanagari", "किरण", "श्रेष्ठ"),        # a vowel sign drawn before its consonant, conjuncts
    ("bengali", "রহিম উদ্দিন", "চৌধুরী"),    # vowel signs on both sides, a conjunct
], ids=["arabic", "devanagari", "bengali"])
def test_names_in_complex_scripts_are_drawn_shaped(script, given, family, tmp_path):
    """Without HarfBuzz, ReportLab silently draws one unjoined glyph per character in storage order:
    the page then looks like that unshaped drawing instead of HarfBuzz's shaping of the name."""
    drawn = _drawn_name(given, family, tmp_path, script)
    name = f"{given} {family}"
    as_shaped = raster.similarity(drawn, raster.shaped(name, script, NAME_SIZE))
    as_unshaped = raster.similarity(drawn, raster.unshaped(name, script, NAME_SIZE))
    assert as_shaped >= 0.7, as_shaped
    assert as_shaped >= as_unshaped + 0.25, (as_shaped, as_unshaped)


def test_a_chinese_name_is_printed_family_name_first_and_older_certificates_as_they_were(make_person, ready, issue,
                                                                                         tmp_path):
    """欧阳明华, not 明华 欧阳: the certificate prints a name in the person's order, which its signed data
    carries; a certificate signed before names carried their order keeps printing given names first."""
    person = make_person(given_names="明华", family_name="欧阳", given_names_latin="Minghua",
                         family_name_latin="Ouyang", service_number="CN-2026-88")
    ready(person)
    cert = issue(person)
    names = _actual_texts(render_pdf(cert))
    assert "欧阳明华" in names and "明华 欧阳" not in names
    assert "Ouyang Minghua" in _text(render_pdf(cert), tmp_path)

    from trainer.certificates.printed import latin_name, native_name

    older = {"given_names": "明华", "family_name": "欧阳", "given_names_latin": "Minghua", "family_name_latin": "Ouyang"}
    assert (native_name(older), latin_name(older)) == ("明华 欧阳", "Minghua Ouyang")


def test_a_certificate_is_signed_even_when_the_thread_already_runs_an_event_loop(make_person, issue):
    """An async server, or a library that drives an event loop in the same thread, must not break signing."""
    import asyncio

    cert = issue(make_person(given_names="Asha", family_name="Gurung"))

    async def download():
        return render_pdf(cert)

    pdf = asyncio.run(download())
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf
    assert b"/ETSI.CAdES.detached" in pdf or b"/adbe.pkcs7.detached" in pdf
