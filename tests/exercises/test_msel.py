"""The MSEL: hidden from players (page and download), CSV import all or nothing, marked export, release."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging

import pytest
from sqlalchemy import select

from tests.conftest import login
from trainer.auth.models import User

UTC = dt.timezone.utc
START = dt.datetime(2030, 6, 1, 6, 0, tzinfo=UTC)  # 08:00 in Oslo (summer time)
HEADER = "number,scenario_time,planned_release,from,to_type,to,method,message,expected_action,objectives,contingency\n"


@pytest.fixture
def exercise(make_exercise):
    return make_exercise(lead="NPL", nations=("NOR",), start=START, end=START + dt.timedelta(days=1),
                         timezone="Europe/Oslo", objectives=2, status="approved")


def _user_with_role(ex, role, make_person, add_participant, make_user, status="confirmed"):
    person = make_person(nation="NPL")
    add_participant(ex, person, role=role, status=status)
    return make_user("trainee" if role == "player" else "evaluator", "self" if role == "player" else "exercises",
                     person=person)


def _import(client, ex, text):
    return client.post(f"/exercises/{ex.id}/msel/import", data={"file": (io.BytesIO(text.encode()), "msel.csv")},
                       content_type="multipart/form-data")


def test_players_never_see_the_msel_page_or_download(exercise, make_person, add_participant, make_user, client):
    player = _user_with_role(exercise, "player", make_person, add_participant, make_user)
    login(client, player.username)
    assert client.get(f"/exercises/{exercise.id}").status_code == 200
    assert "MSEL" not in client.get(f"/exercises/{exercise.id}").get_data(as_text=True)
    for path in ("/msel", "/msel/timeline", "/msel.csv"):
        assert client.get(f"/exercises/{exercise.id}{path}").status_code == 404, path


def test_an_evaluator_who_is_also_a_player_does_not_see_it(exercise, make_person, add_participant, make_user, client):
    person = make_person(nation="NPL")
    add_participant(exercise, person, role="player")
    user = make_user("training_officer", "nation", nation="NPL", person=person)  # even a planner, if playing
    login(client, user.username)
    assert client.get(f"/exercises/{exercise.id}/msel.csv").status_code == 404


@pytest.mark.parametrize("role", ["controller", "evaluator", "trusted_agent", "exercise_director"])
def test_staff_see_the_msel(role, exercise, make_person, add_participant, make_user, client):
    user = _user_with_role(exercise, role, make_person, add_participant, make_user)
    login(client, user.username)
    assert client.get(f"/exercises/{exercise.id}/msel").status_code == 200
    assert client.get(f"/exercises/{exercise.id}/msel.csv").status_code == 200


def test_observer_and_unconfirmed_controller_do_not(exercise, make_person, add_participant, make_user, client):
    observer = _user_with_role(exercise, "controller", make_person, add_participant, make_user, status="nominated")
    login(client, observer.username)
    assert client.get(f"/exercises/{exercise.id}/msel").status_code == 404


def test_csv_import_is_all_or_nothing_with_errors_by_row(exercise, make_user, client, db):
    from trainer.exercises.models import Inject

    officer_name = make_user("training_officer", "nation", nation="NPL").username
    login(client, officer_name)
    bad = HEADER + (
        "1,D+0 08:00,2030-06-01 08:30,SIMCELL,nation,NPL,radio,Refugees at the bridge,Report to HQ,1,no\n"
        "2,D+0 09:00,2030-06-05 09:00,SIMCELL,nation,NPL,radio,Too late,,1,no\n"
        "3,D+0 10:00,2030-06-01 10:00,SIMCELL,unit,NPL:NOPE,phone,Unknown unit,,9,maybe\n"
        "1,D+0 11:00,2030-06-01 11:00,SIMCELL,nation,NOR,radio,Duplicate number,,2,no\n")
    response = _import(client, exercise, bad)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Nothing was imported" in text
    assert "row 3: planned_release" in text
    assert "row 4: to" in text and "row 4: objectives" in text and "row 4: contingency" in text
    assert "row 5: number" in text and "also row 2" in text
    db.session.expire_all()
    assert db.session.query(Inject).filter_by(exercise_id=exercise.id).count() == 0
    bell = _import(client, exercise, HEADER + "1,D+0 08:00,2030-06-01 08:30,SIM\x07CELL,nation,NPL,radio,Crowd,,1,no\n")
    assert bell.status_code == 422 and "row 2: from" in bell.get_data(as_text=True)  # as the form and the API refuse
    officer = db.session.scalars(select(User).where(User.username == officer_name)).one()
    officer.language = "fr"  # a French officer reads the columns by their French headings
    db.session.commit()
    french = _import(client, exercise, bad).get_data(as_text=True)
    assert "ligne 3 : diffusion_prevue" in french and "ligne 3 : planned_release" not in french

    good = HEADER + (
        "1,D+0 08:00,2030-06-01 08:30,SIMCELL,nation,NPL,radio,Refugees at the bridge,Report to HQ,1;2,no\n"
        "2,D+0 09:00,2030-06-01 09:00,UN OCHA,nation,NOR,e-mail,=HYPERLINK(\"http://x\"),Ask for details,2,yes\n")
    assert _import(client, exercise, good).status_code == 302
    db.session.expire_all()
    injects = db.session.query(Inject).filter_by(exercise_id=exercise.id).order_by(Inject.number).all()
    assert [i.number for i in injects] == [1, 2]
    assert injects[0].planned_at == dt.datetime(2030, 6, 1, 6, 30, tzinfo=UTC)  # 08:30 Oslo summer time
    assert [o.number for o in injects[0].objectives] == [1, 2] and injects[1].contingency


def test_export_carries_the_marking_and_neutralises_formulas(exercise, make_user, client, app):
    app.config["CLASSIFICATION_MARKING"] = "UN RESTRICTED"
    app.config["RELEASABILITY_MARKING"] = "RELEASABLE TO NPL, NOR"
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    _import(client, exercise, HEADER + "7,D+0,2030-06-01 09:00,=cmd|' /C calc'!A0,nation,NOR,@SUM(1),+danger,-x,1,no\n")
    response = client.get(f"/exercises/{exercise.id}/msel.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["UN RESTRICTED // RELEASABLE TO NPL, NOR"] and rows[-1] == rows[0]
    data = rows[2]
    assert data[0] == "7" and data[2] == "2030-06-01 09:00"
    assert data[3].startswith("'=") and data[7] == "'+danger" and data[8] == "'-x"
    assert data[6] == "'@SUM(1)"
    page = client.get(f"/exercises/{exercise.id}/msel").get_data(as_text=True)
    assert "UN RESTRICTED // RELEASABLE TO NPL, NOR" in page


def test_export_can_be_imported_again(exercise, make_exercise, make_user, client, db):
    from trainer.exercises.models import Inject

    login(client, make_user("training_officer", "nation", nation="NPL").username)
    _import(client, exercise, HEADER + "1,D+0,2030-06-01 09:00,SIM,nation,NOR,radio,=1+1,,1,no\n")
    exported = client.get(f"/exercises/{exercise.id}/msel.csv").data
    twin = make_exercise(lead="NPL", nations=("NOR",), start=START, end=START + dt.timedelta(days=1),
                         timezone="Europe/Oslo", objectives=2)
    response = client.post(f"/exercises/{twin.id}/msel/import", data={"file": (io.BytesIO(exported), "m.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.query(Inject).filter_by(exercise_id=twin.id).one().message == "=1+1"


def test_release_in_one_action_during_conduct_only(exercise, make_person, add_participant, make_user, client, db):
    from trainer.exercises.models import Exercise, Inject

    controller = _user_with_role(exercise, "controller", make_person, add_participant, make_user)
    inject = Inject(exercise_id=exercise.id, number=1, planned_at=START, to_type="nation", to_nation_code="NPL",
                    message="Crowd at the gate")
    db.session.add(inject)
    db.session.commit()
    login(client, controller.username)
    assert client.post(f"/exercises/{exercise.id}/msel/{inject.id}/release").status_code == 422
    db.session.get(Exercise, exercise.id).status = "in_conduct"
    db.session.commit()
    assert client.post(f"/exercises/{exercise.id}/msel/{inject.id}/release").status_code == 302
    db.session.expire_all()
    released = db.session.get(Inject, inject.id)
    assert released.status == "released" and released.released_at is not None
    assert client.post(f"/exercises/{exercise.id}/msel/{inject.id}/release").status_code == 422


def _planned_inject(db, exercise, status=None):
    """Inject 1 of the exercise, planned (the exercise moved to `status` first, when given)."""
    from trainer.exercises.models import Exercise, Inject

    inject = Inject(exercise_id=exercise.id, number=1, planned_at=START, to_type="nation", to_nation_code="NPL",
                    message="Crowd at the gate")
    db.session.add(inject)
    if status:
        db.session.get(Exercise, exercise.id).status = status
    db.session.commit()
    return inject


def _inject_form(inject, **changes):
    data = {"number": str(inject.number), "scenario_time": "", "planned_release": "2030-06-01T09:00", "fold": "",
            "from_": "SIMCELL", "recipient": "nation|NPL", "method": "radio", "message": inject.message,
            "expected_action": "", "version": str(inject.version)}
    data.update(changes)
    return data


def test_two_controllers_editing_one_inject_are_told_and_nothing_is_lost(exercise, make_person, add_participant,
                                                                         make_user, app, db):
    from trainer.audit.models import AuditEvent
    from trainer.exercises.models import Inject

    inject = _planned_inject(db, exercise)
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        login(client, _user_with_role(exercise, "controller", make_person, add_participant, make_user).username)
        assert 'name="version" type="hidden" value="1"' in client.get(
            f"/exercises/{exercise.id}/msel/{inject.id}/edit").get_data(as_text=True)
    url = f"/exercises/{exercise.id}/msel/{inject.id}/edit"
    assert first.post(url, data=_inject_form(inject, message="Crowd of 200 at the gate", method="phone")).status_code == 302
    stale = second.post(url, data=_inject_form(inject, scenario_time="D+1 06:00"))
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Someone else saved inject 1 while you were editing it" in page
    assert "Crowd of 200 at the gate" in page and 'value="D+1 06:00"' in page   # theirs shown, mine kept
    db.session.expire_all()
    saved = db.session.get(Inject, inject.id)
    assert (saved.message, saved.method, saved.scenario_time, saved.version) == ("Crowd of 200 at the gate", "phone", "", 2)
    # the form now carries the version shown: saving again replaces it knowingly
    assert 'name="version" type="hidden" value="2"' in page
    again = second.post(url, data=_inject_form(inject, message="Crowd of 200 at the gate", method="phone",
                                               scenario_time="D+1 06:00", version="2"))
    assert again.status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="msel.inject.update").order_by(AuditEvent.id).first()
    details = json.loads(event.details)
    # the log keeps what the edit changed, before and after (the form moved the release to 09:00 in Oslo)
    assert set(details["before"]) == set(details["after"]) == {"message", "method", "from_text", "planned_at"}
    assert (details["before"]["message"], details["after"]["message"]) == ("Crowd at the gate", "Crowd of 200 at the gate")
    assert (details["before"]["method"], details["after"]["method"]) == ("", "phone") and details["number"] == 1


def test_a_released_inject_is_on_record_and_no_longer_changes(exercise, make_person, add_participant, make_user,
                                                              client, db):
    from trainer.exercises.models import Inject

    controller = _user_with_role(exercise, "controller", make_person, add_participant, make_user)
    inject = _planned_inject(db, exercise, status="in_conduct")
    login(client, controller.username)
    assert client.post(f"/exercises/{exercise.id}/msel/{inject.id}/release").status_code == 302
    assert f"/msel/{inject.id}/edit" not in client.get(f"/exercises/{exercise.id}/msel").get_data(as_text=True)
    db.session.expire_all()
    inject = db.session.get(Inject, inject.id)
    refused = client.post(f"/exercises/{exercise.id}/msel/{inject.id}/edit",
                          data=_inject_form(inject, message="EDITED AFTER RELEASE"))
    assert refused.status_code == 422
    assert "Inject 1 was released: it is on record and no longer changes." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Inject, inject.id).message == "Crowd at the gate"


def test_a_release_racing_an_edit_is_a_conflict_not_an_error(exercise, make_person, add_participant, make_user,
                                                               client, db, monkeypatch):
    """An edit saved between the release's read and its write: the release is refused as a conflict, kept nowhere."""
    from sqlalchemy import update

    from trainer.exercises import msel
    from trainer.exercises.models import Inject

    controller = _user_with_role(exercise, "controller", make_person, add_participant, make_user)
    inject = _planned_inject(db, exercise, status="in_conduct")
    login(client, controller.username)
    real = msel.utcnow

    def an_edit_lands_meanwhile():
        db.session.execute(update(Inject).values(version=Inject.version + 1),
                           execution_options={"synchronize_session": False})
        return real()

    monkeypatch.setattr(msel, "utcnow", an_edit_lands_meanwhile)
    raced = client.post(f"/exercises/{exercise.id}/msel/{inject.id}/release")
    assert raced.status_code == 409 and "Someone else changed this at the same time" in raced.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Inject, inject.id).status == "planned"


def test_evaluator_reads_but_cannot_change_the_msel(exercise, make_person, add_participant, make_user, client):
    evaluator = _user_with_role(exercise, "evaluator", make_person, add_participant, make_user)
    login(client, evaluator.username)
    response = _import(client, exercise, HEADER + "1,,2030-06-01 09:00,,nation,NPL,,Hello,,,no\n")
    assert response.status_code == 422 and "you can read it" in response.get_data(as_text=True)


def test_a_download_of_the_msel_is_logged_as_a_read_of_a_marked_document(exercise, make_user, client, app, caplog):
    app.config["CLASSIFICATION_MARKING"] = "UN RESTRICTED"
    app.config["RELEASABILITY_MARKING"] = ""
    officer = make_user("training_officer", "nation", nation="NPL")
    login(client, officer.username)
    with caplog.at_level(logging.INFO, logger="trainer.document_reads"):
        response = client.get(f"/exercises/{exercise.id}/msel.csv", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert response.status_code == 200
    lines = [r for r in caplog.records if r.name == "trainer.document_reads"]
    assert len(lines) == 1
    read = json.loads(lines[0].getMessage())
    assert read["event"] == "document.read" and read["user_id"] == officer.id and read["username"] == officer.username
    assert read["exercise_id"] == exercise.id and read["exercise"] == exercise.code
    assert read["document"] == f"MSEL-{exercise.code}.csv" and read["marking"] == "UN RESTRICTED"
    assert read["client"] == "192.0.2.10"
    assert dt.datetime.fromisoformat(read["at"]) > dt.datetime.now(UTC) - dt.timedelta(minutes=1)


def test_a_download_of_the_msel_writes_nothing_to_the_database(exercise, make_user, client, db, count_queries):
    from trainer.audit.models import AuditEvent

    login(client, make_user("training_officer", "nation", nation="NPL").username)
    events = db.session.query(AuditEvent).count()
    with count_queries() as queries:
        assert client.get(f"/exercises/{exercise.id}/msel.csv").status_code == 200
    writes = [s for s in queries.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    db.session.expire_all()
    assert db.session.query(AuditEvent).count() == events


def test_a_download_is_not_failed_by_a_log_that_cannot_be_written(exercise, make_user, client, monkeypatch):
    from trainer.exercises import document_reads

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(document_reads.logger, "info", broken)
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.get(f"/exercises/{exercise.id}/msel.csv")
    assert response.status_code == 200 and "number,scenario_time" in response.get_data(as_text=True)


def test_an_oversized_cell_is_refused_naming_its_row_and_column(exercise, make_user, client, db):
    from trainer.exercises.models import Inject

    login(client, make_user("training_officer", "nation", nation="NPL").username)
    huge = "x" * 131073
    text = HEADER + (
        "1,D+0,2030-06-01 09:00,SIM,nation,NPL,radio,Fine,,1,no\n"
        f'2,D+0,2030-06-01 09:00,SIM,nation,NPL,radio,"{huge}",,1,no\n')
    response = _import(client, exercise, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "row 3: message" in page and "131,072 characters" in page
    db.session.expire_all()
    assert db.session.query(Inject).filter_by(exercise_id=exercise.id).count() == 0


def test_nul_bytes_are_removed_and_the_import_says_where(exercise, make_user, client, db):
    from trainer.exercises.models import Inject

    login(client, make_user("training_officer", "nation", nation="NPL").username)
    text = HEADER + "1,D+0,2030-06-01 09:00,SIM,nation,NPL,radio,Refugees\x00 at the bridge,,1,no\n"
    response = _import(client, exercise, text)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 inject imported." in page and "row 2: message: A NUL byte" in page
    db.session.expire_all()
    assert db.session.query(Inject).filter_by(exercise_id=exercise.id).one().message == "Refugees at the bridge"


def test_a_file_with_old_mac_line_endings_is_read(exercise, make_user, client, db):
    from trainer.exercises.models import Inject

    login(client, make_user("training_officer", "nation", nation="NPL").username)
    text = (HEADER + "1,D+0,2030-06-01 09:00,SIM,nation,NPL,radio,Crowd at the gate,,1,no\n").replace("\n", "\r")
    assert _import(client, exercise, text).status_code == 302
    db.session.expire_all()
    assert db.session.query(Inject).filter_by(exercise_id=exercise.id).one().message == "Crowd at the gate"
