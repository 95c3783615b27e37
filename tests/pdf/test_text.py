"""Text in any script for PDFs: one definition of which font draws which characters, shared by the
certificate and the sheet of sign-in credentials."""
from __future__ import annotations

import subprocess

import pytest

from tests import poppler
from trainer.pdf.text import FONT_DIR, FONT_FILES, script_of, split_runs, visual_runs

ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE))


def test_every_letter_the_arabic_font_draws_in_the_arabic_blocks_is_arabic_and_neighbouring_scripts_are_not():
    import unicodedata

    from reportlab.pdfbase.ttfonts import TTFontFile

    drawn = TTFontFile(str(FONT_DIR / FONT_FILES["arabic"][0])).charToGlyph
    letters = [cp for cp in drawn if any(a <= cp <= b for a, b in ARABIC_BLOCKS)
               and unicodedata.category(chr(cp))[0] in "LM"]
    assert len(letters) > 300
    assert [hex(cp) for cp in letters if script_of(chr(cp)) != "arabic"] == []
    # Syriac, Thaana and N'Ko lie between the Arabic blocks but are scripts of their own.
    for other in ("ܐ", "ހ", "ߊ"):
        assert script_of(other) != "arabic", hex(ord(other))


def test_names_are_split_into_runs_of_one_script_with_the_spaces_between_scripts_apart():
    assert split_runs("राम (Ram) 王小明") == [("devanagari", "राम ("), ("latin", "Ram)"), ("gap", " "), ("han", "王小明")]
    assert split_runs("Ali علي") == [("latin", "Ali"), ("gap", " "), ("arabic", "علي")]
    assert split_runs("  ") == [("latin", "  ")]


def _fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def _certificate(name: str) -> bytes:
    from tests.certificates.fakes import certified_facts
    from trainer.certificates.pdf import render_certificate

    return render_certificate(certified_facts(name, "", "Latin", "Name"), envelope=b"{}", qr_text="https://x/v",
                              fingerprint="ab", verify_url="https://x/v")


def _credentials(name: str) -> bytes:
    from trainer.auth.credentials_pdf import CredentialLine, render_credentials

    return render_credentials([CredentialLine(name, "Latin Name", "SN-1", "NPBATT-1", "npl-sn-1", "secret-123")],
                              title="Sign-in credentials", issued="1 Mar 2026", sign_in_url="https://x/login")


@poppler.needs("pdffonts")
@pytest.mark.parametrize("render", [_certificate, _credentials], ids=["certificate", "credentials"])
def test_both_documents_give_a_name_the_same_font_for_its_script(render, tmp_path):
    """An Arabic Supplement name (Khowar, Hausa ajami) prints in the Arabic font on the certificate and on
    the credentials sheet alike; a Syriac name, which the Arabic font cannot draw, gets it on neither."""
    assert "NotoNaskhArabic" in _fonts(render("ݐݔݘ عمر"), tmp_path)
    assert "NotoNaskhArabic" not in _fonts(render("ܐܒܓ"), tmp_path)


def test_arabic_names_are_drawn_right_to_left_word_by_word():
    assert visual_runs("محمد عبد الله") == [("arabic", "الله عبد محمد")]
    assert [script for script, _ in visual_runs("Ali علي")] == ["latin", "gap", "arabic"]
    assert [part for _, part in visual_runs("علي Ali")] == ["Ali", " ", "علي"]  # a right-to-left line as a whole


@poppler.needs("pdftoppm")
def test_the_credentials_sheet_draws_an_arabic_name_right_to_left(tmp_path):
    """The first word of the name at the right, as on the certificate: the sheet looks like HarfBuzz's shaping of
    the whole name, not like its words laid out from left to right."""
    from tests.certificates import raster

    name = "محمد عبد الله"
    dpi = 300

    def page(text):
        return raster.rasterise(_credentials_of(text), tmp_path, f"sheet{len(text)}", dpi=dpi)

    drawn = raster.ink_of_difference(page(name), page(""))
    right_to_left = raster.similarity(drawn, raster.shaped(name, "arabic", 10, bold=False, dpi=dpi))
    left_to_right = raster.similarity(drawn, raster.words_left_to_right(name, "arabic", 10, bold=False, dpi=dpi))
    assert right_to_left >= 0.7, right_to_left
    assert right_to_left >= left_to_right + 0.3, (right_to_left, left_to_right)


def _credentials_of(name: str) -> bytes:
    from trainer.auth.credentials_pdf import CredentialLine, render_credentials

    return render_credentials([CredentialLine(name, name, "SN-1", "NPBATT-1", "npl-sn-1", "secret-123")],
                              title="Sign-in credentials", issued="1 Mar 2026", sign_in_url="https://x/login")
