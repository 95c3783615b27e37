"""Text in any script for PDFs: which script (and so which font) each character needs, a text split
into runs of one script each, and the vendored fonts registered once per process.

ReportLab has no font fallback: a name is split into runs by script and each run is drawn in the font
that has its glyphs. Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts"

# script -> (regular file, bold file); Droid Sans Fallback has no bold face, so bold Chinese is regular.
FONT_FILES = {
    "latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "devanagari": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    "bengali": ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    "arabic": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "han": ("DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf"),
}
RTL_SCRIPTS = frozenset({"arabic"})

# The Unicode blocks of each script that has a font of its own, as inclusive code point ranges. Arabic is
# the Arabic script's blocks only (Syriac, Thaana, N'Ko, Samaritan and Mandaic sit between them and are
# other scripts that the Arabic font does not draw).
SCRIPT_RANGES = {
    "arabic": ((0x0600, 0x06FF),    # Arabic
               (0x0750, 0x077F),    # Arabic Supplement
               (0x0870, 0x089F),    # Arabic Extended-B
               (0x08A0, 0x08FF),    # Arabic Extended-A
               (0xFB50, 0xFDFF),    # Arabic Presentation Forms-A
               (0xFE70, 0xFEFE),    # Arabic Presentation Forms-B (FEFF is the byte order mark)
               (0x10EC0, 0x10EFF),  # Arabic Extended-C
               (0x1EE00, 0x1EEFF)),  # Arabic Mathematical Alphabetic Symbols
    "devanagari": ((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    "bengali": ((0x0980, 0x09FF),),
    "han": ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x2FFFF)),
}
_JOINERS = (0x200C, 0x200D)  # zero-width (non-)joiners belong to the run they are in
# Below the first of those blocks no script has a font of its own: every letter there falls to the Latin font.
_FIRST_SCRIPT_BLOCK = min(first for ranges in SCRIPT_RANGES.values() for first, _last in ranges)

_registered = False


@lru_cache(maxsize=4096)
def script_of(char: str) -> str | None:
    """The script a character needs a font for, or None for characters every font has (spaces, digits,
    punctuation), which join the run around them. Cached: a certificate asks about some 700 characters,
    nearly all of them the same few dozen."""
    cp = ord(char)
    if cp < _FIRST_SCRIPT_BLOCK:
        return "latin" if unicodedata.category(char)[0] in "LM" else None
    for script, ranges in SCRIPT_RANGES.items():
        for first, last in ranges:
            if first <= cp <= last:
                return script
    if cp in _JOINERS:
        return None
    return "latin" if unicodedata.category(char)[0] in "LM" else None


def split_runs(text: str) -> list[tuple[str, str]]:
    """[(script, text), ...] in logical order. Neutral characters join the run before them (or the
    first run, at the start); the spaces between two runs of different scripts belong to neither and
    form a run of their own, "gap"."""
    runs: list[list[str]] = []
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
            continue
        if runs:
            trailing = runs[-1][1][len(runs[-1][1].rstrip()):]
            if trailing:
                runs[-1][1] = runs[-1][1].rstrip()
                runs.append(["gap", trailing])
        runs.append([script, pending + char])
        pending = ""
    if not runs:
        return [("latin", pending)] if pending else []
    return [(script, part) for script, part in runs]


def visual_runs(text: str) -> list[tuple[str, str]]:
    """(script, text to draw) in left-to-right drawing order, for a line laid out run by run or as a Paragraph.

    ReportLab's paragraph layout shapes an Arabic run word by word and lays the words out left to right, so an
    Arabic run gets its words reversed here; a line whose first strong run is Arabic reads right to left as a
    whole, so its runs are reversed too. Gaps (the spaces between runs of two scripts) stay as runs "gap"."""
    if text.isascii():  # most lines of a page: a single Latin run, found without a look at each character
        plain = text.strip()
        return [("latin", plain)] if plain else []
    runs = split_runs(text)
    out = []
    for script, chunk in runs:
        if script == "gap":
            out.append((script, chunk))
        elif script in RTL_SCRIPTS:
            out.append((script, " ".join(reversed(chunk.split()))))
        else:
            out.append((script, chunk.strip()))
    strong = [s for s, _ in runs if s != "gap"]
    if strong and strong[0] in RTL_SCRIPTS:
        out.reverse()
    return [r for r in out if r[1]]


def font_name(script: str, bold: bool = False) -> str:
    """The registered name of the font that draws `script` ("gap" is drawn in the Latin font)."""
    script = "latin" if script == "gap" else script
    return f"Text-{script}{'-Bold' if bold and script != 'han' else ''}"


def pdf_text_string(text: str) -> str:
    """A PDF text string in UTF-16BE with byte order mark, as hex: safe for any character in any script."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def register_fonts() -> None:
    """Register every font once per process, as shapable TrueType fonts (HarfBuzz shapes the runs of
    a Paragraph with shaping on)."""
    global _registered
    if _registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from trainer.pdf.reportlab_adapter import remember_subsets

    for script, (regular, bold) in FONT_FILES.items():
        # Chinese has no bold face: its bold name is its regular one (font_name), registered once.
        for name, file in {font_name(script): regular, font_name(script, True): bold}.items():
            font = TTFont(name, str(FONT_DIR / file), shapable=True)
            remember_subsets(font)
            pdfmetrics.registerFont(font)
    _registered = True
