"""Real-browser journey: an evaluator records three observations with ratings on a tablet-sized screen,
the lead evaluator adjudicates, and the after-action report PDF downloads."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.e2e.conftest import e2e_login, e2e_sign_out


def _seed(live_server, e2e_user):
    from trainer.exercises.models import EvaluatorAssignment, Exercise, ExerciseNation, Objective, Participant
    from trainer.extensions import db
    from trainer.org.services import create_unit, ensure_nation
    from trainer.org.people import create_person

    app = live_server.app
    with app.app_context():
        for code in ("NPL", "RWA"):
            ensure_nation(code)
        unit = create_unit(None, nation_code="NPL", code="NPBATT-A", name="Nepalese Battalion A", kind="battalion")
        staff_unit = create_unit(None, nation_code="RWA", code="RW-EVAL", name="Evaluation cell", kind="staff")
        db.session.flush()

        def person(u, family, n):
            return create_person(None, {"nation": u.nation_code, "unit_id": u.id, "service_number": f"SN-{n}",
                                        "family_name": family, "given_names": "Kim", "family_name_latin": None,
                                        "given_names_latin": None, "rank_code": "OF-2", "national_rank": "",
                                        "category": "military", "email": None, "screening": "cleared"},
                                 start_on=dt.date(2020, 1, 1))
        now = dt.datetime.now(dt.timezone.utc)
        ex = Exercise(code="SHANTI-26", title="Shanti Prayas", type="functional", lead_nation_code="NPL",
                      timezone="Asia/Kathmandu", start_at=now - dt.timedelta(days=1), end_at=now + dt.timedelta(days=1),
                      status="in_conduct")
        db.session.add(ex)
        db.session.flush()
        db.session.add_all([ExerciseNation(exercise_id=ex.id, nation_code="NPL"),
                            ExerciseNation(exercise_id=ex.id, nation_code="RWA")])
        objective = Objective(exercise_id=ex.id, number=1, description="Share threat information with protection actors",
                              capability="Intelligence sharing")
        db.session.add(objective)
        players = [person(unit, name, i) for i, name in enumerate(("Gurung", "Rai", "Tamang"))]
        evaluator, lead = person(staff_unit, "Mugisha", 10), person(staff_unit, "Uwase", 11)
        db.session.flush()
        for p in players:
            db.session.add(Participant(exercise_id=ex.id, person_id=p.id, nation_code="NPL", unit_id=unit.id,
                                       role="player", status="confirmed"))
        ev_part = Participant(exercise_id=ex.id, person_id=evaluator.id, nation_code="RWA", unit_id=staff_unit.id,
                              role="evaluator", status="confirmed")
        db.session.add(ev_part)
        db.session.add(Participant(exercise_id=ex.id, person_id=lead.id, nation_code="RWA", unit_id=staff_unit.id,
                                   role="lead_evaluator", status="confirmed"))
        db.session.flush()
        db.session.add(EvaluatorAssignment(participant_id=ev_part.id, objective_id=objective.id))
        db.session.commit()
        ids = (ex.id, objective.id, evaluator.id, lead.id, unit.id)
    e2e_user("evaluator", "exercises", username="evaluator.rwa", person=ids[2])
    # the lead evaluator's account holds no evaluator grant: the part in the exercise is what counts
    e2e_user("trainee", "self", username="lead.rwa", person=ids[3])
    return ids


def test_evaluator_records_lead_adjudicates_and_the_aar_pdf_downloads(page, live_server, e2e_user, tmp_path):
    exercise_id, objective_id, _, _, unit_id = _seed(live_server, e2e_user)
    page.set_viewport_size({"width": 800, "height": 1280})  # a tablet held upright
    e2e_login(page, live_server, "evaluator.rwa")
    page.goto(f"{live_server.url}/assessments/")
    page.get_by_role("link", name="SHANTI-26").click()
    page.get_by_role("link", name="Observe objective 1").click()
    expect(page.get_by_role("heading", name="Objective 1: Share threat information with protection actors")).to_be_visible()

    entries = [("Gurung", "S", "strength", "Passed the threat report within ten minutes."),
               ("Rai", "M", "improvement", "Report went to the wrong desk first; forty minutes lost."),
               ("NPBATT-A", "P", "strength", "The battalion kept a complete radio log.")]
    for who, rating, kind, narrative in entries:
        option = page.locator("#target option", has_text=who).first
        page.get_by_label("Player or unit observed").select_option(value=option.get_attribute("value"))
        page.locator(f"label[for=kind-{kind}]").click()
        page.get_by_label("Narrative", exact=True).fill(narrative)
        page.locator(f"#rating-{rating}").check()
        page.get_by_role("button", name="Save observation").click()
        expect(page.get_by_text("Observation saved.")).to_be_visible()
        expect(page.get_by_text(narrative)).to_be_visible()
    # the drafts were cleared once the server confirmed them
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('trainer.draft.')).length") in (0, 1)
    stored = page.evaluate("JSON.stringify(Object.values(localStorage))")
    assert "forty minutes lost" not in stored

    # the lead evaluator adjudicates the unit, seeing the evaluator's rating beside the choice
    e2e_sign_out(page)
    e2e_login(page, live_server, "lead.rwa")
    page.goto(f"{live_server.url}/assessments/exercises/{exercise_id}/objectives/{objective_id}/adjudication")
    section = page.locator(f"#adj-u{unit_id}")
    expect(section.get_by_text("The battalion kept a complete radio log.")).to_be_visible()
    section.locator(f"label[for=adj-u{unit_id}-P]").click()  # the four choices are toggle buttons
    section.get_by_label("Rationale").fill("Evaluator's P confirmed by the controller log.")
    section.get_by_role("button", name="Adjudicate").click()
    expect(page.get_by_text("Adjudication saved.")).to_be_visible()

    page.goto(f"{live_server.url}/assessments/exercises/{exercise_id}/aar")
    expect(page.get_by_text("Evaluator's P confirmed by the controller log.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and download.suggested_filename == "AAR-SHANTI-26.pdf"
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(target)).pages).split())
    assert "Evaluator's P confirmed by the controller log." in text and "UNCLASSIFIED" in text


def test_the_adjudication_page_shows_the_undecided_first_and_filters(page, live_server, e2e_user):
    """The lead evaluator finds what waits for a decision first, filters to it and to what is decided, reads
    the definitions once, and adjudicates someone nobody rated from the short form; then the assessment
    pages at phone size."""
    exercise_id, objective_id, _, _, unit_id = _seed(live_server, e2e_user)
    e2e_login(page, live_server, "evaluator.rwa")
    page.goto(f"{live_server.url}/assessments/exercises/{exercise_id}/objectives/{objective_id}")
    for who, rating, narrative in (("Gurung", "S", "Passed the threat report within ten minutes."),
                                   ("NPBATT-A", "P", "The battalion kept a complete radio log.")):
        option = page.locator("#target option", has_text=who).first
        page.get_by_label("Player or unit observed").select_option(value=option.get_attribute("value"))
        page.get_by_label("Narrative", exact=True).fill(narrative)
        page.locator(f"#rating-{rating}").check()
        page.get_by_role("button", name="Save observation").click()
        expect(page.get_by_text("Observation saved.")).to_be_visible()
    # amending is an action named on the screen
    expect(page.get_by_role("link", name=re.compile("^Amend this rating")).first).to_be_visible()
    # the amendment form fits a phone too
    page.get_by_role("link", name=re.compile("^Amend this observation")).first.click()
    expect(page.get_by_role("button", name="Save amendment")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    page.set_viewport_size({"width": 1280, "height": 900})
    e2e_sign_out(page)

    e2e_login(page, live_server, "lead.rwa")
    page.goto(f"{live_server.url}/assessments/exercises/{exercise_id}")
    expect(page.get_by_test_id("progress-1")).to_have_text("To adjudicate: 2 · adjudicated: 0")
    expect(page.get_by_test_id("audience-1")).to_contain_text("the whole exercise, 3 players and 1 unit")
    page.get_by_role("link", name="Adjudicate objective 1").click()
    rows = page.locator("section.adjudication-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("The targets and critical tasks were completed in a manner that achieved the objective(s), "
                            "but some")).to_have_count(1)  # the M definition, once
    unit_row = page.locator(f"#adj-u{unit_id}")
    unit_row.locator(f"label[for=adj-u{unit_id}-P]").click()
    unit_row.get_by_label("Rationale").fill("The radio log is complete.")
    unit_row.get_by_role("button", name="Adjudicate").click()
    expect(page.get_by_text("Adjudication saved.")).to_be_visible()
    # the one still waiting comes first; the filters show each kind alone
    expect(rows.first).to_have_attribute("data-state", "pending")
    expect(rows.first).to_contain_text("Gurung")
    page.get_by_role("navigation", name="Show").get_by_role("link", name=re.compile("^To adjudicate")).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Gurung")
    page.get_by_role("navigation", name="Show").get_by_role("link", name=re.compile("^Adjudicated")).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("NPBATT-A")
    expect(rows.first.get_by_text("The radio log is complete.")).to_be_visible()
    # Rai and Tamang, whom nobody rated, are one short form rather than a form each
    short = page.locator("#adj-unrated")
    expect(short.locator("option", has_text="Rai")).to_have_count(1)
    short.get_by_label("Player or unit").select_option(label=short.locator("option", has_text="Tamang")
                                                       .first.inner_text())
    short.locator("label[for=adj-unrated-U]").click()
    short.get_by_label("Rationale").fill("Did not take part in the information-sharing serial.")
    short.get_by_role("button", name="Adjudicate").click()
    expect(page.get_by_text("Adjudication saved.")).to_be_visible()
    expect(page.locator("section.adjudication-row", has_text="Tamang")).to_have_count(1)

    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/assessments/", f"/assessments/exercises/{exercise_id}",
                 f"/assessments/exercises/{exercise_id}/objectives/{objective_id}",
                 f"/assessments/exercises/{exercise_id}/objectives/{objective_id}/adjudication",
                 f"/assessments/exercises/{exercise_id}/aar"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def _second_evaluator(live_server, e2e_user, objective_id):
    """Another evaluator of the same objective, with an account of their own."""
    from trainer.exercises.models import EvaluatorAssignment, Objective, Participant
    from trainer.extensions import db
    from trainer.org.models import Unit
    from trainer.org.people import create_person

    with live_server.app.app_context():
        objective = db.session.get(Objective, objective_id)
        cell = db.session.execute(db.select(Unit).filter_by(code="RW-EVAL")).scalar_one()
        other = create_person(None, {"nation": "RWA", "unit_id": cell.id, "service_number": "SN-12",
                                     "family_name": "Ingabire", "given_names": "Kim", "family_name_latin": None,
                                     "given_names_latin": None, "rank_code": "OF-2", "national_rank": "",
                                     "category": "military", "email": None, "screening": "cleared"},
                              start_on=dt.date(2020, 1, 1))
        db.session.flush()
        part = Participant(exercise_id=objective.exercise_id, person_id=other.id, nation_code="RWA",
                           unit_id=cell.id, role="evaluator", status="confirmed")
        db.session.add(part)
        db.session.flush()
        db.session.add(EvaluatorAssignment(participant_id=part.id, objective_id=objective_id))
        db.session.commit()
        person_id = other.id
    e2e_user("evaluator", "exercises", username="evaluator2.rwa", person=person_id)


DRAFT_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('trainer.draft.'))"


def test_an_unsent_draft_stays_with_its_evaluator_and_goes_at_sign_out(page, live_server, e2e_user):
    """A draft kept through a dropped connection comes back on a reload for the evaluator who typed it, and is
    gone from the device once they sign out: the next account on the same browser finds an empty form."""
    exercise_id, objective_id, *_ = _seed(live_server, e2e_user)
    _second_evaluator(live_server, e2e_user, objective_id)
    objective_url = f"{live_server.url}/assessments/exercises/{exercise_id}/objectives/{objective_id}"
    narrative = "Left the patrol report unsigned; the duty officer never saw it."
    notice = page.get_by_text("What you typed earlier on this device was restored")

    e2e_login(page, live_server, "evaluator.rwa")
    page.goto(objective_url)
    option = page.locator("#target option", has_text="Rai").first
    target = option.get_attribute("value")
    page.get_by_label("Player or unit observed").select_option(value=target)
    page.locator("label[for=kind-improvement]").click()
    page.get_by_label("Narrative", exact=True).fill(narrative)
    page.context.set_offline(True)
    alerts = []
    page.once("dialog", lambda dialog: (alerts.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Save observation").click()
    page.context.set_offline(False)
    assert alerts and "kept on this device" in alerts[0]
    assert len(page.evaluate(DRAFT_KEYS)) == 1

    # a reload, or a later visit by the same evaluator, brings the draft back
    page.reload()
    expect(notice).to_be_visible()
    expect(page.get_by_label("Narrative", exact=True)).to_have_value(narrative)
    expect(page.get_by_label("Player or unit observed")).to_have_value(target)

    e2e_sign_out(page)
    assert page.evaluate(DRAFT_KEYS) == []
    assert narrative not in page.evaluate("JSON.stringify(Object.values(localStorage))")

    e2e_login(page, live_server, "evaluator2.rwa")
    page.goto(objective_url)
    expect(page.get_by_role("button", name="Save observation")).to_be_visible()
    expect(notice).to_be_hidden()
    expect(page.get_by_label("Narrative", exact=True)).to_have_value("")
    assert page.locator("#kind-improvement").is_checked() is False
    assert narrative not in page.evaluate("JSON.stringify(Object.values(localStorage))")


def test_a_draft_of_one_account_is_not_shown_to_another_that_is_still_signed_in(page, live_server, e2e_user):
    """Even when no sign-out happened on this device (the session ran out), a draft is shown only to its
    author."""
    exercise_id, objective_id, *_ = _seed(live_server, e2e_user)
    _second_evaluator(live_server, e2e_user, objective_id)
    objective_url = f"{live_server.url}/assessments/exercises/{exercise_id}/objectives/{objective_id}"
    narrative = "Radio check missed at the second checkpoint."

    e2e_login(page, live_server, "evaluator.rwa")
    page.goto(objective_url)
    page.get_by_label("Narrative", exact=True).fill(narrative)
    assert len(page.evaluate(DRAFT_KEYS)) == 1
    page.context.clear_cookies()  # the session is gone, the device's storage is not

    e2e_login(page, live_server, "evaluator2.rwa")
    page.goto(objective_url)
    expect(page.get_by_role("button", name="Save observation")).to_be_visible()
    expect(page.get_by_text("What you typed earlier on this device was restored")).to_be_hidden()
    expect(page.get_by_label("Narrative", exact=True)).to_have_value("")
