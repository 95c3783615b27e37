"""Real-browser journey on a phone (390 x 844): a trainee goes from the start page to their own readiness, to My
training, to a lesson and to the knowledge check, and no page scrolls sideways. The same journey in French shows
no English sentence of the learning and curricula catalogue outside text marked as English."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.catalogue import english_patterns
from tests.e2e.conftest import ROOT, answer_correctly, browsing, e2e_login, seed_trainee, visible_text_script

PHONE = {"width": 390, "height": 844}
PART = ROOT / "translations" / "parts" / "learning-curricula.fr.po"
PROFILE = {"code": "TST-HR", "title": {"en": "Human rights basics", "fr": "Bases des droits de l'homme"},
           "audience": "military", "required_modules": ["HR-01", "HR-02"], "screening_required": True,
           "warning_days": 30}


@pytest.fixture
def phone(browser, request):
    with browsing(browser, request, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        yield page


def _seed(live_server, e2e_user, tmp_path: Path, language: str) -> int:
    person_id = seed_trainee(live_server, tmp_path, PROFILE,
                             {"nation_code": "FRA", "code": "FRA-B1", "name": "Bataillon 1"},
                             {"service_number": "FR-1001", "family_name": "Martin", "given_names": "Claire",
                              "rank_code": "OF-2", "national_rank": "Capitaine"})
    e2e_user("trainee", "self", username="claire.martin", person=person_id, language=language)
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

    answer_correctly(page, live_server)
    page.get_by_role("button", name="Soumettre les réponses" if french else "Submit answers").click()
    expect(page.get_by_role("status").filter(has_text="Réussi" if french else "Passed")).to_be_visible()
    _no_sideways_scrolling(page)
    seen.append(("result", page))


def test_a_trainee_goes_from_home_to_the_knowledge_check_on_a_phone(phone, live_server, e2e_user, tmp_path):
    person_id = _seed(live_server, e2e_user, tmp_path, "en")
    _journey(phone, live_server, person_id, "en", [])


# --- in French -----------------------------------------------------------------------------

def test_the_same_journey_in_french_shows_no_english_sentence_of_the_catalogue(phone, live_server, e2e_user,
                                                                               tmp_path):
    person_id = _seed(live_server, e2e_user, tmp_path, "fr")
    sentences = english_patterns([PART])
    assert len(sentences) > 200
    found = {}

    class Recorder(list):
        def append(self, item):
            name, page = item
            text = page.evaluate(visible_text_script("fr"))
            hits = [english for english, pattern in sentences if pattern.search(text)]
            if hits:
                found[name] = hits

    _journey(phone, live_server, person_id, "fr", Recorder())
    assert not found, f"English on French pages: {found}"
