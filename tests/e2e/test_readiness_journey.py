"""Real-browser journey: a commander opens the readiness dashboard, drills into a unit, sets a forecast
date and downloads the readiness report as PDF."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.e2e.conftest import e2e_login

TODAY = dt.date.today()


def _seed(live_server, e2e_user):
    from trainer.curricula.models import Module, ReadinessProfile
    from trainer.extensions import db
    from trainer.learning.models import Completion
    from trainer.org.services import create_unit, ensure_nation
    from trainer.org.people import create_person
    from trainer.readiness.rules import add_months

    with live_server.app.app_context():
        ensure_nation("NPL")
        module = Module(code="HR-01", version="1.0", major=1, minor=0, content_hash="0" * 64, pack_code="hr",
                        title={"en": "Human rights in peace operations"}, summary={"en": ""}, audience=["military"],
                        validity_months=12, pass_mark=80, questions_per_attempt=5, retrain_on_major=False)
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
