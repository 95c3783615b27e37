"""A small valid pack written to a folder, for tests to break in one place at a time."""
from __future__ import annotations

from pathlib import Path

import yaml

PACK = {
    "code": "TST",
    "title": {"en": "Test pack", "fr": "Paquet d'essai"},
    "summary": "A pack for tests.",
    "modules": ["TS-01", "TS-02"],
    "sources": {"S1": "Test source one", "S2": "Test source two"},
}


def module_doc(code: str, prerequisites=(), version="1.0", questions=12, per_attempt=5, must_pass=1) -> dict:
    return {
        "code": code,
        "version": version,
        "title": {"en": f"Module {code}", "fr": f"Module {code} (fr)"},
        "summary": f"What {code} teaches.",
        "audience": ["military", "police"],
        "validity_months": 12,
        "pass_mark": 80,
        "questions_per_attempt": per_attempt,
        "retrain_on_major": True,
        "prerequisites": list(prerequisites),
        "objectives": ["Know the first thing.", {"en": "Know the second thing.", "fr": "Savoir la deuxième chose."}],
        "lessons": [
            {"slug": f"lesson-{i}", "title": f"Lesson {i}", "minutes": 10, "body": f"lessons/0{i}-lesson.md",
             "sources": ["S1"]}
            for i in (1, 2, 3)
        ],
        "questions": "questions.yaml",
        "english_only": True,
        "_questions": questions, "_must_pass": must_pass,
    }


def question_docs(code: str, count: int, must_pass: int) -> list[dict]:
    return [{
        "id": f"{code}-Q{i:02d}",
        "stem": f"Question {i} of {code}?",
        "options": [f"Option A{i}", f"Option B{i}", f"Option C{i}", f"Option D{i}"],
        "answer": "ABCD"[i % 4],
        "explanation": f"Because of rule {i}.",
        "source": "S1",
        "must_pass": i <= must_pass,
    } for i in range(1, count + 1)]


def write_yaml(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_module(pack_dir: Path, doc: dict) -> Path:
    doc = dict(doc)
    count, must = doc.pop("_questions"), doc.pop("_must_pass")
    folder = pack_dir / doc["code"]
    write_yaml(folder / "module.yaml", doc)
    write_yaml(folder / "questions.yaml", question_docs(doc["code"], count, must))
    for lesson in doc["lessons"]:
        body = folder / lesson["body"]
        body.parent.mkdir(parents=True, exist_ok=True)
        body.write_text(f"## {lesson['title']}\n\nThe content of {lesson['slug']}.\n\n- a point\n- another point\n\n"
                        "<script>alert(1)</script>\n\n## Sources\n\nTest source one.\n", encoding="utf-8")
    return folder


PROFILE = {
    "code": "TST-PROFILE",
    "title": "Test profile",
    "audience": "military",
    "required_modules": ["TS-01", "TS-02"],
    "exercise": {"types": ["tabletop", "functional"], "within_months": 24, "min_outcome": "S"},
    "screening_required": True,
    "warning_days": 30,
}


def write_curricula(root: Path, modules: list[dict] | None = None, pack: dict | None = None,
                    profile: dict | None = None) -> Path:
    """root/packs/test/{pack.yaml, TS-01, TS-02}, root/profiles/test.yaml"""
    pack_dir = root / "packs" / "test"
    modules = modules if modules is not None else [module_doc("TS-01"), module_doc("TS-02", prerequisites=["TS-01"])]
    pack = dict(pack or PACK)
    pack["modules"] = [m["code"] for m in modules]
    write_yaml(pack_dir / "pack.yaml", pack)
    for doc in modules:
        write_module(pack_dir, doc)
    write_yaml(root / "profiles" / "test.yaml", profile or PROFILE)
    return root


def import_test_curricula(db, tmp_path: Path):
    """The test curricula (modules TS-01 and TS-02, profile TST-PROFILE) written under `tmp_path` and imported;
    returns the import's report."""
    from trainer.curricula.services import import_paths

    report = import_paths(None, [str(write_curricula(tmp_path / "curricula"))])
    assert report.ok, report.problems
    db.session.commit()
    return report
