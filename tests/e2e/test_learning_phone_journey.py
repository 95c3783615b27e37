"""Real-browser journey on a phone (390 x 844): a trainee goes from the start page to their own readiness, to My
training, to a lesson and to the knowledge check, and no page scrolls sideways. The same journey in French shows
no English sentence of the learning and curricula catalogue outside text marked as English."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, browsing, e2e_login

PHONE = {"width": 390, "height": 844}
HUMAN_RIGHTS = ROOT / "curricula" / "packs" / "human-rights"
PART = ROOT / "translations" / "parts" / "learning-curricula.fr.po"
PROFILE = {"code": "TST-HR", "title": {"en": "Human rights basics", "fr": "Bases des droits de l'homme"},
           "audience": "military", "required_modules": ["HR-01", "HR-02"], "screening_required": True,
           "warning_days": 30}


@pytest.fixture
def phone(browser, request):
    with browsing(browser, request, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        yield page


def _seed(live_server, e2e_user, tmp_path: Path, language: str) -> int:
    from trainer.curricula.services import import_paths
    from trainer.extensions import db
    from trainer.learning.models import ModuleAssignment, ProfileAssignment
    from trainer.org.people import create_person
    from trainer.org.services import create_unit

    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "tst-hr.yaml").write_text(yaml.safe_dump(PROFILE, allow_unicode=True), encoding="utf-8")
    with live_server.app.app_context():
        report = import_paths(None, [str(HUMAN_RIGHTS), str(profiles)])
        assert report.ok, report.problems
        unit = create_unit(None, nation_code="FRA", code="FRA-B1", name="Bataillon 1", kind="battalion")
        person = create_person(None, {"nation": "FRA", "unit_id": unit.id, "service_number": "FR-1001",
                                      "family_name": "Martin", "given_names": "Claire", "rank_code": "OF-2",
                                      "national_rank": "Capitaine", "category": "military", "email": None,
                                      "screening": "cleared"}, start_on=dt.date(2024, 1, 1))
        db.session.add(ProfileAssignment(profile_code="TST-HR", unit_id=unit.id,
                                         due_on=dt.date.today() + dt.timedelta(days=45)))
        db.session.add(ModuleAssignment(module_code="HR-01", person_id=person.id,
                                        due_on=dt.date.today() + dt.timedelta(days=20)))
        db.session.commit()
        person_id = person.id
    user_id = e2e_user("trainee", "self", username="claire.martin", person=person_id)
    with live_server.app.app_context():
        from trainer.auth.models import User

        db.session.get(User, user_id).language = language
        db.session.commit()
    return person_id


def _no_sideways_scrolling(page) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def _open_menu_link(page, name) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("navigation", name=re.compile("Main navigation|Navigation principale")) \
        .get_by_role("link", name=name, exact=True).click()


def _answer_correctly(page, live_server) -> None:
    """Tick the right option of every drawn question (where the server's shuffle put it)."""
    from trainer.curricula.models import Question
    from trainer.extensions import db
    from trainer.learning.models import Attempt

    attempt_id = int(page.url.rstrip("/").split("/")[-1])
    with live_server.app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        answers = []
        for item in attempt.drawn:
            question = db.session.get(Question, item["question_id"])
            answers.append((question.id, item["order"].index(question.correct)))
        db.session.remove()
    for question_id, shown in answers:
        page.locator(f"#q-{question_id}-{shown}").check()


def _journey(page, live_server, person_id: int, language: str, seen: list) -> None:
    """Start page -> own readiness -> My training -> a lesson -> the knowledge check and its result."""
    french = language == "fr"
    e2e_login(page, live_server, "claire.martin")
    expect(page.locator("html")).to_have_attribute("lang", language)
    card = page.locator(".card", has_text="TST-HR")
    expect(card).to_contain_text("Pas prêt" if french else "Not ready")
    _no_sideways_scrolling(page)
    seen.append(("home", page))

    # The readiness page is checked for width only: its words are the readiness domain's.
    _open_menu_link(page, "État de préparation" if french else "Readiness")
    expect(page).to_have_url(re.compile(rf"/readiness/people/{person_id}$"))
    _no_sideways_scrolling(page)

    _open_menu_link(page, "Ma formation" if french else "My training")
    expect(page.get_by_role("heading", name="Ma formation" if french else "My training")).to_be_visible()
    readiness = page.get_by_role("region", name="Mon état de préparation aujourd'hui" if french
                                 else "My readiness today")
    expect(readiness).to_contain_text("TST-HR")
    _no_sideways_scrolling(page)
    seen.append(("my training", page))

    page.get_by_role("link", name=re.compile("HR-01")).first.click()
    expect(page.locator("h1")).to_contain_text("HR-01")
    expect(page.get_by_text("Anglais et français" if french else "English and French")).to_be_visible()
    _no_sideways_scrolling(page)
    seen.append(("module", page))

    page.locator(".module-lessons a").first.click()
    expect(page.locator("article.lesson-body h1")).to_be_visible()
    _no_sideways_scrolling(page)
    seen.append(("lesson", page))
    page.get_by_role("button", name="Marquer comme lue et passer à la leçon suivante" if french
                     else "Mark as read and go to the next lesson").click()
    expect(page.get_by_role("status")).to_contain_text("Leçon marquée comme lue" if french else "Lesson marked as read")

    page.get_by_role("navigation", name="Fil d'Ariane" if french else "Breadcrumb").get_by_role(
        "link", name="HR-01").click()
    page.get_by_role("button", name="Passer le contrôle des connaissances" if french
                     else "Take the knowledge check").click()
    expect(page.locator("h1")).to_contain_text("Contrôle des connaissances" if french else "Knowledge check")
    _no_sideways_scrolling(page)
    seen.append(("knowledge check", page))

    _answer_correctly(page, live_server)
    page.get_by_role("button", name="Soumettre les réponses" if french else "Submit answers").click()
    expect(page.get_by_role("status").filter(has_text="Réussi" if french else "Passed")).to_be_visible()
    _no_sideways_scrolling(page)
    seen.append(("result", page))


def test_a_trainee_goes_from_home_to_the_knowledge_check_on_a_phone(phone, live_server, e2e_user, tmp_path):
    person_id = _seed(live_server, e2e_user, tmp_path, "en")
    _journey(phone, live_server, person_id, "en", [])


# --- in French -----------------------------------------------------------------------------

def _english_sentences() -> list[tuple[str, re.Pattern]]:
    """The catalogue's English messages whose French differs, as patterns over visible text (placeholders match
    anything, markup is dropped)."""
    with PART.open("rb") as fh:
        catalogue = read_po(fh)
    patterns = []
    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for english in ids:
            if english in strings:
                continue
            text = " ".join(re.sub(r"<[^>]+>", "", english).split())
            parts = [re.escape(part) for part in re.split(r"%\(\w+\)[sd]", text)]
            body = r".{1,80}?".join(parts)
            if not re.search(r"[A-Za-z]{2}", text):
                continue
            patterns.append((english, re.compile(rf"(?<![\w]){body}(?![\w])")))
    return patterns


# Visible text of a page, leaving out what is marked as English (content without French, source titles) and
# the language switcher (each language names itself).
VISIBLE_TEXT = """() => {
  const root = document.body.cloneNode(true);
  root.querySelectorAll('[lang]:not([lang="fr"]), script, style, .language-switcher').forEach(e => e.remove());
  return root.innerText.replace(/\\s+/g, ' ');
}"""


def test_the_same_journey_in_french_shows_no_english_sentence_of_the_catalogue(phone, live_server, e2e_user,
                                                                               tmp_path):
    person_id = _seed(live_server, e2e_user, tmp_path, "fr")
    sentences = _english_sentences()
    assert len(sentences) > 200
    found = {}

    class Recorder(list):
        def append(self, item):
            name, page = item
            text = page.evaluate(VISIBLE_TEXT)
            hits = [english for english, pattern in sentences if pattern.search(text)]
            if hits:
                found[name] = hits

    _journey(phone, live_server, person_id, "fr", Recorder())
    assert not found, f"English on French pages: {found}"
