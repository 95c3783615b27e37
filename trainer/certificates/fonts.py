"""Fonts for certificates and splitting text into runs by script, each run with the font that has its
glyphs (ReportLab has no font fallback). Pure module: imports neither Flask nor the database."""
from __future__ import annotations

import unicodedata
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts"

# script -> (regular file, bold file); Droid Sans Fallback has no bold face.
FONT_FILES = {
    "latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "devanagari": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    "bengali": ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    "arabic": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "han": ("DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf"),
}
RTL_SCRIPTS = {"arabic"}

_registered = False


def font_name(script: str, bold: bool = False) -> str:
    return f"Cert-{script}{'-Bold' if bold and script != 'han' else ''}"


def register_fonts() -> None:
    """Register every certificate font once per process (shapable TrueType fonts)."""
    global _registered
    if _registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for script, (regular, bold) in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(font_name(script), str(FONT_DIR / regular), shapable=True))
        if script != "han":
            pdfmetrics.registerFont(TTFont(font_name(script, True), str(FONT_DIR / bold), shapable=True))
    _registered = True


def script_of(char: str) -> str | None:
    """The script a character needs a font for, or None for characters every font has (spaces,
    digits, punctuation) which join the run around them."""
    cp = ord(char)
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF \
            or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        return "arabic"
    if 0x0900 <= cp <= 0x097F or 0xA8E0 <= cp <= 0xA8FF:
        return "devanagari"
    if 0x0980 <= cp <= 0x09FF:
        return "bengali"
    if 0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x2FFFF:
        return "han"
    if cp in (0x200C, 0x200D):  # joiners belong to the run they are in
        return None
    category = unicodedata.category(char)
    if category[0] in "LM":
        return "latin"
    return None


def split_runs(text: str) -> list[tuple[str, str]]:
    """[(script, text), ...] in logical order; neutral characters join the run before them
    (or the first run, at the start)."""
    runs: list[list] = []
    pending = ""
    for char in text:
        script = script_of(char)
        if script is None:
            if runs:
                runs[-1][1] += char
            else:
                pending += char
            continue
        if runs and runs[-1][0] == script:
            runs[-1][1] += char
        else:
            # Spaces between two runs of different scripts belong to neither: keep them as a separate gap.
            if runs:
                trailing = runs[-1][1][len(runs[-1][1].rstrip()):]
                if trailing:
                    runs[-1][1] = runs[-1][1].rstrip()
                    runs.append(["gap", trailing])
            runs.append([script, pending + char])
            pending = ""
    if not runs:
        return [("latin", pending)] if pending else []
    return [(s, t) for s, t in runs]
