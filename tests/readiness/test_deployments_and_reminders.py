"""Deployments (who lapses between departure and return, and why) and the reminders due on a day."""
import datetime as dt

import pytest
from sqlalchemy import select

from trainer.auth.models import Notification
from trainer.readiness import services
from trainer.readiness.reminders import run_reminders

D = dt.date
TODAY = dt.date.today()


def test_deployment_lists_people_lapsing_between_departure_and_return(client, db, login_as, make_unit, make_person,
                                                                     make_module, make_profile, complete):
    module = make_module("HR-01", validity_months=12)
    make_profile("UN-PDT", modules=("HR-01",), warning_days=0)
    battalion = make_unit(nation="NPL", code="NPBATT-D")
    stays = make_person(unit=battalion, family_name="Stays", start_on=TODAY - dt.timedelta(days=400))
    lapses = make_person(unit=battalion, family_name="Lapses", start_on=TODAY - dt.timedelta(days=400))
    never = make_person(unit=battalion, family_name="Never", start_on=TODAY - dt.timedelta(days=400))
    complete(stays, module, TODAY - dt.timedelta(days=10))           # valid ~ a year: covers the whole tour
    complete(lapses, module, TODAY - dt.timedelta(days=300))         # lapses about two months in
    commander = login_as("commander", "nation", nation="NPL")

    departure, returning = TODAY + dt.timedelta(days=21), TODAY + dt.timedelta(days=210)
    response = client.post("/readiness/deployments/new", data={
        "mission": "MINUSCA rotation 14", "profile_code": "UN-PDT", "departure_on": departure.isoformat(),
        "return_on": returning.isoformat(), "unit_ids": [str(battalion.id)], "notes": ""})
    assert response.status_code == 302
    deployment = services.list_deployments(commander)[0]
    data = services.deployment_readiness(commander, deployment)
    assert (data["departure"].ready, data["departure"].total) == (2, 3)
    assert (data["return"].ready, data["return"].total) == (1, 3)
    assert data["lapsing"] == [lapses.id] and data["not_ready"] == [never.id]
    assert data["at_return"][lapses.id].gaps[0].state == "expired"

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="lapsing">1' in page and "Lapses" in page and "expired on" in page
    assert stays.id not in data["lapsing"]


def test_deployment_form_rejects_bad_input_without_error_page(client, login_as, make_unit, make_profile, make_module):
    make_module()
    make_profile("UN-PDT")
    battalion = make_unit(nation="NPL", code="NPBATT-E")
    french = make_unit(nation="FRA", code="FRBATT-E")
    login_as("commander", "nation", nation="NPL")
    response = client.post("/readiness/deployments/new", data={
        "mission": "", "profile_code": "UN-PDT", "departure_on": "2026-05-01", "return_on": "2026-04-01",
        "unit_ids": [str(french.id)]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The return must be after the departure." in page and "Choose one or more units in your scope." in page
    assert battalion.code in page and "FRBATT-E" not in page


def test_deployment_of_another_nation_is_not_found(client, db, make_user, login_as, make_unit, make_profile, make_module, make_nation):
    make_module()
    make_profile("UN-PDT")
    battalion = make_unit(nation="NPL", code="NPBATT-F")
    admin = make_user("admin", "mission")
    deployment = services.create_deployment(admin, mission="UNIFIL", departure_on=TODAY, return_on=TODAY + dt.timedelta(days=5),
                                            profile_code="UN-PDT", unit_ids=[battalion.id])
    db.session.commit()
    make_nation("FRA")
    login_as("commander", "nation", nation="FRA")
    assert client.get(f"/readiness/deployments/{deployment.id}").status_code == 404


@pytest.fixture
def expiring(db, make_unit, make_person, make_module, make_user, complete):
    module = make_module("HR-01", validity_months=12)
    unit = make_unit(nation="NPL", code="NPBATT-R")
    person = make_person(unit=unit, family_name="Thapa")
    day = D(2026, 3, 1)
    complete(person, module, D(2025, 3, 31))           # valid until 31 March 2026: 30 days after `day`
    own = make_user("trainee", "self", person=person)
    officer = make_user("training_officer", "unit", unit=unit)
    nation_officer = make_user("training_officer", "nation", nation="NPL")
    return {"person": person, "day": day, "own": own, "officer": officer, "nation_officer": nation_officer}


def test_expiry_reminders_on_the_day_go_to_person_and_officers_once(db, expiring):
    run = run_reminders(expiring["day"])
    db.session.commit()
    assert run.created["expiry"] == 3
    notes = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert {n.user_id for n in notes} == {expiring["own"].id, expiring["officer"].id, expiring["nation_officer"].id}
    assert all("30 days" in n.subject for n in notes)
    again = run_reminders(expiring["day"])
    db.session.commit()
    assert again.total == 0
    assert run_reminders(expiring["day"] + dt.timedelta(days=1)).total == 0      # 29 days: not a reminder day
    assert run_reminders(D(2026, 3, 24)).created["expiry"] == 3                   # 7 days before


def test_no_expiry_reminder_when_renewed(db, expiring, make_module, complete):
    from trainer.curricula.models import Module

    module = db.session.scalar(select(Module))
    complete(expiring["person"], module, D(2026, 2, 1))
    assert run_reminders(expiring["day"]).total == 0


def test_remind_cli_runs_for_a_given_day(runner, db, expiring):
    result = runner.invoke(args=["readiness", "remind", "--date", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "3 about expiries" in result.output
    result = runner.invoke(args=["readiness", "remind", "--date", "2026-03-01"])
    assert "none new" in result.output
    assert runner.invoke(args=["readiness", "remind", "--date", "1 March"]).exit_code != 0
    for command, day in (("remind", "9999-12-31"), ("count", "0001-01-01")):   # valid dates, beyond readiness's years
        refused = runner.invoke(args=["readiness", command, "--date", day])
        assert refused.exit_code == 2 and "Enter a date between 1900 and 2199." in refused.output, refused.output
        assert refused.exception is None or isinstance(refused.exception, SystemExit)


def test_nominations_waiting_remind_the_lead_nations_officers(db, make_person, make_user, make_nation):
    from trainer.exercises.models import Exercise, Participant

    make_nation("NPL")
    make_nation("FRA")
    lead_officer = make_user("training_officer", "nation", nation="NPL")
    french_officer = make_user("training_officer", "nation", nation="FRA")
    exercise = Exercise(code="SHANTI-26", title="Shanti Prayas", type="functional", lead_nation_code="NPL", timezone="Asia/Kathmandu",
                        start_at=dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc), end_at=dt.datetime(2026, 4, 5, tzinfo=dt.timezone.utc),
                        status="planning")
    db.session.add(exercise)
    db.session.flush()
    french = make_person(nation="FRA")
    db.session.add(Participant(exercise_id=exercise.id, person_id=french.id, nation_code="FRA", role="player", status="nominated"))
    db.session.commit()
    run = run_reminders(D(2026, 3, 2))
    assert run.created["nomination"] == 1
    note = db.session.scalar(select(Notification).where(Notification.kind == "nomination"))
    assert note.user_id == lead_officer.id and "SHANTI-26" in note.subject
    assert french_officer.id != note.user_id
    assert run_reminders(D(2026, 3, 3)).total == 0      # same week: not repeated


def test_emails_are_sent_when_smtp_is_configured(db, app, expiring, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout=None):
            assert host == "mail.example.org"

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message)

    import trainer.readiness.reminders as reminders

    monkeypatch.setattr(reminders.smtplib, "SMTP", FakeSMTP)
    app.config["SMTP_HOST"] = "mail.example.org"
    expiring["own"].email = "thapa@example.org"
    db.session.commit()
    run = run_reminders(expiring["day"])
    assert run.emailed == 1 and sent[0]["To"] == "thapa@example.org"
    assert run_reminders(expiring["day"]).emailed == 0


@pytest.fixture
def exercise_lapsing(db, make_unit, make_person, make_profile, make_user, credit):
    """A tabletop rated S on 31 Aug 2024 counts for 24 months: until 31 Aug 2026."""
    make_profile("UN-PDT-MIL", modules=(), exercise_types=("tabletop", "functional"), within_months=24, min_outcome="S")
    unit = make_unit(nation="NPL", code="NPBATT-X")
    person = make_person(unit=unit, family_name="Gurung")
    credit(person, D(2024, 8, 31), rating="S", exercise_type="tabletop")
    credit(person, D(2024, 5, 2), rating="P", exercise_type="tabletop")          # older: ignored
    own = make_user("trainee", "self", person=person)
    officer = make_user("training_officer", "unit", unit=unit)
    return {"person": person, "unit": unit, "own": own, "officer": officer}


def test_exercise_requirement_expiry_reminders_at_90_30_and_7_days(db, exercise_lapsing):
    for day, days in ((D(2026, 6, 2), 90), (D(2026, 8, 1), 30), (D(2026, 8, 24), 7)):
        run = run_reminders(day)
        db.session.commit()
        assert run.created["expiry"] == 2, day
        notes = db.session.scalars(select(Notification).where(Notification.dedupe_key.like(f"expiry:{days}:%"))).all()
        assert {n.user_id for n in notes} == {exercise_lapsing["own"].id, exercise_lapsing["officer"].id}
        mine = next(n for n in notes if n.user_id == exercise_lapsing["own"].id)
        assert mine.subject == f"Your exercise requirement expires in {days} days"
        assert "31 Aug 2026" in mine.body and "31 Aug 2024" in mine.body
        assert run_reminders(day).total == 0                      # same day again: nothing new
    assert run_reminders(D(2026, 8, 2)).total == 0                # 29 days: not a reminder day


def test_no_exercise_reminder_after_a_newer_exercise_or_for_an_outcome_that_does_not_count(db, exercise_lapsing, credit):
    credit(exercise_lapsing["person"], D(2026, 5, 20), rating="M", exercise_type="tabletop")   # M does not count
    assert run_reminders(D(2026, 8, 1)).created["expiry"] == 2
    credit(exercise_lapsing["person"], D(2026, 6, 30), rating="P", exercise_type="functional")
    assert run_reminders(D(2026, 8, 24)).total == 0               # now counts until 30 Jun 2028


def test_no_exercise_reminder_for_people_the_profile_does_not_cover(db, exercise_lapsing, make_unit, make_person,
                                                                     credit, make_user, make_module, make_profile):
    from trainer.learning.models import ProfileAssignment

    elsewhere = make_unit(nation="NPL", code="NPBATT-Y")
    db.session.add(ProfileAssignment(profile_code="UN-PDT-MIL", unit_id=elsewhere.id))
    db.session.commit()
    assert run_reminders(D(2026, 8, 1)).total == 0                # the profile now applies to NPBATT-Y only


def test_deployment_says_a_waiver_ending_during_the_tour_is_why_someone_lapses(db, login_as, make_unit, make_person,
                                                                              make_profile, make_user, credit):
    from trainer.readiness import engine

    make_profile("UN-PDT-MIL", modules=(), exercise_types=("tabletop",), within_months=24, min_outcome="S",
                 warning_days=0)
    battalion = make_unit(nation="NPL", code="NPBATT-W")
    waived = make_person(unit=battalion, family_name="Waived", start_on=TODAY - dt.timedelta(days=400))
    credited = make_person(unit=battalion, family_name="Credited", start_on=TODAY - dt.timedelta(days=400))
    credit(credited, TODAY - dt.timedelta(days=30), rating="S", exercise_type="tabletop")
    commander = login_as("commander", "nation", nation="NPL")
    services.grant_waiver(commander, waived, requirement="exercise", authority="Order 9/2026",
                          reason="Exercise cancelled by the host nation", expires_on=TODAY + dt.timedelta(days=60))
    deployment = services.create_deployment(commander, mission="UNMISS", departure_on=TODAY + dt.timedelta(days=21),
                                            return_on=TODAY + dt.timedelta(days=200), profile_code="UN-PDT-MIL",
                                            unit_ids=[battalion.id])
    db.session.commit()
    data = services.deployment_readiness(commander, deployment)
    assert data["lapsing"] == [waived.id]
    assert data["at_departure"][waived.id].requirements[0].state == "waived"
    why = data["at_return"][waived.id].gaps[0]
    ended = TODAY + dt.timedelta(days=60)
    assert why.key == "exercise" and f"its waiver ended on {ended:%d %b %Y}" in why.reason
    assert engine.evaluate([credited.id], "UN-PDT-MIL", deployment.return_on)[credited.id].ready
