"""Real-browser journeys: a commander opens the readiness dashboard, drills into a unit, sets a forecast date and
downloads the readiness report as PDF; and the same commander's day on a phone (390×844), in English and in
French: dashboard, a nation, a unit, a person, with nothing scrolling sideways and the charts readable."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import browsing, e2e_login

TODAY = dt.date.today()
PHONE = {"width": 390, "height": 844}


def _seed(live_server, e2e_user):
    from tests.curricula.builders import module_row
    from trainer.curricula.models import ReadinessProfile
    from trainer.extensions import db
    from trainer.learning.models import Completion
    from trainer.org.services import create_unit, ensure_nation
    from trainer.org.people import create_person
    from trainer.readiness.rules import add_months

    with live_server.app.app_context():
        ensure_nation("NPL")
        module = module_row("HR-01", title="Human rights in peace operations")
        db.session.add(module)
        db.session.add(ReadinessProfile(code="UN-PDT", title={"en": "UN pre-deployment, military individual"},
                                        required_modules=["HR-01"], screening_required=True, warning_days=30,
                                        content_hash="1" * 64))
        top = create_unit(None, nation_code="NPL", code="NPL-CONT", name="Nepalese contingent", kind="contingent")
        battalion = create_unit(None, nation_code="NPL", code="NPBATT-1", name="Nepalese Battalion 1", kind="battalion",
                                parent_id=top.id)
        db.session.flush()
        for n, done in enumerate((10, 300, None)):
            person = create_person(None, {"nation": "NPL", "unit_id": battalion.id, "service_number": f"NP-{n}",
                                          "family_name": f"Gurung{n}", "given_names": "Asha", "rank_code": "OR-4",
                                          "national_rank": "", "category": "military", "screening": "cleared"},
                                   start_on=TODAY - dt.timedelta(days=500))
            if done is not None:
                on = TODAY - dt.timedelta(days=done)
                db.session.add(Completion(person_id=person.id, module_id=module.id, module_code="HR-01", module_version="1.0",
                                          module_major=1, method="classroom", completed_on=on, valid_until=add_months(on, 12)))
        db.session.flush()
        from trainer.readiness import intervals

        intervals.rebuild_all()
        db.session.commit()
        unit_id = battalion.id
    e2e_user("commander", "nation", nation="NPL", username="commander.npl")
    return unit_id


def test_commander_drills_down_forecasts_and_downloads_the_report(page, live_server, e2e_user):
    _seed(live_server, e2e_user)
    e2e_login(page, live_server, "commander.npl")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Readiness").click()
    expect(page.get_by_role("heading", name="Readiness — UN pre-deployment, military individual")).to_be_visible()
    expect(page.get_by_test_id("ready-total")).to_have_text("2 of 3")

    page.get_by_role("link", name="NPL NPBATT-1").first.click()
    expect(page.get_by_role("heading", name="NPL NPBATT-1 — Nepalese Battalion 1")).to_be_visible()
    expect(page.get_by_role("link", name="Asha Gurung2")).to_be_visible()  # the untrained person, listed by name

    # Six months ahead the earlier of the two completions has expired: one of three is still ready.
    page.get_by_label("Forecast date").fill((TODAY + dt.timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("forecast-total")).to_have_text("1 of 3")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf") and "NPBATT-1" in download.suggested_filename
    path = download.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"


# --- on a phone ------------------------------------------------------------------------------------------


def _seed_mission(live_server, e2e_user, language: str) -> None:
    """Two nations, a contingent with long unit names, people with long names, one with a waiver: what makes a
    narrow screen overflow if anything can."""
    from tests.curricula.builders import module_row
    from trainer.curricula.models import ReadinessProfile
    from trainer.extensions import db
    from trainer.learning.models import Completion
    from trainer.org.people import create_person
    from trainer.org.services import create_unit, ensure_nation
    from trainer.readiness import intervals
    from trainer.readiness.models import Waiver
    from trainer.readiness.rules import add_months

    with live_server.app.app_context():
        module = module_row("HR-01", title={"en": "Human rights in peace operations",
                                            "fr": "Les droits de l'homme dans les opérations de paix"})
        db.session.add(module)
        db.session.add(ReadinessProfile(code="UN-PDT", title={"en": "UN pre-deployment, military individual",
                                                              "fr": "Préparation au déploiement de l'ONU, militaire"},
                                        required_modules=["HR-01"], screening_required=True, warning_days=30,
                                        content_hash="1" * 64))
        for nation in ("NPL", "BGD"):
            ensure_nation(nation)
            top = create_unit(None, nation_code=nation, code=f"{nation}-CONTINGENT-HQ",
                              name=f"Contingent headquarters of {nation} for the multidimensional integrated mission",
                              kind="contingent")
            db.session.flush()
            for b in range(3):
                unit = create_unit(None, nation_code=nation, code=f"{nation}BATT-{b}", kind="battalion", parent_id=top.id,
                                   name=f"Mechanised infantry battalion {b} with attached engineering company")
                db.session.flush()
                for n in range(4):
                    person = create_person(None, {
                        "nation": nation, "unit_id": unit.id, "service_number": f"{nation}-{b}{n}-0012345678",
                        "family_name": f"Bahadurshrestha-Maharjan{n}", "given_names": "Krishnaprasad Ramchandra",
                        "rank_code": "OR-4", "national_rank": "Corporal", "category": "military",
                        "screening": "cleared" if n else "hold"}, start_on=TODAY - dt.timedelta(days=500))
                    if n >= b:
                        on = TODAY - dt.timedelta(days=40 * n + 20)
                        db.session.add(Completion(person_id=person.id, module_id=module.id, module_code="HR-01",
                                                  module_version="1.0", module_major=1, method="classroom",
                                                  completed_on=on, valid_until=add_months(on, 12),
                                                  evidence="Attendance sheet of the pre-deployment course, Panchkhal"))
                    elif n == 0:
                        db.session.add(Waiver(person_id=person.id, requirement="HR-01", authority="Contingent commander, order 12/2026",
                                              reason="Medical leave during the scheduled classroom session",
                                              granted_on=TODAY - dt.timedelta(days=3), expires_on=TODAY + dt.timedelta(days=60)))
        db.session.flush()
        intervals.rebuild_all()
        db.session.commit()
    e2e_user("commander", "mission", username="commander.mission", language=language)


def _no_sideways_scroll(page, where: str) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} is {width}px wide on a {PHONE['width']}px screen"


def _smallest_text(page, selector: str) -> float:
    """The smallest rendered height (CSS px) of the visible elements matching `selector` (there must be some)."""
    heights = page.evaluate("""selector => [...document.querySelectorAll(selector)]
        .map(e => e.getBoundingClientRect().height).filter(h => h > 0)""", selector)
    assert heights, f"nothing visible matches {selector}"
    return min(heights)


@pytest.fixture
def phone(browser, request):
    with browsing(browser, request, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True) as page:
        yield page


WORDS = {
    "en": {"menu": "Readiness", "heading": "Readiness — UN pre-deployment, military individual", "nation": "NPL — Nepal",
           "nation_heading": "Readiness of Nepal — UN pre-deployment, military individual", "name": "Name",
           "verdict": "Not ready", "ready_total": "16 of 24"},
    "fr": {"menu": "État de préparation", "heading": "État de préparation — Préparation au déploiement de l'ONU, militaire",
           "nation": "NPL — Népal", "nation_heading": "État de préparation — Népal — Préparation au déploiement de l'ONU, militaire",
           "name": "Nom", "verdict": "Non prêt", "ready_total": "16 sur 24"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_commanders_day_on_a_phone(phone, live_server, e2e_user, language):
    words = WORDS[language]
    _seed_mission(live_server, e2e_user, language)
    e2e_login(phone, live_server, "commander.mission")

    phone.locator(".navbar-toggler").click()
    phone.locator("#nav").get_by_role("link", name=words["menu"], exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(words["heading"])
    expect(phone.get_by_test_id("ready-total")).to_have_text(words["ready_total"])
    _no_sideways_scroll(phone, "the dashboard")
    # The charts stay readable: the bars' names and values are page text, the trend's labels are drawn near
    # the page's own size rather than shrunk to fit a desktop-wide drawing.
    assert _smallest_text(phone, ".bar-label, .bar-value") >= 12
    assert _smallest_text(phone, "svg[aria-labelledby='chart-trend-title'] text") >= 10
    # Every level badge and card fits inside its card.
    assert phone.evaluate("""[...document.querySelectorAll('.card .level, .table-stack .level')].every(
        e => e.getBoundingClientRect().right <= e.closest('.card, tr').getBoundingClientRect().right + 1)""")

    phone.get_by_role("link", name=words["nation"]).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(words["nation_heading"])
    expect(phone.locator(".bar-label").first).to_contain_text("NPL")
    assert "BGD" not in phone.locator(".readiness-tree").inner_text()
    _no_sideways_scroll(phone, "the nation's page")

    phone.locator(".readiness-tree").get_by_role("link", name="NPL NPLBATT-2").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("NPL NPLBATT-2")
    _no_sideways_scroll(phone, "the unit page")
    phone.locator(".readiness-people thead").get_by_role("link", name=words["name"]).click()
    expect(phone.locator(".readiness-people th[aria-sort='ascending']")).to_contain_text(words["name"])
    _no_sideways_scroll(phone, "the sorted unit page")
    names = phone.locator(".readiness-people tbody td:first-child a").all_inner_texts()
    assert names == sorted(names)

    phone.locator(".readiness-people tbody td:first-child a").first.click()
    expect(phone.get_by_test_id("person-verdict")).to_contain_text(words["verdict"])
    _no_sideways_scroll(phone, "the person page")
