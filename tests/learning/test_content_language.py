"""Which language a module is in is shown before it is started; a French reader reads the French, and a part
that has no French is shown in English marked lang="en" with a notice; one meaning per progress bar."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import login
from tests.curricula.factories import PROFILE, module_doc, write_curricula

HUMAN_RIGHTS = Path(__file__).resolve().parents[2] / "curricula" / "packs" / "human-rights"


def english_only(code: str) -> dict:
    doc = module_doc(code)
    doc.update(title=f"Module {code}", objectives=["Know the first thing.", "Know the second thing."])
    return doc


@pytest.fixture
def both_packs(app, db, tmp_path):
    """A pack of English-only modules (one with a French title) and the human-rights pack (English and French)."""
    from trainer.curricula.services import import_paths

    modules = [english_only("EN-01"), module_doc("TS-01")]
    profile = {**PROFILE, "required_modules": ["EN-01", "TS-01"]}
    report = import_paths(None, [str(write_curricula(tmp_path / "c", modules=modules, profile=profile)),
                                 str(HUMAN_RIGHTS)])
    assert report.ok, report.problems
    db.session.commit()


def _reader(db, make_user, make_person, language, username):
    user = make_user("trainee", "self", person=make_person(), username=username)
    user.language = language
    db.session.commit()
    return user


def _row(html: str, code: str) -> str:
    return next(row for row in html.split("<tr>") if f">{code}</td>" in row)


def test_the_catalogue_and_the_module_page_say_which_languages_a_module_is_in(client, db, both_packs, make_user,
                                                                              make_person):
    _reader(db, make_user, make_person, "en", "t.catalogue")
    login(client, "t.catalogue")
    catalogue = client.get("/curricula/").get_data(as_text=True)
    assert "English only" in _row(catalogue, "EN-01")
    assert "English; French in part" in _row(catalogue, "TS-01")
    assert "English and French" in _row(catalogue, "HR-01")
    assert "English only" in client.get("/curricula/modules/EN-01").get_data(as_text=True)
    assert "English and French" in client.get("/curricula/modules/HR-01").get_data(as_text=True)


def test_a_french_reader_is_told_when_a_module_is_only_in_english_and_its_text_is_marked(
        client, db, both_packs, make_user, make_person):
    _reader(db, make_user, make_person, "fr", "t.fr")
    login(client, "t.fr")
    module = client.get("/curricula/modules/EN-01").get_data(as_text=True)
    assert '<html lang="fr"' in module and 'role="note"' in module
    assert '<span lang="en">Module EN-01</span>' in module
    partly = client.get("/curricula/modules/TS-01").get_data(as_text=True)
    assert 'role="note"' in partly
    assert '<span lang="en">What TS-01 teaches.</span>' in partly        # no French summary: marked English
    assert "Module TS-01 (fr)" in partly and '<span lang="en">Module TS-01' not in partly   # French title used
    lesson = client.get("/learning/modules/TS-01/lessons/lesson-1").get_data(as_text=True)
    assert 'role="note"' in lesson
    body = lesson.split('<div lang="en">', 1)[1]
    assert "The content of lesson-1" in body.split("</div>", 1)[0]

    start = client.post("/learning/modules/TS-01/check")
    check = client.get(start.headers["Location"]).get_data(as_text=True)
    assert 'role="note"' in check and '<span lang="en">Question' in check


def test_a_french_reader_of_a_french_module_reads_french_without_english_marks(client, db, both_packs, make_user,
                                                                                make_person):
    _reader(db, make_user, make_person, "fr", "t.fr2")
    login(client, "t.fr2")
    module = client.get("/curricula/modules/HR-01").get_data(as_text=True)
    lesson = client.get("/learning/modules/HR-01/lessons/which-law-binds-you").get_data(as_text=True)
    for page in (module, lesson.split('id="lesson-sources"')[0]):     # (the sources' titles are English)
        assert 'lang="en"' not in page.split("<main", 1)[1].split("</main>", 1)[0]
        assert 'role="note"' not in page


def test_a_passed_module_shows_its_lessons_read_not_a_full_bar(client, db, curricula_loaded, make_person, make_user):
    from trainer.curricula.services import get_module
    from trainer.db import utc_today
    from trainer.learning.services import record_completion

    person = make_person()
    make_user("trainee", "self", person=person, username="t.classroom")
    record_completion(None, person, get_module("TS-01"), method="classroom", completed_on=utc_today())
    db.session.commit()
    login(client, "t.classroom")
    row = _row_of(client.get("/learning/").get_data(as_text=True), "TS-01")
    assert "Passed" in row and "0 of 3 lessons read" in row
    assert '<progress max="3" value="0" aria-label="Lessons of TS-01 read">' in row
    assert 'value="100"' not in row


def _row_of(html: str, code: str) -> str:
    return next(row for row in html.split("<tr>") if f'<span class="mono">{code}</span>' in row)


def test_the_catalogue_reads_a_module_versions_lessons_once_and_shows_a_new_version_at_once(
        client, db, both_packs, make_user, make_person, tmp_path, count_queries):
    """A module version's lessons and questions never change once imported, so the catalogue reads them once;
    a new version is a new row and is read when it first appears."""
    from trainer.curricula.services import import_paths

    _reader(db, make_user, make_person, "en", "t.versions")
    login(client, "t.versions")
    assert "English only" in _row(client.get("/curricula/").get_data(as_text=True), "EN-01")
    with count_queries() as again:
        client.get("/curricula/")
    assert not [s for s in again.statements if " lessons" in s or " questions" in s]

    newer = module_doc("EN-01", version="1.1")
    newer["lessons"] = newer["lessons"][:2]
    report = import_paths(None, [str(write_curricula(tmp_path / "n", modules=[newer],
                                                     profile={**PROFILE, "required_modules": ["EN-01"]}))])
    assert report.ok, report.problems
    db.session.commit()
    row = _row(client.get("/curricula/").get_data(as_text=True), "EN-01")
    assert "English; French in part" in row and "2 · 20 min" in row and "1.1" in row
