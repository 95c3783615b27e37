"""Real-browser journey: a three-nation tabletop is planned, another nation nominates two people,
the lead confirms them, and a double booking is shown (and blocks the second confirmation)."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.e2e.conftest import e2e_login, e2e_sign_out


def _seed(live_server, e2e_user):
    from trainer.exercises.models import Exercise, ExerciseNation, Participant
    from trainer.extensions import db
    from trainer.org.services import create_unit, ensure_nation
    from trainer.org.people import create_person

    with live_server.app.app_context():
        for code in ("NPL", "FRA", "RWA"):
            ensure_nation(code)
        unit = create_unit(None, nation_code="FRA", code="FRA-BN", name="Bataillon français", kind="battalion")
        people = {}
        for number, (family, given) in enumerate((("Dupré", "Hélène"), ("Martin", "Luc")), start=1):
            people[family] = create_person(None, {
                "nation": "FRA", "unit_id": unit.id, "service_number": f"FR-{number:04d}", "family_name": family,
                "given_names": given, "rank_code": "OF-2", "category": "military", "screening": "cleared"})
        # Martin is already confirmed in another exercise at the same time.
        start = dt.datetime(2030, 3, 15, 6, 0, tzinfo=dt.timezone.utc)
        other = Exercise(code="OLD-FTX", title="Earlier field exercise", type="full_scale", lead_nation_code="NPL",
                         timezone="Asia/Kathmandu", start_at=start, end_at=start + dt.timedelta(days=2),
                         status="approved", scenario_summary="", location_name="", prerequisite_modules="")
        other.nations = [ExerciseNation(nation_code="NPL"), ExerciseNation(nation_code="FRA")]
        db.session.add(other)
        db.session.flush()
        db.session.add(Participant(exercise_id=other.id, person_id=people["Martin"].id, nation_code="FRA",
                                   unit_id=unit.id, role="player", status="confirmed"))
        db.session.commit()
    e2e_user("training_officer", "nation", nation="NPL", username="officer.npl")
    e2e_user("training_officer", "nation", nation="FRA", username="officer.fra")


def test_three_nation_tabletop_nominate_confirm_and_double_booking(page, live_server, e2e_user):
    _seed(live_server, e2e_user)

    # The lead nation's training officer creates the exercise.
    e2e_login(page, live_server, "officer.npl")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Exercises").click()
    page.get_by_role("link", name="New exercise").click()
    page.get_by_label("Code").fill("TTX-POC-30")
    page.get_by_label("Title").fill("Protection of civilians tabletop")
    page.get_by_label("Exercise type (HSEEP)").select_option("tabletop")
    page.get_by_label("Lead nation").select_option("NPL")
    nations = page.get_by_role("group", name="Participating nations")
    nations.get_by_placeholder("Type to filter the list").fill("fra")  # the list narrows as one types
    expect(nations.get_by_label("NPL — Nepal")).to_be_hidden()
    nations.get_by_label("FRA — France").check()
    nations.get_by_placeholder("Type to filter the list").fill("")
    for label in ("NPL — Nepal", "RWA — Rwanda"):
        nations.get_by_label(label).check()
    expect(nations.get_by_text("3 chosen")).to_be_visible()
    # the 520 zones are a field that suggests them as one types, not a list to scroll
    zone = page.get_by_label("Time zone of the location")
    assert zone.evaluate("element => element.tagName") == "INPUT"
    assert page.locator("datalist#timezone-zones option[value='Asia/Kathmandu']").count() == 1
    zone.fill("Asia/Kathmandu")
    page.get_by_label("Start (local time at the location)").fill("2030-03-15T13:00")
    page.get_by_label("End (local time at the location)").fill("2030-03-15T17:00")
    page.get_by_role("button", name="Save exercise").click()
    expect(page.get_by_role("heading", name="TTX-POC-30 — Protection of civilians tabletop")).to_be_visible()
    expect(page.get_by_test_id("when-local")).to_contain_text("15 Mar 2030 13:00")
    expect(page.get_by_test_id("when-local")).to_contain_text("UTC+05:45")
    expect(page.get_by_test_id("when-viewer")).to_contain_text("15 Mar 2030 07:15")
    exercise_url = page.url
    e2e_sign_out(page)

    # France's training officer nominates two of their own people.
    e2e_login(page, live_server, "officer.fra")
    page.goto(exercise_url)
    page.get_by_role("link", name="Participants").click()
    page.get_by_role("link", name="Nominate personnel of FRA").click()
    for family in ("Dupré", "Martin"):
        # inner_text waits for the nomination form (and its option) to be there; reading every option at
        # once would not wait, and could read the page being left
        person = page.get_by_label("Person")
        person.select_option(label=person.locator("option", has_text=family).inner_text().strip())
        page.get_by_label("Role").select_option("player")
        page.get_by_role("button", name="Nominate").click()
        expect(page.get_by_role("alert").filter(has_text="nominated as player")).to_be_visible()
    e2e_sign_out(page)

    # The lead confirms them; Martin's double booking is shown and blocks his confirmation.
    e2e_login(page, live_server, "officer.npl")
    page.goto(exercise_url)
    page.get_by_role("link", name="Participants").click()
    martin = page.locator("tr", has_text="Martin")
    expect(martin).to_contain_text("Also confirmed in overlapping OLD-FTX")
    dupre = page.locator("tr", has_text="Dupré")
    dupre.get_by_role("button", name="Confirm").click()
    expect(page.locator("tr", has_text="Dupré")).to_contain_text("Confirmed")
    page.locator("tr", has_text="Martin").get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("cannot be confirmed: already confirmed in an overlapping exercise")).to_be_visible()
    page.goto(exercise_url.rstrip("/") + "/conflicts")
    expect(page.locator("#c-people + ul")).to_contain_text("Martin")
    expect(page.locator("#c-people + ul")).to_contain_text("blocks confirmation")
    page.goto(exercise_url.rstrip("/") + "/participants")
    expect(page.locator("tr", has_text="Martin")).to_contain_text("Nominated")


def test_confirming_a_nominee_who_lacks_prerequisites_asks_why_and_approval_shows_the_conflicts(page, live_server,
                                                                                               e2e_user):
    """The lead's officer is asked before confirming a player without the exercise's prerequisite modules,
    confirms with a reason, and the commander sees the open conflicts before approving; at phone size."""
    from tests.curricula.builders import module_row
    from trainer.exercises.models import Exercise, ExerciseNation, Objective, Participant
    from trainer.extensions import db
    from trainer.org.people import create_person
    from trainer.org.services import create_unit, ensure_nation

    with live_server.app.app_context():
        ensure_nation("NPL")
        unit = create_unit(None, nation_code="NPL", code="NPL-B1", name="Battalion 1", kind="battalion")
        db.session.add(module_row("HR-01", title="Human rights", validity_months=24, audience=()))
        person = create_person(None, {"nation": "NPL", "unit_id": unit.id, "service_number": "NP-1",
                                      "family_name": "Gurung", "given_names": "Anita", "rank_code": "OF-1",
                                      "category": "military", "screening": "cleared"})
        start = dt.datetime(2030, 9, 1, 3, 0, tzinfo=dt.timezone.utc)
        ex = Exercise(code="PREREQ-30", title="Checkpoint drill", type="drill", lead_nation_code="NPL",
                      timezone="Asia/Kathmandu", start_at=start, end_at=start + dt.timedelta(days=1),
                      status="planning", scenario_summary="", location_name="Panchkhal", prerequisite_modules="HR-01")
        ex.nations = [ExerciseNation(nation_code="NPL")]
        db.session.add(ex)
        db.session.flush()
        db.session.add(Objective(exercise_id=ex.id, number=1, description="Protect civilians", capability="PoC"))
        db.session.add(Participant(exercise_id=ex.id, person_id=person.id, nation_code="NPL", unit_id=unit.id,
                                   role="player", status="nominated"))
        db.session.commit()
        exercise_id = ex.id
    e2e_user("training_officer", "nation", nation="NPL", username="officer.npl")
    e2e_user("commander", "nation", nation="NPL", username="commander.npl")

    page.set_viewport_size({"width": 390, "height": 844})
    e2e_login(page, live_server, "officer.npl")
    page.goto(f"{live_server.url}/exercises/{exercise_id}/participants")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator("tr", has_text="Gurung")
    expect(row).to_contain_text("Missing prerequisite HR-01")
    row.get_by_role("link", name="Confirm…").click()
    expect(page.get_by_test_id("missing")).to_contain_text("HR-01")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # without a reason the question stays, with the answer asked for under the field
    page.get_by_role("button", name="Confirm anyway").click()
    expect(page.get_by_text("Give the reason for confirming without the prerequisites.")).to_be_visible()
    page.get_by_label("Reason for confirming without the prerequisites").fill("Completes HR-01 on 20 August.")
    page.get_by_role("button", name="Confirm anyway").click()
    expect(page.get_by_role("alert").filter(has_text="confirmed")).to_be_visible()
    expect(page.locator("tr", has_text="Gurung")).to_contain_text("Confirmed")
    e2e_sign_out(page)

    e2e_login(page, live_server, "commander.npl")
    page.goto(f"{live_server.url}/exercises/{exercise_id}")
    page.get_by_role("link", name="Approve…").click()
    expect(page.get_by_test_id("open-conflicts")).to_contain_text("1 player lacks prerequisite modules")
    expect(page.get_by_test_id("open-conflicts")).to_contain_text("Gurung")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Approve with these open conflicts").click()
    expect(page.locator(".exercise-status")).to_have_text("Approved")


def test_the_exercise_pages_fit_a_phone(page, live_server, e2e_user):
    """Every page of an exercise (list, month, overview, participants, objectives, milestones, conflicts, MSEL,
    timeline, the forms) at 390 px wide: nothing scrolls sideways."""
    _seed(live_server, e2e_user)
    from trainer.exercises.models import Exercise, Inject
    from trainer.extensions import db

    with live_server.app.app_context():
        ex = db.session.query(Exercise).filter_by(code="OLD-FTX").one()
        db.session.add(Inject(exercise_id=ex.id, number=1, planned_at=ex.start_at + dt.timedelta(hours=1),
                              to_type="nation", to_nation_code="NPL", from_text="SIMCELL — UN OCHA", method="radio",
                              scenario_time="D+0 07:00", message="Several hundred displaced people gather at the "
                              "northern checkpoint and ask for protection; a local leader demands to speak to the "
                              "commander.", expected_action="Report to the joint operations centre and protect "
                              "the crowd."))
        db.session.commit()
        exercise_id, inject_id = ex.id, db.session.query(Inject).filter_by(exercise_id=ex.id).one().id
    page.set_viewport_size({"width": 390, "height": 844})
    e2e_login(page, live_server, "officer.npl")
    for path in ("/exercises/?when=all", "/exercises/?view=month&month=2030-03", f"/exercises/{exercise_id}",
                 f"/exercises/{exercise_id}/participants", f"/exercises/{exercise_id}/objectives",
                 f"/exercises/{exercise_id}/milestones", f"/exercises/{exercise_id}/conflicts",
                 f"/exercises/{exercise_id}/msel", f"/exercises/{exercise_id}/msel/timeline",
                 f"/exercises/{exercise_id}/msel/{inject_id}/edit", f"/exercises/{exercise_id}/edit",
                 "/exercises/new", f"/exercises/{exercise_id}/msel/import"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    # the list keeps its sort on a phone, where the column headings are folded into cards
    page.goto(f"{live_server.url}/exercises/?when=all")
    page.get_by_label("Sort by").select_option("code")
    expect(page).to_have_url(re.compile(r"sort=code"))
