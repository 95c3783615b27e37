"""The module matrix of a certificate's QR code, made several times faster than segno makes it.

segno places every bit and applies the mask module by module and computes the error correction
codewords byte by byte in pure Python, which cost more than the rest of a certificate page. Here
what depends only on the symbol's version, error level and mask (the function patterns, format and
version information, where each bit of the message goes and which modules the mask flips) is
worked out once, with segno's own tables and pattern functions; each code then costs one
table-driven Reed-Solomon division per block and a gather of the bits into place.

The result is exactly the matrix `segno.make(text, error="m", micro=False, mask=mask)` gives (the
tests compare them): byte mode, no ECI, the error level raised while the data still fits the same
version. Text that segno would encode in another mode (digits or upper-case only, non-ASCII) is
left to segno. segno's tables and pattern functions are reached through trainer/pdf/segno_adapter.py only.
Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain, zip_longest
from operator import itemgetter

from trainer.pdf import segno_adapter

_ALPHANUMERIC = re.compile(b"[" + re.escape(segno_adapter.ALPHANUMERIC_CHARS) + b"]*")
_BITS_TO_MODULES = bytes.maketrans(b"01", b"\x00\x01")
_PAD = b"\xec\x11"


def qr_matrix(text: str, mask: int) -> tuple[bytes, ...]:
    """Rows of modules (1 dark, 0 light) without the quiet zone, for error level M or better."""
    data = text.encode("ascii") if text.isascii() else None
    if not data or _ALPHANUMERIC.fullmatch(data):
        return segno_adapter.make_matrix(text, mask=mask)
    version, error = _version_and_level(len(data))
    layout = _layout(version, error, mask)
    codewords = _data_codewords(data, version, layout.data_length)
    blocks, ec_blocks = [], []
    start = 0
    for size, divide in layout.blocks:
        block = codewords[start:start + size]
        blocks.append(block)
        ec_blocks.append(divide(block))
        start += size
    message = bytes(x for x in chain.from_iterable(zip_longest(*blocks)) if x is not None) \
        + bytes(x for x in chain.from_iterable(zip_longest(*ec_blocks)) if x is not None)
    bits = (int.from_bytes(message, "big") << layout.remainder) ^ layout.mask_bits
    source = format(bits, f"0{layout.data_modules}b") + layout.fixed
    flat = "".join(layout.gather(source)).encode("ascii").translate(_BITS_TO_MODULES)
    width = layout.width
    return tuple(flat[row:row + width] for row in range(0, width * width, width))


def _version_and_level(length: int) -> tuple[int, int]:
    """The smallest version that holds `length` bytes at level M, and the best level that still fits."""
    for version in range(1, 41):
        needed = 4 + segno_adapter.byte_count_bits(version) + 8 * length
        if segno_adapter.capacity_bits(version, segno_adapter.ERROR_LEVEL_M) >= needed:
            break
    else:
        raise ValueError("The text is too long for a QR code.")
    error = segno_adapter.ERROR_LEVEL_M
    levels = segno_adapter.ERROR_LEVELS
    for level in levels[levels.index(error) + 1:]:
        if segno_adapter.capacity_bits(version, level) < needed:
            break
        error = level
    return version, error


def _data_codewords(data: bytes, version: int, capacity: int) -> bytes:
    """Mode, character count, the bytes, the terminator, then padding, as segno writes them."""
    count_bits = segno_adapter.byte_count_bits(version)
    # 4 bits of mode + the count + the data + 4 bits of terminator always end on a byte boundary, where
    # segno adds one more zero byte before the pad codewords.
    value = (((0b0100 << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")) << 4)
    head = value.to_bytes((4 + count_bits + 8 * len(data) + 4) // 8, "big") + b"\x00"
    pad = capacity - len(head)
    return (head + _PAD * (pad // 2 + 1))[:capacity] if pad > 0 else head[:capacity]


class _Layout:
    """What a symbol of one version, error level and mask looks like before any data is placed."""

    def __init__(self, version: int, error: int, mask: int):
        matrix, width = segno_adapter.function_patterns(version)
        positions = _placement_order(matrix, width)
        flips = segno_adapter.data_mask(mask)
        segno_adapter.add_format_and_version(matrix, version, error, mask)
        self.width = width
        self.data_modules = len(positions)
        self.mask_bits = int("".join("1" if flips(i // width, i % width) else "0" for i in positions), 2)
        self.fixed = "".join("1" if module == 1 else "0" for row in matrix for module in row)
        where = {cell: bit for bit, cell in enumerate(positions)}
        self.gather = itemgetter(*(where.get(cell, self.data_modules + cell) for cell in range(width * width)))
        infos = segno_adapter.error_blocks(version, error)
        self.blocks = [(info.num_data, _divider(info.num_total - info.num_data))
                       for info in infos for _ in range(info.num_blocks)]
        self.data_length = sum(size for size, _ in self.blocks)
        total = sum(info.num_total * info.num_blocks for info in infos)
        self.remainder = self.data_modules - 8 * total
        if self.remainder < 0:  # pragma: no cover - the standard's tables always leave room
            raise ValueError(f"QR version {version} has no room for its codewords")


def _placement_order(matrix, width: int) -> list[int]:
    """The cells (row * width + column) the message bits fill, in order: two-module columns from the
    right, alternately upwards and downwards, skipping the function patterns (as segno's add_codewords)."""
    order = []
    for right in range(width - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(width):
            for z in (0, 1):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (width - 1 - vertical) if upwards else vertical
                if matrix[i][j] == segno_adapter.DATA_MODULE:
                    order.append(i * width + j)
    return order


@lru_cache(maxsize=None)
def _layout(version: int, error: int, mask: int) -> _Layout:
    return _Layout(version, error, mask)


@lru_cache(maxsize=None)
def _divider(ec_length: int):
    """The Reed-Solomon remainder of a block for `ec_length` error correction codewords, computed a byte
    at a time with a table of what each leading byte contributes (the register is one integer)."""
    gen, exp, log = segno_adapter.generator_polynomial(ec_length), segno_adapter.GF_EXP, segno_adapter.GF_LOG
    table = [0] + [int.from_bytes(bytes(exp[log[factor] + g] for g in gen[:ec_length]), "big")
                   for factor in range(1, 256)]
    shift = 8 * (ec_length - 1)
    keep = (1 << shift) - 1

    def divide(block: bytes) -> bytes:
        register = 0
        for byte in block:
            register = ((register & keep) << 8) ^ table[byte ^ (register >> shift)]
        return register.to_bytes(ec_length, "big")

    return divide
