"""Real-browser fixtures: the app served over HTTP from a thread, and Playwright driving Chromium.

- `live_server`: a fresh app per test on a file-based SQLite database built through the migrations,
  with CSRF protection on (a real browser posts real forms), served on 127.0.0.1:<free port>.
  It has `.url` and `.app`; seed data with `with live_server.app.app_context(): ...` and commit.
- `browser`: one headless Chromium for the run (the Debian `chromium` package; Playwright never
  downloads a browser of its own).
- `page`: a new browser context and page per test (default timeout 10 s); a screenshot is saved to
  `test-artifacts/` when the test fails.
- `e2e_login(page, live_server, username, password)`: signs in through the login form.

Without CI=true a missing Chromium (or Playwright) skips these tests with a message; with CI=true
it fails them.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import (BASE_CONFIG, IN_CI, PASSWORD,  # noqa: F401  (PASSWORD re-exported for journeys)
                            TEMPLATE_BYTECODE, own_instance, own_sqlite_copy, sqlite_template)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

# Never let Playwright fetch a browser build: only the system Chromium is used.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def _missing(message: str):
    if IN_CI:
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(f"{message}: skipping the real-browser tests")


def chromium_path() -> str | None:
    explicit = os.environ.get("TRAINER_CHROMIUM")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


# --- the served app ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def e2e_template(tmp_path_factory):
    """A SQLite file with the schema built once through the migrations; each test copies it."""
    folder = tmp_path_factory.mktemp("e2e-template")
    return sqlite_template(folder, folder / "instance")


@dataclass
class LiveServer:
    url: str
    app: object
    server: object
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture
def live_server_config():
    """Override in a journey module to change the served app's settings."""
    return {}


@pytest.fixture
def live_server(e2e_template, tmp_path, live_server_config):
    from werkzeug.serving import make_server

    from trainer import create_app
    from trainer.extensions import db

    config = {**BASE_CONFIG, "TESTING": False, "WTF_CSRF_ENABLED": True,
              "SQLALCHEMY_DATABASE_URI": own_sqlite_copy(e2e_template, tmp_path, "live.db"),
              "INSTANCE_PATH": own_instance(tmp_path), **live_server_config}
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    config_url = f"http://127.0.0.1:{port}"
    app.config["PUBLIC_URL"] = config_url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    live = LiveServer(url=config_url, app=app, server=server, thread=thread)
    try:
        yield live
    finally:
        live.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        _missing("Chromium not found (install Debian's `chromium` package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
    manager = sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - report why the browser did not start
        manager.stop()
        _missing(f"Chromium at {executable} did not start: {exc}")
    try:
        yield launched
    finally:
        launched.close()
        manager.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# Nothing may be loaded from another host: any such request is aborted, so that the test notices.
ONLY_THIS_HOST = re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:|about:).*")


@contextlib.contextmanager
def browsing(browser, request=None, *, navigation_timeout: int | None = None, **options):
    """One page in a new browser context kept to this host, in British English and UTC, without service workers
    (`options` add to the context's). With the test's `request`, a failed test leaves its screenshot and HTML
    in test-artifacts."""
    context = browser.new_context(locale="en-GB", timezone_id="UTC", service_workers="block", **options)
    context.set_default_timeout(10_000)
    if navigation_timeout is not None:
        context.set_default_navigation_timeout(navigation_timeout)
    context.route(ONLY_THIS_HOST, lambda route: route.abort())
    pg = context.new_page()
    try:
        yield pg
    finally:
        failed = getattr(request.node, "rep_call", None) if request is not None else None
        if failed is not None and failed.failed:
            try:
                ARTIFACTS.mkdir(exist_ok=True)
                name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
                pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                (ARTIFACTS / f"{name}.html").write_text(pg.content(), encoding="utf-8")
            except Exception:  # noqa: BLE001 - a failed screenshot must not hide the test's failure
                pass
        context.close()


@pytest.fixture
def page(browser, request):
    with browsing(browser, request, viewport={"width": 1280, "height": 900}, navigation_timeout=15_000) as pg:
        yield pg


def e2e_login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the landing page."""
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Account name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if "/login" in page.url:
        alert = page.locator(".alert").all_inner_texts()
        raise AssertionError(f"sign-in as {username!r} failed: {alert}")


def e2e_sign_out(page, sign_out_name: str = "Sign out", sign_in_name: str | None = "Sign in") -> None:
    """Sign out through the user menu, as a person would (clearing cookies races the page's own requests,
    which renew the session cookie); the names are the buttons' in the page's language (no sign-in name: the
    sign-in form may be shown in another language)."""
    from playwright.sync_api import expect

    # Stylesheets decide whether the menu is folded: look only once the page has fully loaded.
    page.wait_for_load_state("load")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # a narrow screen folds the menu away
        toggler.click()
        # Wait for the unfolding animation to finish before using the menu inside it.
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    menu = page.locator("nav .navbar-nav .dropdown-toggle").last
    sign_out = page.get_by_role("button", name=sign_out_name)
    for _ in range(3):  # a click that lands while the page's scripts start may not open the menu
        menu.click()
        try:
            expect(sign_out).to_be_visible(timeout=2000)
            break
        except AssertionError:
            continue
    sign_out.click()
    if sign_in_name is None:
        expect(page.locator("#username")).to_be_visible()
    else:
        expect(page.get_by_role("button", name=sign_in_name)).to_be_visible()


@pytest.fixture
def e2e_user(live_server):
    """e2e_user('training_officer', 'nation', nation='NPL', username='officer') -> the user, committed; with
    `language`, the account reads the app in that language."""
    def make(role="admin", scope="mission", *, username, password=PASSWORD, nation=None, unit=None, person=None,
             language=None):
        from trainer.auth.services import AuthSettings, create_user
        from trainer.extensions import db
        from trainer.org.services import ensure_nation

        with live_server.app.app_context():
            grants = []
            if scope == "nation":
                ensure_nation(nation or "NPL")
                grants.append((role, "nation", nation or "NPL"))
            elif scope == "unit":
                grants.append((role, "unit", None, unit))
            else:
                grants.append((role, scope))
            user, _ = create_user(AuthSettings.from_config(live_server.app.config), None, username=username,
                                  display_name=username.replace(".", " ").title(), password=password,
                                  person_id=person, grants=grants)
            if language:
                user.language = language
            db.session.commit()
            return user.id
    return make


# --- a trainee with training to do -------------------------------------------------------------------------

HUMAN_RIGHTS = ROOT / "curricula" / "packs" / "human-rights"


def visible_text_script(language: str) -> str:
    """A page's visible text, leaving out what is marked as another language (content without a translation,
    names, source titles) and the language switcher (each language names itself)."""
    return """() => {
  const root = document.body.cloneNode(true);
  root.querySelectorAll('[lang]:not([lang="%s"]), script, style, .language-switcher').forEach(e => e.remove());
  return root.innerText.replace(/\\s+/g, ' ');
}""" % language


class LanguageCheck:
    """Reads pages meant to be in `language` and collects, page by page, the English sentences of the catalogue
    (`sentences`, from tests.catalogue) that they show; `no_english()` fails at the end naming every page's."""

    def __init__(self, page, language: str, language_name: str, sentences: list, at_least: int):
        self.page = page
        self.language = language
        self.language_name = language_name
        self.sentences = sentences
        assert len(self.sentences) > at_least
        self.english: dict[str, list[str]] = {}

    def read(self, name: str) -> str:
        """The page's visible text in its language, the page being marked as in that language."""
        page = self.page
        assert page.evaluate("document.documentElement.lang") == self.language, \
            f"{name}: {page.url} is not lang={self.language}"
        text = page.evaluate(visible_text_script(self.language))
        hits = [english for english, pattern in self.sentences if pattern.search(text)]
        if hits:
            self.english[name] = hits
        return text

    def no_english(self) -> None:
        assert not self.english, f"English sentences of the catalogue on {self.language_name} pages: {self.english}"


def seed_trainee(live_server, tmp_path: Path, profile: dict, unit: dict, person: dict) -> int:
    """Imports the human-rights pack with `profile`, makes the unit and in it a soldier cleared by screening,
    assigns the profile to the unit (due in 45 days) and HR-01 to the soldier (due in 20 days); returns the
    person's id."""
    import datetime as dt

    import yaml

    from trainer.curricula.services import import_paths
    from trainer.extensions import db
    from trainer.learning.models import ModuleAssignment, ProfileAssignment
    from trainer.org.people import create_person
    from trainer.org.services import create_unit, ensure_nation

    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / f"{profile['code'].lower()}.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True),
                                                              encoding="utf-8")
    with live_server.app.app_context():
        report = import_paths(None, [str(HUMAN_RIGHTS), str(profiles)])
        assert report.ok, report.problems
        ensure_nation(unit["nation_code"])
        made = create_unit(None, kind="battalion", **unit)
        soldier = create_person(None, {"nation": unit["nation_code"], "unit_id": made.id, "category": "military",
                                       "email": None, "screening": "cleared", **person},
                                start_on=dt.date(2024, 1, 1))
        db.session.add(ProfileAssignment(profile_code=profile["code"], unit_id=made.id,
                                         due_on=dt.date.today() + dt.timedelta(days=45)))
        db.session.add(ModuleAssignment(module_code="HR-01", person_id=soldier.id,
                                        due_on=dt.date.today() + dt.timedelta(days=20)))
        db.session.commit()
        return soldier.id


def answer_correctly(page, live_server) -> None:
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
