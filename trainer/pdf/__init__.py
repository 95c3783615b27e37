"""What every PDF of the application shares: text in any script (which font draws which characters,
runs by script, the fonts themselves) and the adapters that keep third-party internals in one place
each, checked against the versions they were written for when the application starts.
Pure package: imports neither Flask nor the database."""
from __future__ import annotations


def check_library_versions() -> None:
    """Refuse to start when a library whose internals an adapter reaches is not the version the
    adapter was written for (a RuntimeError that names the library and both versions)."""
    from trainer.pdf import reportlab_adapter, segno_adapter

    reportlab_adapter.check_version()
    segno_adapter.check_version()
