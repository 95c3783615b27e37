"""The content rules (trainer/curricula/quality.py): author notes and half-translated modules are refused;
banks a trainee could pass by picking the longest answer, banks of bare facts, untested objectives, thin
lessons and content the renderer drops are reported as warnings."""
from __future__ import annotations

from pathlib import Path

import yaml

from tests.curricula.factories import module_doc, write_curricula, write_yaml
from tests.curricula.test_broken_packs import assert_rejected


def _load(root: Path):
    from trainer.curricula.loader import load_curricula

    return load_curricula([str(root)])


def _edit_questions(root: Path, code: str, change) -> None:
    path = root / "packs" / "test" / code / "questions.yaml"
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    for i, question in enumerate(questions):
        change(i, question)
    write_yaml(path, questions)


def _lesson(root: Path, code: str, n: int) -> Path:
    return root / "packs" / "test" / code / "lessons" / f"0{n}-lesson.md"


def test_an_authors_note_in_a_lesson_is_refused_and_nothing_is_imported(app, db, tmp_path):
    root = write_curricula(tmp_path)
    lesson = _lesson(root, "TS-01", 2)
    lesson.write_text(lesson.read_text() + "\nThe bulletin says so (check the official text for the exact wording).\n")
    assert_rejected(app, db, root, "TS-01/module.yaml", None, "an author's note is left")


def test_an_authors_note_in_a_question_is_refused(app, db, tmp_path):
    root = write_curricula(tmp_path)
    _edit_questions(root, "TS-02", lambda i, q: q.update(explanation="Section 3 [K] says so.") if i == 4 else None)
    assert_rejected(app, db, root, "TS-02/module.yaml", None, "author's note")


def test_a_module_half_in_french_is_refused_unless_marked_english_only(app, db, tmp_path):
    doc = module_doc("TS-01")
    doc.pop("english_only")
    doc["lessons"][0]["body_fr"] = "lessons/01-lesson.fr.md"
    root = write_curricula(tmp_path, modules=[doc, module_doc("TS-02", prerequisites=["TS-01"])])
    _lesson(root, "TS-01", 1).with_suffix(".fr.md").write_text("## Leçon\n\nLe contenu.\n", encoding="utf-8")
    assert_rejected(app, db, root, "TS-01/module.yaml", None, "only partly in French")

    doc["english_only"] = True
    root = write_curricula(tmp_path / "again", modules=[doc, module_doc("TS-02", prerequisites=["TS-01"])])
    _lesson(root, "TS-01", 1).with_suffix(".fr.md").write_text("## Leçon\n\nLe contenu.\n", encoding="utf-8")
    assert not _load(root).problems


def _warnings(root: Path, code: str) -> list[str]:
    return [w.message for w in _load(root).warnings if w.message.startswith(code)]


def test_a_bank_where_the_longest_answer_is_right_is_reported(tmp_path):
    root = write_curricula(tmp_path)

    def longest_is_right(i, q):
        q["options"][("ABCD").index(q["answer"])] += " — the most complete and careful of the four answers"
    _edit_questions(root, "TS-01", longest_is_right)
    assert any("the correct option is the longest one in 12 of 12" in w for w in _warnings(root, "TS-01"))
    assert not any("longest" in w for w in _warnings(root, "TS-02"))


def test_a_bank_of_dates_and_symbols_is_reported(tmp_path):
    root = write_curricula(tmp_path)

    def dates(i, q):
        if i < 4:
            q["options"] = ["1999", "2003", "2011", "2016"]
    _edit_questions(root, "TS-01", dates)
    assert any("ask for a date, number or document symbol" in w for w in _warnings(root, "TS-01"))

    root = write_curricula(tmp_path / "two")
    _edit_questions(root, "TS-01", lambda i, q: q.update(options=["1999", "2003", "2011", "2016"]) if i < 2 else None)
    assert not any("document symbol" in w for w in _warnings(root, "TS-01"))   # two of twelve is fine


def test_objectives_no_question_tests_are_reported(tmp_path):
    root = write_curricula(tmp_path)
    _edit_questions(root, "TS-01", lambda i, q: q.update(objectives=[1]))
    assert any("no question tests objective(s) 2" in w for w in _warnings(root, "TS-01"))
    _edit_questions(root, "TS-01", lambda i, q: q.update(objectives=[1 + i % 2]))
    assert not any("objective" in w for w in _warnings(root, "TS-01"))


def test_thin_lessons_wrong_minutes_and_dropped_content_are_reported(tmp_path):
    doc = module_doc("TS-01")
    doc["lessons"][0]["minutes"] = 45       # for a few dozen words
    root = write_curricula(tmp_path, modules=[doc, module_doc("TS-02", prerequisites=["TS-01"])])
    warnings = _warnings(root, "TS-01 lesson lesson-1")
    assert any("words; a lesson needs at least 1000" in w for w in warnings)
    assert any("raw HTML" in w for w in warnings)          # the factory's lessons hold a <script> element
    assert any("45 minutes does not match" in w for w in warnings)


def test_the_shipped_curricula_meet_every_content_rule():
    from trainer import ROOT
    from trainer.curricula.quality import lesson_words

    result = _load(ROOT / "curricula")
    assert not result.problems, "\n".join(map(str, result.problems))
    assert not result.warnings, "\n".join(map(str, result.warnings))
    assert len(result.modules) >= 20
    assert sum(len(m.lessons) for m in result.modules) >= 66
    assert sum(len(m.questions) for m in result.modules) >= 300
    for module in result.modules:
        assert not module.english_only, module.code
        for lesson in module.lessons:
            assert lesson_words(lesson.body_en) >= 1000 and lesson_words(lesson.body_fr) >= 1000, (module.code,
                                                                                                   lesson.slug)
