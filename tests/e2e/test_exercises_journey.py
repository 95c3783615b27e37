"""Real-browser journey: a three-nation tabletop is planned, another nation nominates two people,
the lead confirms them, and a double booking is shown (and blocks the second confirmation)."""
from __future__ import annotations

import datetime as dt

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
    page.get_by_label("Participating nations").select_option(["NPL", "FRA", "RWA"])
    page.get_by_label("Time zone of the location").select_option("Asia/Kathmandu")
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
        page.get_by_label("Person").select_option(label=next(
            o for o in page.get_by_label("Person").locator("option").all_inner_texts() if family in o))
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
