"""Certificate PDFs: names in every script read back exactly, and a rasterised page to look at."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from trainer.certificates.services import render_pdf

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

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext marks right-to-left text with embedding controls; they are not part of the name.
    return re.sub("[\u202a-\u202e\u200e\u200f]", "", out)


@pytest.mark.parametrize("given,family,given_latin,family_latin", NAMES, ids=lambda v: v if v.isascii() else None)
def test_names_in_every_script_read_back_exactly(given, family, given_latin, family_latin, make_person, issue, tmp_path):
    person = make_person(given_names=given, family_name=family, given_names_latin=given_latin,
                         family_name_latin=family_latin)
    cert = issue(person)
    lines = [line.strip() for line in _text(render_pdf(cert), tmp_path).splitlines()]
    assert f"{given} {family}" in lines
    assert f"{given_latin} {family_latin}" in lines
    assert cert.serial in lines


def test_certificate_carries_every_certified_fact(make_person, issue, tmp_path):
    person = make_person(given_names="Sita", family_name="Gurung", service_number="NA-445566")
    cert = issue(person)
    text = _text(render_pdf(cert), tmp_path)
    for expected in ("NA-445566", "HR-01", "2.1", "10 Jan 2026", "31 Jan 2031", "PKI-01", "SHANTI-26",
                     "Outcome S", "30 Jun 2030", "Colonel Issuer", "UN-PDT-MIL", cert.serial, "OF-2",
                     f"https://trainer.example.org/verify/{cert.serial}"):
        assert expected in text, expected
    # valid until = the earliest valid-until of the evidence (the exercise window here)
    assert cert.valid_until.isoformat() == "2030-06-30"


def test_multi_script_certificate_is_rasterised_for_inspection(make_person, issue, tmp_path):
    """Read-back alone rewards unshaped text, so a page is kept as an image to look at:
    test-artifacts/certificate-arabic.png and certificate-devanagari.png, certificate-bengali.png."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    for label, (given, family, gl, fl) in {"arabic": NAMES[4], "devanagari": NAMES[2], "bengali": NAMES[3]}.items():
        cert = issue(make_person(given_names=given, family_name=family, given_names_latin=gl, family_name_latin=fl))
        pdf = tmp_path / f"{label}.pdf"
        pdf.write_bytes(render_pdf(cert))
        target = ARTIFACTS / f"certificate-{label}"
        subprocess.run(["pdftoppm", "-r", "90", "-png", "-singlefile", str(pdf), str(target)], check=True)
        assert target.with_suffix(".png").stat().st_size > 20_000
