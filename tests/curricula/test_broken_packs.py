"""The catalogue of broken packs: each is rejected with the right file and line, and nothing is imported."""
from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select

from tests.curricula.factories import module_doc, write_curricula, write_yaml


def problems_for(root):
    from trainer.curricula.loader import load_curricula

    return load_curricula([str(root)]).problems


def assert_rejected(app, db, root, file_suffix: str, line: int | None, words: str):
    """Validation names the file (and line) and the import writes nothing."""
    from trainer.curricula.models import Module, ReadinessProfile
    from trainer.curricula.services import import_paths

    problems = problems_for(root)
    matching = [p for p in problems if p.file.endswith(file_suffix) and words in p.message]
    assert matching, f"expected a problem in {file_suffix} about {words!r}; got {[str(p) for p in problems]}"
    if line is not None:
        assert matching[0].line == line, str(matching[0])
    report = import_paths(None, [str(root)])
    assert not report.ok
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Module)) == 0
    assert db.session.scalar(select(func.count()).select_from(ReadinessProfile)) == 0


def test_the_valid_fixture_is_clean(pack_root):
    assert problems_for(pack_root) == []


@pytest.fixture
def malformed_yaml(pack_root):
    path = pack_root / "packs/test/TS-01/module.yaml"
    lines = path.read_text().splitlines()
    lines.insert(3, "summary: [unclosed")  # line 4
    path.write_text("\n".join(lines) + "\n")
    return pack_root


def test_malformed_yaml(app, db, malformed_yaml):
    from trainer.curricula.loader import load_curricula

    problem = next(p for p in load_curricula([str(malformed_yaml)]).problems if "YAML error" in p.message)
    assert problem.file.endswith("packs/test/TS-01/module.yaml")
    assert problem.line is not None and 4 <= problem.line <= 6
    assert_rejected(app, db, malformed_yaml, "TS-01/module.yaml", None, "YAML error")


@pytest.fixture
def missing_field(tmp_path):
    doc = module_doc("TS-01")
    del doc["pass_mark"]
    return write_curricula(tmp_path / "c", modules=[doc, module_doc("TS-02", prerequisites=["TS-01"])])


def test_missing_field(app, db, missing_field):
    # A missing key has no line of its own: the problem points at the mapping that lacks it (line 1).
    assert_rejected(app, db, missing_field, "TS-01/module.yaml", 1, "missing required field 'pass_mark'")


@pytest.fixture
def answer_out_of_range(pack_root):
    path = pack_root / "packs/test/TS-02/questions.yaml"
    questions = yaml.safe_load(path.read_text())
    questions[2]["answer"] = "E"
    write_yaml(path, questions)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "answer: E")
    return pack_root, line


def test_answer_out_of_range(app, db, answer_out_of_range):
    root, line = answer_out_of_range
    assert_rejected(app, db, root, "TS-02/questions.yaml", line, "answer must be one of A, B, C or D")


@pytest.fixture
def duplicate_code(tmp_path):
    root = write_curricula(tmp_path / "c")
    # A second pack that defines TS-01 again.
    other = tmp_path / "c" / "packs" / "other"
    write_yaml(other / "pack.yaml", {"code": "OTH", "title": "Other", "modules": ["TS-01"],
                                     "sources": {"S1": "Source"}})
    from tests.curricula.factories import write_module

    write_module(other, module_doc("TS-01"))
    return root


def test_duplicate_code(app, db, duplicate_code):
    assert_rejected(app, db, duplicate_code, "TS-01/module.yaml", 1, "module code TS-01 is already used")


@pytest.fixture
def cyclic_prerequisites(tmp_path):
    return write_curricula(tmp_path / "c", modules=[module_doc("TS-01", prerequisites=["TS-02"]),
                                                     module_doc("TS-02", prerequisites=["TS-01"])])


def test_cyclic_prerequisites(app, db, cyclic_prerequisites):
    problems = problems_for(cyclic_prerequisites)
    cycle = next(p for p in problems if "cycle" in p.message)
    assert "TS-01 -> TS-02 -> TS-01" in cycle.message
    line = next(i for i, t in enumerate((cyclic_prerequisites / "packs/test/TS-01/module.yaml").read_text().splitlines(), 1)
                if t.startswith("prerequisites:"))
    assert_rejected(app, db, cyclic_prerequisites, "TS-01/module.yaml", line, "prerequisites form a cycle")


@pytest.fixture
def profile_with_unknown_module(tmp_path):
    from tests.curricula.factories import PROFILE

    return write_curricula(tmp_path / "c", profile={**PROFILE, "required_modules": ["TS-01", "XX-99"]})


def test_profile_naming_an_unknown_module(app, db, profile_with_unknown_module):
    line = next(i for i, t in enumerate((profile_with_unknown_module / "profiles/test.yaml").read_text().splitlines(), 1)
                if t.startswith("required_modules:"))
    assert_rejected(app, db, profile_with_unknown_module, "profiles/test.yaml", line, "requires XX-99")


@pytest.fixture
def oversized_file(pack_root):
    path = pack_root / "packs/test/TS-01/lessons/02-lesson.md"
    path.write_text("A long lesson. " * 20000)  # about 300 KB
    return pack_root


def test_oversized_file(app, db, oversized_file):
    assert_rejected(app, db, oversized_file, "TS-01/lessons/02-lesson.md", None, "larger than 256 KiB")


@pytest.fixture
def alias_bomb(pack_root):
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        bomb.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    (pack_root / "profiles/bomb.yaml").write_text("\n".join(bomb) + "\n")
    return pack_root


def test_yaml_alias_bomb(app, db, alias_bomb):
    assert_rejected(app, db, alias_bomb, "profiles/bomb.yaml", 1, "anchors and aliases")


def test_a_plain_alias_is_refused_too(tmp_path):
    from trainer.curricula.loader import parse_yaml

    problems = []
    parse_yaml("x: 1\ny: &anchor 2\nz: *anchor\n", "f.yaml", problems)
    assert problems and problems[0].line == 2 and "aliases" in problems[0].message


@pytest.fixture
def same_version_changed_content(app, db, pack_root):
    """TS-01 1.0 is imported; then its pass mark changes but its version does not."""
    from trainer.curricula.services import import_paths

    assert import_paths(None, [str(pack_root)]).ok
    db.session.commit()
    path = pack_root / "packs/test/TS-01/module.yaml"
    path.write_text(path.read_text().replace("pass_mark: 80", "pass_mark: 70"))
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if t.startswith("version:"))
    return pack_root, line


def test_same_version_with_changed_content(app, db, same_version_changed_content):
    from trainer.curricula.models import Module
    from trainer.curricula.services import import_paths

    root, line = same_version_changed_content
    before = db.session.scalars(select(Module.content_hash).order_by(Module.id)).all()
    report = import_paths(None, [str(root)])
    db.session.rollback()
    problem = next(p for p in report.problems if "already imported with different content" in p.message)
    assert problem.file.endswith("TS-01/module.yaml") and problem.line == line
    assert db.session.scalars(select(Module.content_hash).order_by(Module.id)).all() == before
    assert db.session.scalar(select(Module.pass_mark).where(Module.code == "TS-01")) == 80


def test_the_same_module_twice_with_different_content_in_one_set_is_refused(tmp_path):
    """Across packs in one validation: the second definition of a code is reported at its own file."""
    from trainer.curricula.loader import load_curricula

    first = write_curricula(tmp_path / "a")
    second = write_curricula(tmp_path / "b", modules=[module_doc("TS-01", per_attempt=6)])
    problems = load_curricula([str(first), str(second)]).problems
    assert any("module code TS-01 is already used" in p.message and "/b/" in p.file for p in problems)


@pytest.mark.parametrize("change, words", [
    (lambda q: q[0].update(options=q[0]["options"][:3]), "exactly 4 options"),
    (lambda q: q[0].update(source="S99"), "not in the pack's source register"),
    (lambda q: q[1].update(id=q[0]["id"]), "is used twice"),
    (lambda q: q[0].update(source=" "), "source is empty"),                        # answered 500 on upload
    (lambda q: q[0].update(source=""), "source is empty"),
    (lambda q: q[0].update(id="Q" * 41), "1 to 40 characters on one line"),     # longer than the column
    (lambda q: q[0].update(id="TS-01-Q01\n"), "1 to 40 characters on one line"),
])
def test_question_bank_checks(app, db, pack_root, change, words):
    path = pack_root / "packs/test/TS-01/questions.yaml"
    questions = yaml.safe_load(path.read_text())
    change(questions)
    write_yaml(path, questions)
    assert_rejected(app, db, pack_root, "TS-01/questions.yaml", None, words)


@pytest.mark.parametrize("field, value", [("version", "1.0\n"), ("code", "TS-01\n")])
def test_a_code_or_version_with_a_trailing_line_break_is_refused(app, db, pack_root, field, value):
    """`$` matches before a final line break: "1.0\\n" was imported beside "1.0" as a second version 1.0."""
    path = pack_root / "packs/test/TS-01/module.yaml"
    module = yaml.safe_load(path.read_text())
    module[field] = value
    write_yaml(path, module)
    assert_rejected(app, db, pack_root, "TS-01/module.yaml", None, "is not valid")


def test_a_lesson_slug_longer_than_its_column_is_refused(app, db, pack_root):
    path = pack_root / "packs/test/TS-01/module.yaml"
    module = yaml.safe_load(path.read_text())
    module["lessons"][0]["slug"] = "a" * 81
    write_yaml(path, module)
    assert_rejected(app, db, pack_root, "TS-01/module.yaml", None, "at most 80 characters")


def test_more_questions_per_attempt_than_the_bank_holds(app, db, tmp_path):
    root = write_curricula(tmp_path / "c", modules=[module_doc("TS-01", questions=4, per_attempt=5),
                                                    module_doc("TS-02")])
    assert_rejected(app, db, root, "TS-01/module.yaml", None, "bank has only 4 questions")


def test_missing_lesson_file_and_unknown_lesson_source(app, db, pack_root):
    (pack_root / "packs/test/TS-02/lessons/03-lesson.md").unlink()
    path = pack_root / "packs/test/TS-01/module.yaml"
    path.write_text(path.read_text().replace("- S1", "- S7", 1))
    problems = problems_for(pack_root)
    assert any("03-lesson.md does not exist" in p.message and p.file.endswith("TS-02/module.yaml") for p in problems)
    assert any("source 'S7' is not in the pack's source register" in p.message for p in problems)
    assert_rejected(app, db, pack_root, "TS-02/module.yaml", None, "does not exist")


def test_an_exercise_type_outside_hseep_is_refused(app, db, tmp_path):
    from tests.curricula.factories import PROFILE

    root = write_curricula(tmp_path / "c", profile={**PROFILE, "exercise": {"types": ["CPX"], "within_months": 12,
                                                                           "min_outcome": "M"}})
    problems = problems_for(root)
    assert any("'CPX' is not an HSEEP type" in p.message for p in problems)
    assert any("min_outcome must be P or S" in p.message for p in problems)
