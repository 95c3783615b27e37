"""What a translated page must not show: the English of a catalogue where its translation differs, read from
the .po parts so that a page check follows the catalogue as it grows."""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po

PLACEHOLDER = r"%\(\w+\)[sd]"
# Where a message is cut into pieces that stand on a page as they are: placeholders, markup, Jinja expressions.
CUTS = r"%\(\w+\)[sd]|<[^>]+>|\{\{[^}]*\}\}"


def _messages(parts: Iterable[Path]):
    for part in parts:
        with part.open("rb") as fh:
            yield from read_po(fh)


def english_patterns(parts: Iterable[Path], *, min_words: int = 1,
                     placeholder: str = PLACEHOLDER) -> list[tuple[str, re.Pattern]]:
    """The English messages translated differently that hold at least `min_words` words, as patterns over
    visible text: a placeholder matches anything short, markup is dropped."""
    patterns = {}
    for message in _messages(parts):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for english in ids:
            if english in strings:
                continue
            text = " ".join(re.sub(r"<[^>]+>", "", english).split())
            if len(re.findall(r"[A-Za-z]{2,}", re.sub(placeholder, "", text))) < min_words:
                continue
            body = r".{1,80}?".join(re.escape(piece) for piece in re.split(placeholder, text))
            patterns[english] = re.compile(rf"(?<![\w]){body}(?![\w])")
    return list(patterns.items())


def long_english_pieces(part: Path, *, longer_than: int = 24) -> list[str]:
    """The pieces of a catalogue's English messages, cut at placeholders, markup and Jinja expressions, long
    enough to be unmistakable on a page."""
    out = []
    for message in _messages([part]):
        for text in ([message.id] if isinstance(message.id, str) else list(message.id or ())):
            out += [p.strip() for p in re.split(CUTS, text or "") if len(p.strip()) > longer_than]
    return out
