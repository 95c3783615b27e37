"""Who sees which exercise and which personnel records."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login
from trainer.auth import scoping


def test_unrelated_nation_gets_404_for_the_exercise_and_its_pages(make_exercise, client, make_user, make_nation):
    ex = make_exercise(lead="NPL", nations=("FRA",))
    make_nation("KEN")
    login(client, make_user("training_officer", "nation", nation="KEN").username)
    for path in ("", "/participants", "/objectives", "/conflicts", "/milestones", ".ics"):
        assert client.get(f"/exercises/{ex.id}{path}").status_code == 404, path
    assert ex.code not in client.get("/exercises/?when=all").get_data(as_text=True)


def test_participating_nation_sees_the_exercise_in_its_calendar(make_exercise, client, make_user):
    ex = make_exercise(lead="NPL", nations=("FRA",))
    login(client, make_user("commander", "nation", nation="FRA").username)
    assert client.get(f"/exercises/{ex.id}").status_code == 200
    assert ex.code in client.get("/exercises/?when=all").get_data(as_text=True)


def test_other_nation_sees_name_rank_nation_but_never_the_record(make_exercise, make_unit, make_person,
                                                                 add_participant, client, make_user, db):
    ex = make_exercise(lead="NPL", nations=("FRA",))
    npl_unit = make_unit(nation="NPL", code="NPL-SECRET-COY")
    confirmed = make_person(unit=npl_unit, family_name="Gurung", given_names="Bishnu", rank_code="OF-3",
                            service_number="NP-777")
    nominated = make_person(unit=npl_unit, family_name="Tamang", given_names="Hari")
    add_participant(ex, confirmed, status="confirmed")
    add_participant(ex, nominated, status="nominated")
    fra_officer = make_user("training_officer", "nation", nation="FRA")
    login(client, fra_officer.username)
    page = client.get(f"/exercises/{ex.id}/participants").get_data(as_text=True)
    assert "Gurung" in page and "OF-3" in page and "NPL" in page
    assert f"/people/{confirmed.id}" not in page
    assert "NP-777" not in page and "NPL-SECRET-COY" not in page
    assert "Tamang" not in page  # another nation's nomination is not theirs to see
    # And they cannot nominate the other nation's personnel: the record is out of their scope.
    response = client.post(f"/exercises/{ex.id}/nominate", data={"person_id": nominated.id, "role": "player"})
    assert response.status_code == 404
    nominate_page = client.get(f"/exercises/{ex.id}/nominate").get_data(as_text=True)
    assert "Tamang" not in nominate_page and "Gurung" not in nominate_page


def test_lead_officer_sees_every_nomination(make_exercise, make_person, add_participant, client, make_user):
    ex = make_exercise(lead="NPL", nations=("FRA",))
    fra = make_person(nation="FRA", family_name="Dupont")
    add_participant(ex, fra, status="nominated")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    page = client.get(f"/exercises/{ex.id}/participants").get_data(as_text=True)
    assert "Dupont" in page and "Confirm" in page


def test_evaluator_reaches_exercise_and_its_people_only_when_confirmed(make_exercise, make_person, add_participant,
                                                                      client, make_user, db):
    from trainer.org.models import Person

    ex = make_exercise(lead="NPL", nations=("RWA",))
    evaluator_person = make_person(nation="RWA")
    player = make_person(nation="NPL")
    outsider = make_person(nation="NPL")
    participant = add_participant(ex, evaluator_person, role="lead_evaluator", status="nominated")
    add_participant(ex, player, role="player")
    evaluator = make_user("evaluator", "exercises", person=evaluator_person)
    login(client, evaluator.username)
    assert client.get(f"/exercises/{ex.id}").status_code == 404
    participant.status = "confirmed"
    db.session.commit()
    assert client.get(f"/exercises/{ex.id}").status_code == 200
    reachable = set(db.session.scalars(select(Person.id).where(
        scoping.scope_condition(evaluator, "person", ("evaluator",)))))
    assert player.id in reachable and outsider.id not in reachable


def test_trainee_sees_only_exercises_they_are_confirmed_in(make_exercise, make_person, add_participant, client,
                                                          make_user):
    mine = make_exercise(lead="NPL")
    other = make_exercise(lead="NPL")
    person = make_person(nation="NPL")
    add_participant(mine, person, role="player")
    login(client, make_user("trainee", "self", person=person).username)
    assert client.get(f"/exercises/{mine.id}").status_code == 200
    assert client.get(f"/exercises/{other.id}").status_code == 404
