"""Arabic, right to left, in a real browser: with Arabic offered (LANGUAGES "en,fr,ar"), a trainee chooses
العربية with the language switcher on the sign-in page and again once signed in, then reads the start page, My
training, a module, a lesson, the knowledge check and its result; a visitor verifies a real certificate on the
public verify pages. Every page is `dir="rtl"` and `lang="ar"`, scrolls no wider than the window at 1366 and at
390 px, holds Arabic and none of the English sentences of the Arabic catalogue outside text marked as another
language. A screenshot of each page at both widths is kept in test-artifacts/rtl/."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.catalogue import english_patterns
from tests.e2e.conftest import ARTIFACTS, PASSWORD, ROOT, LanguageCheck, answer_correctly, seed_trainee

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    expect = None

PART = ROOT / "translations" / "parts" / "ar.ar.po"
SCREENSHOTS = ARTIFACTS / "rtl"
PROFILE = {"code": "TST-HR", "title": {"en": "Human rights basics", "fr": "Bases des droits de l'homme"},
           "audience": "military", "required_modules": ["HR-01", "HR-02"], "screening_required": True,
           "warning_days": 30}
WIDTHS = (1366, 390)
ARABIC = re.compile(r"[\u0600-\u06FF]{3,}")

# Elements that stick out of the window on either side (a right-to-left page cannot be scrolled towards its
# start, the right, so what overflows there is cut off without widening the page), leaving out what sits
# inside its own scrolling or clipping frame and what is hidden on purpose.
OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const framed = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || (r.left >= -1 && r.right <= width + 1)) continue;
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden' || style.clipPath !== 'none' || style.clip !== 'auto' || framed(e)) continue;
    out.push(`${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return out.slice(0, 5);
}"""


@pytest.fixture
def live_server_config():
    return {"LANGUAGES": "en,fr,ar"}


class Checker(LanguageCheck):
    """Checks a page at each width and keeps its screenshots; English sentences found are collected."""

    def __init__(self, page):
        super().__init__(page, "ar", "Arabic", english_patterns([PART]), at_least=300)
        self.shots: list[Path] = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.documentElement.dir") == "rtl", f"{name}: {page.url} is not right to left"
        text = self.read(name)
        assert len(ARABIC.findall(text)) >= 5, f"{name}: little or no Arabic on {page.url}: {text[:300]}"
        height = page.viewport_size["height"] if page.viewport_size else 900
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844 if width < 500 else height})
            page.wait_for_timeout(100)  # let the layout settle at the new width
            scroll, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll <= window, f"{name}: {page.url} is {scroll} px wide in a {window} px window"
            outside = page.evaluate(OUTSIDE)
            assert not outside, f"{name}: {page.url} at {width} px has elements outside the window: {outside}"
            shot = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            self.shots.append(shot)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def _choose_arabic(page) -> None:
    page.locator(".language-switcher").get_by_role("button", name="العربية").click()
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "ar")


# --- a trainee ----------------------------------------------------------------------------------------------

def _seed_trainee(live_server, e2e_user, tmp_path: Path) -> int:
    person_id = seed_trainee(live_server, tmp_path, PROFILE,
                             {"nation_code": "JOR", "code": "JOR-B1", "name": "الكتيبة الأردنية 1"},
                             {"service_number": "JO-20417", "family_name": "الخطيب", "given_names": "ليلى",
                              "family_name_latin": "Al-Khatib", "given_names_latin": "Layla", "rank_code": "OF-2",
                              "national_rank": "نقيب"})
    e2e_user("trainee", "self", username="layla.khatib", person=person_id)
    return person_id


def test_a_trainee_signs_in_and_trains_in_arabic_right_to_left(page, live_server, e2e_user, tmp_path):
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    _seed_trainee(live_server, e2e_user, tmp_path)
    check = Checker(page)

    page.goto(f"{live_server.url}/login")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    _choose_arabic(page)
    expect(page.get_by_role("heading", name="تسجيل الدخول")).to_be_visible()
    check("sign-in")

    page.get_by_label("اسم الحساب").fill("layla.khatib")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_load_state("load")
    # A new session starts from the account's own language: the switcher sets it for the account too.
    _choose_arabic(page)
    expect(page.get_by_role("heading", name=re.compile("مرحباً"))).to_be_visible()
    check("start")

    page.get_by_role("navigation", name="التنقل الرئيسي").get_by_role("link", name="تدريبي", exact=True).click()
    expect(page.get_by_role("heading", name="تدريبي", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="جاهزيتي اليوم")).to_contain_text("TST-HR")
    check("my-training")

    page.get_by_role("link", name=re.compile("HR-01")).first.click()
    expect(page.locator("h1")).to_contain_text("HR-01")
    expect(page.get_by_role("note")).to_contain_text("غير متاحة بلغتك")
    check("module")

    page.locator(".module-lessons a").first.click()
    expect(page.locator("article.lesson-body h1")).to_be_visible()
    body = page.locator("article.lesson-body div[lang='en']")
    expect(body).to_have_attribute("dir", "ltr")  # the English body keeps its own direction
    check("lesson")
    page.get_by_role("button", name="وضع علامة «مقروء» والانتقال إلى الدرس التالي").click()
    expect(page.get_by_role("status")).to_contain_text("وُضعت علامة «مقروء» على الدرس")

    page.get_by_role("navigation", name="مسار التنقل").get_by_role("link", name="HR-01").click()
    page.get_by_role("button", name="إجراء اختبار المعارف").click()
    expect(page.locator("h1")).to_contain_text("اختبار المعارف")
    check("knowledge-check")

    answer_correctly(page, live_server)
    page.get_by_role("button", name="إرسال الإجابات").click()
    expect(page.get_by_role("status").filter(has_text="ناجح")).to_be_visible()
    check("knowledge-check-result")

    check.no_english()


# --- a visitor verifies a certificate -----------------------------------------------------------------------

@pytest.fixture
def certificate(live_server):
    """The serial of a certificate issued through the services to a person made ready by real completions,
    cleared screening and an exercise credit."""
    from tests.certificates.builders import PROFILE as CERTIFIED, issuer, make_ready
    from trainer.certificates.services.issuing import issue_certificate
    from trainer.extensions import db
    from trainer.org.people import create_person
    from trainer.org.services import create_unit, ensure_nation

    with live_server.app.app_context():
        ensure_nation("JOR")
        unit = create_unit(None, nation_code="JOR", code="JOR-B2", name="الكتيبة الأردنية 2", kind="battalion")
        person = create_person(None, {"nation": "JOR", "unit_id": unit.id, "service_number": "JO-30512",
                                      "family_name": "الحسيني", "given_names": "عمر", "family_name_latin": "Al-Husseini",
                                      "given_names_latin": "Omar", "rank_code": "OF-3", "national_rank": "رائد",
                                      "category": "military", "email": None, "screening": "cleared"})
        db.session.commit()
        make_ready(db, person)
        cert = issue_certificate(issuer(db), person.id, CERTIFIED)
        db.session.commit()
        return cert.serial


def test_a_visitor_verifies_a_certificate_in_arabic_right_to_left(page, live_server, certificate):
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    check = Checker(page)

    page.goto(f"{live_server.url}/verify")
    _choose_arabic(page)
    expect(page.get_by_role("heading", name="التحقق من شهادة")).to_be_visible()
    serial = page.get_by_label("الرقم التسلسلي")
    expect(serial).to_have_attribute("dir", "ltr")  # a serial is typed left to right
    check("verify-form")

    serial.fill(certificate.lower().replace("-", " "))
    page.get_by_role("button", name="تحقّق").click()
    expect(page).to_have_url(re.compile(rf"/verify/{re.escape(certificate)}$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("صالحة")
    # The serial keeps its left-to-right order inside the Arabic heading.
    expect(heading.locator("[dir='ltr']")).to_have_text(certificate)
    expect(page.locator(".cert-facts")).to_contain_text("عمر الحسيني")
    check("verify-certificate")

    # A mistyped serial is explained in Arabic on the form.
    wrong = certificate[:-1] + ("A" if certificate[-1] != "A" else "B")
    page.goto(f"{live_server.url}/verify?serial={wrong}")
    expect(page.locator(".invalid-feedback")).to_contain_text("خطأ في الكتابة")
    check("verify-mistyped")

    check.no_english()
