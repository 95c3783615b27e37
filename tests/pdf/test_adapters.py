"""The library internals the PDFs reach are each behind one adapter, written for one release: the app
refuses to start with another, and each adapter names the release requirements.txt pins."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.pdf import reportlab_adapter, segno_adapter

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"


def _pinned(package: str) -> str:
    match = re.search(rf"^{package}==(\S+)", REQUIREMENTS.read_text(encoding="utf-8"), re.M)
    assert match, f"{package} is not pinned in requirements.txt"
    return match.group(1)


def test_each_adapter_is_written_for_the_release_requirements_pin():
    assert reportlab_adapter.WRITTEN_FOR == _pinned("reportlab")
    assert segno_adapter.WRITTEN_FOR == _pinned("segno")


@pytest.mark.parametrize("module,attribute,name", [("reportlab", "Version", "reportlab"),
                                                   ("segno", "__version__", "segno")])
def test_the_app_refuses_to_start_with_another_release_and_says_why(module, attribute, name, monkeypatch, tmp_path):
    import importlib

    from trainer import create_app

    monkeypatch.setattr(importlib.import_module(module), attribute, "99.0.0")
    with pytest.raises(RuntimeError, match=rf"{name} 99\.0\.0 is installed, but .* was written for {name} \d"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "INSTANCE_PATH": str(tmp_path)})


def test_no_module_outside_the_adapters_reaches_the_internals():
    """ReportLab's text object and canvas internals and segno's encoder tables are named in the adapters only."""
    trainer = Path(__file__).resolve().parents[2] / "trainer"
    internals = re.compile(r"\._code\b|\._formatText\b|\._doc\b|from segno import|segno\.(consts|encoder)\b")
    offenders = [str(path.relative_to(trainer)) for path in trainer.rglob("*.py")
                 if path.parent.name != "pdf" and internals.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
