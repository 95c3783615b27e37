"""Import: all or nothing, idempotent, new versions become current; the CLI and the admin upload."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tests.curricula.factories import module_doc, write_curricula

ROOT = Path(__file__).resolve().parents[2]


def counts(db):
    from trainer.audit.models import AuditEvent
    from trainer.curricula.models import Lesson, Module, Question, ReadinessProfile

    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Module, Lesson, Question, ReadinessProfile, AuditEvent)}


def test_import_twice_changes_nothing(app, db, pack_root):
    from trainer.curricula.services import import_paths

    first = import_paths(None, [str(pack_root)])
    db.session.commit()
    assert first.ok and sorted(first.modules_added) == ["TS-01 1.0", "TS-02 1.0"]
    after_first = counts(db)
    assert after_first["Question"] == 24 and after_first["ReadinessProfile"] == 1
    second = import_paths(None, [str(pack_root)])
    db.session.commit()
    assert second.ok and not second.changed and len(second.modules_unchanged) == 2
    assert counts(db) == after_first  # not even an audit event


def test_a_new_version_becomes_a_new_current_module_version(app, db, pack_root, tmp_path):
    from trainer.curricula.models import Module
    from trainer.curricula.services import get_module, import_paths

    assert import_paths(None, [str(pack_root)]).ok
    db.session.commit()
    changed = write_curricula(tmp_path / "v2", modules=[module_doc("TS-01", version="2.0", per_attempt=6),
                                                        module_doc("TS-02", prerequisites=["TS-01"])])
    report = import_paths(None, [str(changed)])
    db.session.commit()
    assert report.ok and report.modules_added == ["TS-01 2.0"]
    versions = db.session.execute(select(Module.version, Module.is_current).where(Module.code == "TS-01")
                                  .order_by(Module.version)).all()
    assert versions == [("1.0", False), ("2.0", True)]
    assert get_module("TS-01").questions_per_attempt == 6


def test_cli_validate_and_import(app, db, runner, pack_root):
    result = runner.invoke(args=["curricula", "validate", str(pack_root)])
    assert result.exit_code == 0, result.output
    assert "OK: 1 pack(s), 2 module(s), 6 lesson(s), 24 question(s), 1 profile(s)" in result.output
    result = runner.invoke(args=["curricula", "import", str(pack_root)])
    assert result.exit_code == 0 and "2 module version(s) added" in result.output
    result = runner.invoke(args=["curricula", "import", str(pack_root)])
    assert result.exit_code == 0 and "Nothing to import" in result.output


def test_cli_lists_every_problem_and_exits_non_zero(app, db, runner, pack_root):
    (pack_root / "packs/test/TS-01/questions.yaml").write_text("- id: [broken\n")
    (pack_root / "profiles/test.yaml").write_text("code: X\n")
    result = runner.invoke(args=["curricula", "import", str(pack_root)])
    assert result.exit_code == 1
    assert "TS-01/questions.yaml:" in result.output and "profiles/test.yaml:1:" in result.output
    assert "nothing was imported" in result.output
    assert counts(db)["Module"] == 0


def _zip(root: Path, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, "curricula/" + path.relative_to(root).as_posix())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_admin_uploads_a_pack_zip(app, db, client, login_as, pack_root):
    login_as("admin")
    response = client.post("/curricula/upload", data={"archive": (io.BytesIO(_zip(pack_root)), "pack.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert "2 module version(s) added" in response.get_data(as_text=True)
    db.session.expire_all()
    assert counts(db)["Module"] == 2


def test_upload_with_problems_shows_the_same_report_and_imports_nothing(app, db, client, login_as, pack_root):
    (pack_root / "packs/test/TS-02/questions.yaml").write_text("- id: x\n  answer: Z\n")
    login_as("admin")
    response = client.post("/curricula/upload", data={"archive": (io.BytesIO(_zip(pack_root)), "pack.zip")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "pack.zip:curricula/packs/test/TS-02/questions.yaml:2" in page and "nothing was imported" in page
    assert counts(db)["Module"] == 0


@pytest.mark.parametrize("name", ["../evil.yaml", "/etc/evil.yaml", "curricula/../../evil.yaml"])
def test_upload_refuses_zip_slip(app, db, client, login_as, pack_root, name):
    login_as("admin")
    data = _zip(pack_root, {name: "code: X\n"})
    response = client.post("/curricula/upload", data={"archive": (io.BytesIO(data), "pack.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "points outside the pack" in response.get_data(as_text=True)
    assert counts(db)["Module"] == 0


def test_upload_refuses_too_many_members_and_non_zip(app, client, login_as, pack_root):
    from trainer.curricula.loader import MAX_ZIP_MEMBERS, load_zip

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"f{i}.txt", "")
    assert "at most" in load_zip(buffer.getvalue(), "many.zip").problems[0].message
    assert "not a readable zip" in load_zip(b"not a zip", "x.zip").problems[0].message
    login_as("admin")
    response = client.post("/curricula/upload", data={"archive": (io.BytesIO(b"hello"), "pack.txt")},
                           content_type="multipart/form-data")
    assert "must be a .zip file" in response.get_data(as_text=True)


def test_only_admins_upload(app, client, login_as):
    login_as("training_officer", "nation", nation="NPL")
    assert client.get("/curricula/upload").status_code == 403


def test_catalogue_and_module_pages_in_the_readers_language(app, db, client, make_user, imported):
    user = make_user("commander", "mission", username="reader")
    user.language = "fr"
    db.session.commit()
    login(client, "reader")
    page = client.get("/curricula/").get_data(as_text=True)
    assert "Module TS-01 (fr)" in page and "Paquet d&#39;essai" in page
    page = client.get("/curricula/modules/TS-02").get_data(as_text=True)
    assert "Savoir la deuxième chose." in page and "Know the first thing." in page  # English where no French
    assert client.get("/curricula/modules/XX-99").status_code == 404


SHIPPED_PACKS = ["human-rights", "counter-terrorism", "intelligence-sharing", "core", "multinational"]


def test_the_shipped_curricula_folder_validates_clean():
    from trainer.curricula.loader import load_curricula

    packs = ROOT / "curricula" / "packs"
    missing = [p for p in SHIPPED_PACKS if not (packs / p / "pack.yaml").exists()]
    if missing:
        pytest.skip(f"pack content still being written: {', '.join(missing)}")
    result = load_curricula([str(ROOT / "curricula")])
    assert not result.problems, "\n".join(map(str, result.problems))
    assert len(result.modules) >= 20
    assert sum(len(m.lessons) for m in result.modules) >= 66
    assert sum(len(m.questions) for m in result.modules) >= 300
    for module in result.modules:
        assert len(module.lessons) >= 3, module.code
        assert len(module.questions) >= 14, module.code
    assert {p.code for p in result.profiles} >= {"UN-PDT-MIL", "UN-PDT-POL", "UN-PDT-CIV", "PKI-SO", "TRAINING-STAFF"}
