"""Access-matrix builders for curricula URLs: a module (code, version, lesson slug) and a profile.
Curricula are mission-wide reference data: nothing is out of scope."""
from __future__ import annotations


def _ensure_curricula(world):
    if "curricula_imported" not in world.cache:
        import tempfile
        from pathlib import Path

        from tests.curricula.factories import write_curricula
        from trainer.curricula.services import import_paths

        root = write_curricula(Path(tempfile.mkdtemp(prefix="matrix-curricula-")) / "curricula")
        report = import_paths(None, [str(root)])
        assert report.ok, report.problems
        world.db.session.commit()
        world.cache["curricula_imported"] = True


def _module(world):
    from tests.auth.test_access_matrix import Objects

    _ensure_curricula(world)
    return Objects(inside={"module_code": "TS-01", "version": "1.0", "slug": "lesson-1"})


def _profile(world):
    from tests.auth.test_access_matrix import Objects

    _ensure_curricula(world)
    return Objects(inside={"profile_code": "TST-PROFILE"})


BUILDERS = {"module_code": _module, "profile_code": _profile}
