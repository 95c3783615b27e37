"""The segno internals the certificate's QR encoder (certificates/qr.py) builds on, in one place, for
the version they were read from.

segno's public interface makes a whole symbol; the faster encoder reuses segno's tables (capacities,
error correction blocks, generator polynomials, the Galois field) and its pattern functions
(finder, alignment, format and version information, data masks), which live in `segno.consts` and
`segno.encoder` and may change in any release: `check_version` refuses to start with any other
release than the one this was written for, and the encoder's tests compare its symbols with segno's.
"""
from __future__ import annotations

import segno
from segno import consts as _consts, encoder as _encoder

from trainer.pdf import refuse_other_release

WRITTEN_FOR = "1.6.6"


def check_version() -> None:
    refuse_other_release("segno", segno.__version__, WRITTEN_FOR, "segno_adapter.py")


def make_matrix(text: str, *, mask: int) -> tuple[bytes, ...]:
    """segno's own symbol for `text` (error level M or better, no micro code), as rows of modules."""
    return tuple(bytes(row) for row in segno.make(text, error="m", micro=False, mask=mask).matrix)


# --- tables ---------------------------------------------------------------------------------------

ERROR_LEVEL_M = _consts.ERROR_LEVEL_M
ERROR_LEVELS = (_consts.ERROR_LEVEL_L, _consts.ERROR_LEVEL_M, _consts.ERROR_LEVEL_Q, _consts.ERROR_LEVEL_H)
ALPHANUMERIC_CHARS: bytes = _consts.ALPHANUMERIC_CHARS
GF_EXP = _consts.GALIOS_EXP
GF_LOG = _consts.GALIOS_LOG


def byte_count_bits(version: int) -> int:
    """Bits of the character count indicator in byte mode for a symbol version."""
    return _consts.CHAR_COUNT_INDICATOR_LENGTH[_consts.MODE_BYTE][_encoder.version_range(version)]


def capacity_bits(version: int, error: int) -> int:
    """Data bits a symbol of this version and error level holds."""
    return _consts.SYMBOL_CAPACITY[version][error]


def error_blocks(version: int, error: int):
    """The error correction block groups: items with num_blocks, num_total and num_data codewords."""
    return _consts.ECC[version][error]


def generator_polynomial(ec_length: int):
    """The Reed-Solomon generator polynomial's exponents for `ec_length` error correction codewords."""
    return _consts.GEN_POLY[ec_length]


# --- patterns -------------------------------------------------------------------------------------

DATA_MODULE = 0x2  # the value make_matrix leaves in the modules that carry the message


def function_patterns(version: int) -> tuple[list, int]:
    """(matrix, width) of an empty symbol with its finder, separator, timing and alignment patterns;
    every module still free for the message holds DATA_MODULE."""
    width = _encoder.calc_matrix_size(version)
    matrix = _encoder.make_matrix(width, width)
    _encoder.add_finder_patterns(matrix, width, width)
    _encoder.add_alignment_patterns(matrix, width, width)
    return matrix, width


def data_mask(mask: int):
    """The function (row, column) -> bool telling which modules mask pattern `mask` flips."""
    return _encoder.get_data_mask_functions(False)[mask]


def add_format_and_version(matrix, version: int, error: int, mask: int) -> None:
    """Write the format information (and, from version 7, the version information) into the matrix."""
    _encoder.add_format_info(matrix, version, error, mask)
    _encoder.add_version_info(matrix, version)
