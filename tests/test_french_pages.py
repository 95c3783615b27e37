"""Signed in with French chosen, each role's daily pages (on the demo data) are in French: `<html lang="fr">`, and
no English sentence of the French catalogue in their visible text or the attributes a user reads, outside parts
marked as another language (`lang="en"` content, names). The browser journey (tests/e2e/test_french_journey.py)
walks one trainee's path through lesson, check and certificate; this walks the pages of every role."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.catalogue import english_patterns
from tests.conftest import PASSWORD, login
from tests.demo_pages import demo_ids

CATALOGUE = Path(__file__).resolve().parents[1] / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

PAGES = {
    None: ["/login", "/verify", "/verify/{serial}", "/verify/keys"],   # a visitor whose browser asks for French
    "trainee": ["/", "/learning/", "/curricula/modules/{module}", "/learning/modules/{module}/lessons/{lesson}",
                "/readiness/people/{own_person}", "/certificates/", "/exercises/", "/notifications", "/account"],
    "officer": ["/", "/personnel", "/personnel/{person}", "/units", "/units/{unit}", "/learning/assign",
                "/learning/matrix", "/learning/attention", "/learning/sessions", "/exercises/",
                "/exercises/{exercise}", "/exercises/{exercise}/participants", "/exercises/{exercise}/msel",
                "/exercises/{exercise}/objectives", "/exercises/{exercise}/milestones", "/exercises/new",
                "/curricula/", "/curricula/profiles/UN-PDT-MIL"],
    "commander": ["/", "/readiness/", "/readiness/units/{unit}", "/readiness/people/{person}",
                  "/readiness/deployments", "/certificates/", "/certificates/{certificate}", "/certificates/bulk",
                  "/certificates/person/{person}"],
    "evaluator": ["/", "/assessments/", "/assessments/exercises/{exercise}"],
    "admin": ["/", "/admin/users", "/admin/nations", "/admin/audit/", "/admin/audit/verify"],
}


class VisibleText(HTMLParser):
    """The text a French reader sees: leaves out scripts, styles, the language switcher (each language names
    itself) and every element marked as being in another language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []
        self.lang = ""

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang") or ""
        hidden = (self._hidden() or tag in ("script", "style", "template")
                  or (attrs.get("lang") not in (None, "fr") and tag != "html")
                  or "language-switcher" in (attrs.get("class") or "").split())
        if not hidden:
            self.parts.extend(attrs[name] for name in READ_ATTRIBUTES if attrs.get(name))
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


@pytest.fixture
def demo_in_french(app, db):
    from trainer.auth.models import User
    from trainer.auth.services import AuthSettings
    from trainer.demo import services as demo_services

    demo_services.seed("small", PASSWORD, AuthSettings.from_config(app.config))
    db.session.execute(update(User).values(language="fr"))
    db.session.commit()
    return demo_ids(db)


def test_every_roles_pages_are_wholly_french_when_french_is_chosen(app, client, demo_in_french):
    sentences = english_patterns([CATALOGUE], min_words=2, placeholder=r"%\(\w+\)[sd]|%[sd]")
    assert len(sentences) > 1000   # the check has the whole catalogue to look for
    found: dict[str, list[str]] = {}
    for username, paths in PAGES.items():
        client.get("/logout")
        if username is not None:
            assert login(client, username).status_code == 302
        for path in paths:
            url = path.format(**demo_in_french)
            response = client.get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
            assert response.status_code == 200, f"{username} {url}: {response.status_code}"
            parser = VisibleText()
            parser.feed(response.get_data(as_text=True))
            assert parser.lang == "fr", f"{username} {url} is lang={parser.lang!r}"
            hits = [english for english, pattern in sentences if pattern.search(parser.text)]
            if hits:
                found[f"{username} {url}"] = hits
    assert not found, f"English sentences of the catalogue on French pages: {found}"


def test_country_names_are_french_on_the_exercise_and_readiness_pages(app, client, db, demo_in_french):
    """The stored names are English ("China"); the pages name countries as the reader's language does, as the
    organisation pages already did."""
    import re

    from trainer.org.labels import nation_name
    from trainer.org.models import Nation

    stored = {n.code: n.name for n in db.session.query(Nation).filter(Nation.active.is_(True))}
    with app.test_request_context():
        french = {code: nation_name(code, "fr", fallback=name) for code, name in stored.items()}
    differing = {code for code in stored if french[code] != stored[code]}
    assert differing, "the demo has no nation whose French name differs"
    for username, path in (("officer", "/exercises/"), ("officer", "/exercises/new"),
                           ("commander", "/readiness/")):
        client.get("/logout")
        assert login(client, username).status_code == 302
        page = client.get(path).get_data(as_text=True)
        shown = set(re.findall(r"\b([A-Z]{3}) — ([^<\n]+)", page))
        named = {(code, name.strip()) for code, name in shown if code in differing}
        assert named, f"{path}: no nation with a French name is listed"
        assert all(name == french[code] for code, name in named), (path, named)
