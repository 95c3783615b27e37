"""French, in a real browser: a trainee whose account is in French reads a lesson of HR-01, passes its knowledge
check, and downloads the readiness certificate a commander (also working in French) issues to them through the
issue page, after confirming that a police profile is meant for this soldier; the certificate PDF is in English
and French. Every page is `lang="fr"`, shows none of the English sentences of the French catalogue outside parts
marked as English (`lang="en"`, which the page then says are in English), and scrolls no wider than a 390 px
phone."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from tests.catalogue import english_patterns
from tests.e2e.conftest import PASSWORD, ROOT, LanguageCheck, answer_correctly, e2e_sign_out, seed_trainee

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    expect = None

PARTS = sorted((ROOT / "translations" / "parts").glob("*.fr.po"))
# A profile meant for police given to a military unit: issuing warns and asks to confirm.
PROFILE = {"code": "TST-FR", "title": {"en": "Human rights, police individual",
                                       "fr": "Droits de l'homme, policier individuel"},
           "audience": "police", "required_modules": ["HR-01"], "screening_required": True, "warning_days": 30}

# Blocks of content shown in English (a lesson or summary without French), as opposed to titles of English
# sources and names, which are marked lang="en" too but need no notice.
ENGLISH_BLOCKS = """() => [...document.body.querySelectorAll('div[lang="en"], p[lang="en"], section[lang="en"]')]
  .filter(e => !e.closest('.language-switcher') && e.innerText.trim()).length"""
PAGE_TEXT = """() => {
  const root = document.body.cloneNode(true);
  root.querySelectorAll('[lang]:not([lang="fr"]), script, style, .language-switcher').forEach(e => e.remove());
  return root.innerText;
}"""


class Checker(LanguageCheck):
    """Checks each page: French, no English sentence of the catalogue, English parts marked and announced, and
    no sideways scrolling on a phone."""

    def __init__(self, page):
        super().__init__(page, "fr", "French", english_patterns(PARTS, min_words=2), at_least=500)

    def __call__(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.read(name)
        if page.evaluate(ENGLISH_BLOCKS):
            assert re.search(r"\ben anglais\b|\banglais\b", page.evaluate(PAGE_TEXT)), \
                f"{name}: {page.url} shows a part in English without saying so"
        size = page.viewport_size
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(100)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= 390, f"{name}: {page.url} is {scroll} px wide on a 390 px phone"
        page.set_viewport_size(size)


def _seed(live_server, e2e_user, tmp_path: Path) -> int:
    person_id = seed_trainee(live_server, tmp_path, PROFILE,
                             {"nation_code": "SEN", "code": "SEN-B1", "name": "1er bataillon sénégalais"},
                             {"service_number": "SN-40117", "family_name": "Diagne", "given_names": "Awa",
                              "family_name_latin": "Diagne", "given_names_latin": "Awa", "rank_code": "OF-1",
                              "national_rank": "Lieutenant"})
    e2e_user("trainee", "self", username="awa.diagne", person=person_id, language="fr")
    e2e_user("commander", "nation", nation="SEN", username="commandant.sen", language="fr")
    return person_id


def _sign_in(page, live_server, username: str) -> None:
    """Sign in through the form, whichever language it is shown in."""
    page.goto(f"{live_server.url}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action$='/login'] [type=submit]").click()
    page.wait_for_load_state("load")
    assert "/login" not in page.url, f"sign-in as {username!r} failed"


def test_a_trainee_trains_in_french_and_downloads_a_bilingual_certificate(page, live_server, e2e_user, tmp_path):
    person_id = _seed(live_server, e2e_user, tmp_path)
    check = Checker(page)

    # The trainee reads a lesson and passes the knowledge check, in French.
    _sign_in(page, live_server, "awa.diagne")
    check("start")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Ma formation",
                                                                            exact=True).click()
    expect(page.get_by_role("heading", name="Ma formation", exact=True)).to_be_visible()
    check("my-training")
    page.get_by_role("link", name=re.compile("HR-01")).first.click()
    expect(page.locator("h1")).to_contain_text("HR-01")
    check("module")
    page.locator(".module-lessons a").first.click()
    expect(page.locator("article.lesson-body h1")).to_be_visible()
    expect(page.locator("article.lesson-body div[lang='en']")).to_have_count(0)  # HR-01 is written in French
    check("lesson")
    page.get_by_role("button", name="Marquer comme lue et passer à la leçon suivante").click()
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name="HR-01").click()
    page.get_by_role("button", name="Passer le contrôle des connaissances").click()
    check("knowledge-check")
    answer_correctly(page, live_server)
    page.get_by_role("button", name="Soumettre les réponses").click()
    expect(page.get_by_role("status").filter(has_text="Réussi")).to_be_visible()
    check("knowledge-check-result")
    e2e_sign_out(page, "Se déconnecter", sign_in_name=None)

    # A commander issues the certificate through the issue page, in French.
    _sign_in(page, live_server, "commandant.sen")
    page.goto(f"{live_server.url}/certificates/person/{person_id}")
    check("person-certificates")
    page.get_by_role("link", name="Délivrer un certificat").click()
    page.get_by_label("Profil de préparation").select_option("TST-FR")
    check("issue")
    page.get_by_role("button", name="Délivrer le certificat").click()
    warnings = page.locator(".cert-warnings")
    expect(warnings).to_contain_text("Avant de délivrer ce certificat")
    expect(warnings).to_contain_text("TST-FR est destiné au personnel de la catégorie « Police », et Awa Diagne "
                                     "relève de la catégorie « Militaire »")
    check("issue-warnings")
    page.get_by_label("J'ai lu ces avertissements et je délivre le certificat malgré tout").check()
    page.get_by_role("button", name="Délivrer le certificat").click()
    expect(page.get_by_text(re.compile(r"Certificat .* délivré\."))).to_be_visible()
    serial = page.locator("h1 .font-monospace").inner_text().strip()
    check("certificate-commander")
    e2e_sign_out(page, "Se déconnecter", sign_in_name=None)

    # The trainee finds it under Certificates and downloads the PDF, in English and French.
    _sign_in(page, live_server, "awa.diagne")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Certificats").click()
    expect(page.get_by_role("link", name=serial)).to_be_visible()
    check("certificates")
    page.get_by_role("link", name=serial).click()
    check("certificate")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    pdf = tmp_path / "certificate.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "READINESS CERTIFICATE" in lines and "CERTIFICAT DE PRÉPARATION" in lines
    assert "Awa Diagne" in lines and serial in lines
    for label in ("Rank / Grade", "Issued / Délivré le", "Valid until / Valable jusqu'au", "Serial / N° de série"):
        assert label in lines, label
    assert dt.date.today().isoformat() in lines  # the issue date, as ISO 8601 (the same in both languages)

    # Its public verify page answers in French too.
    page.get_by_role("link", name="Page publique de vérification").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("est valable")
    check("verify")

    check.no_english()


@pytest.fixture
def live_server_config():
    return {"LANGUAGES": "en,fr"}
