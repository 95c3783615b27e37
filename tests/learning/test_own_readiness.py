"""A trainee reaches their own readiness: on the start page and in My training (ready or not for each profile that
applies to them, what to do next, the day it lapses), and from the menu's Readiness entry."""
from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.curricula.factories import write_curricula
from trainer.learning.rules import add_months

EASY = {"code": "TST-EASY", "title": {"en": "Easy profile", "fr": "Profil facile"}, "audience": "military",
        "required_modules": ["TS-01"], "screening_required": True, "warning_days": 30}


@pytest.fixture
def trainee(app, db, tmp_path, make_unit, make_person, make_user):
    from trainer.curricula.services import import_paths
    from trainer.learning.models import ProfileAssignment

    report = import_paths(None, [str(write_curricula(tmp_path / "curricula", profile=EASY))])
    assert report.ok, report.problems
    unit = make_unit(nation="NPL", code="NPL-EASY")
    person = make_person(unit=unit, family_name_latin="Rai", given_names_latin="Asha")
    db.session.add(ProfileAssignment(profile_code="TST-EASY", unit_id=unit.id))
    db.session.commit()
    return make_user("trainee", "self", person=person, username="t.rai")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_standing_says_not_ready_and_what_to_do_then_ready_until_the_day_it_lapses(app, db, trainee):
    from trainer.curricula.services import get_module
    from trainer.db import utc_today
    from trainer.learning.services import record_completion
    from trainer.learning.standing import own_standing

    today, person = utc_today(), trainee.person
    with app.test_request_context():
        [standing] = own_standing(person, today)
        assert (standing.profile_code, standing.title, standing.ready, standing.open_count) == \
            ("TST-EASY", {"en": "Easy profile", "fr": "Profil facile"}, False, 1)
        assert standing.step.text == "Complete TS-01 Module TS-01." and standing.step.module_code == "TS-01"
        assert standing.until is None

        record_completion(None, person, get_module("TS-01"), method="classroom", completed_on=today)
        db.session.commit()
        [standing] = own_standing(person, today)
        lapses = add_months(today, 12)
        assert standing.ready and standing.until == lapses
        assert standing.step.text == f"Complete TS-01 Module TS-01 again before {lapses:%d %b %Y} to stay ready."

        person.screening = "hold"
        db.session.commit()
        [standing] = own_standing(person, today)
        assert not standing.ready and "screening is on hold" in standing.step.text


def test_a_trainee_without_a_profile_is_told_so(app, db, curricula_loaded, make_person, make_user, client):
    make_user("trainee", "self", person=make_person(), username="t.none")
    login(client, "t.none")
    assert "No readiness profile applies to you yet." in client.get("/").get_data(as_text=True)
    assert "No readiness profile applies to you yet." in client.get("/learning/").get_data(as_text=True)


def test_the_start_page_and_my_training_show_own_readiness_with_a_link_to_the_details(client, trainee):
    login(client, "t.rai")
    person_id = trainee.person_id
    for url in ("/", "/learning/"):
        html = client.get(url).get_data(as_text=True)
        text = _text(html)
        assert "Easy profile TST-EASY Not ready — 1 requirement not met" in text
        assert "What to do next: Complete TS-01 Module TS-01." in text
        assert f'href="/readiness/people/{person_id}?profile=TST-EASY"' in html
        assert 'href="/curricula/modules/TS-01"' in html
    assert client.get(f"/readiness/people/{person_id}?profile=TST-EASY").status_code == 200


def test_the_menu_takes_a_trainee_to_their_own_readiness_and_an_officer_to_the_dashboard(
        client, db, trainee, make_user):
    login(client, "t.rai")
    nav = client.get("/learning/").get_data(as_text=True).split("</nav>")[0]
    assert re.search(rf'<a class="nav-link[^"]*" href="/readiness/people/{trainee.person_id}">Readiness</a>', nav)
    assert client.get(f"/readiness/people/{trainee.person_id}").status_code == 200
    client.post("/logout")

    make_user("training_officer", "nation", nation="NPL", username="o.nav")
    login(client, "o.nav")
    nav = client.get("/learning/").get_data(as_text=True).split("</nav>")[0]
    assert re.search(r'<a class="nav-link[^"]*" href="/readiness/">Readiness</a>', nav)


def test_an_account_without_a_person_has_no_readiness_entry(client, db, trainee, make_user):
    make_user("evaluator", "exercises", username="e.nobody")
    login(client, "e.nobody")
    nav = client.get("/learning/").get_data(as_text=True).split("</nav>")[0]
    assert ">Readiness</a>" not in nav


def test_an_evaluator_sees_their_own_standing_without_a_link_the_policy_would_refuse(client, db, trainee,
                                                                                      make_person, make_user):
    """An evaluator's account reads no readiness pages, its own person's included: My training shows the
    standing and the next step, and offers no details link that would answer 403."""
    make_user("evaluator", "exercises", person=make_person(unit=trainee.person.unit), username="e.own")
    login(client, "e.own")
    html = client.get("/learning/").get_data(as_text=True)
    assert "Easy profile TST-EASY Not ready — 1 requirement not met" in _text(html)
    assert 'href="/curricula/modules/TS-01"' in html
    assert "/readiness/people/" not in html and "Details for" not in html
