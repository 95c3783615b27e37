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


def prepare_libraries() -> None:
    """At start-up: refuse a release an adapter was not written for, then apply ReportLab's stream settings
    for every PDF the process writes (reportlab_adapter.use_lean_streams)."""
    from trainer.pdf import reportlab_adapter

    check_library_versions()
    reportlab_adapter.use_lean_streams()


def refuse_other_release(library: str, installed: str, written_for: str, adapter: str) -> None:
    """A RuntimeError, naming both versions, when `library` is not the release its adapter was written for."""
    if installed != written_for:
        raise RuntimeError(
            f"{library} {installed} is installed, but trainer/pdf/{adapter} was written for "
            f"{library} {written_for} (the version pinned in requirements.txt). Install {library}=={written_for}, "
            "or check the adapter against the new release and change WRITTEN_FOR and the pin together.")
