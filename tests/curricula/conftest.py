from __future__ import annotations

import pytest

from tests.curricula.factories import write_curricula


@pytest.fixture
def pack_root(tmp_path):
    """A valid curricula folder (one pack of two modules, one profile) to break in one place."""
    return write_curricula(tmp_path / "curricula")


@pytest.fixture
def imported(app, db, pack_root):
    """The test curricula imported into the database."""
    from trainer.curricula.services import import_paths

    report = import_paths(None, [str(pack_root)])
    assert report.ok, report.problems
    db.session.commit()
    return report
