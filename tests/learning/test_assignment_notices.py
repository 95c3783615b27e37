"""A trainee is told when they are assigned a module or a readiness profile: to them, or to a unit above them
(every account in the unit's subtree, found in bulk), each in the account's own language, once."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.conftest import login
from trainer.db import utc_today


def _notes(db, user):
    from trainer.auth.models import Notification

    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_assigning_a_module_to_a_person_tells_their_account(app, db, curricula_loaded, make_person, make_user):
    from trainer.learning import services

    person = make_person()
    account = make_user("trainee", "self", person=person, username="t.assigned")
    officer = make_user("training_officer", "nation", nation="NPL")
    due = utc_today() + dt.timedelta(days=30)
    with app.test_request_context():
        row = services.assign(officer, kind="module", code="TS-01", person_id=person.id, due_on=due)
        db.session.commit()
    [note] = _notes(db, account)
    assert note.kind == "assignment" and note.link == "/curricula/modules/TS-01"
    assert note.subject == "New training for you: TS-01 Module TS-01"
    assert "by " + due.strftime("%d %b %Y") in note.body
    assert note.dedupe_key == f"assignment:module:{row.id}"


def test_each_account_reads_the_notice_in_its_own_language(app, db, curricula_loaded, make_person, make_user):
    from flask_babel import force_locale, gettext

    from trainer.learning import services

    person = make_person()
    account = make_user("trainee", "self", person=person, username="t.francophone")
    account.language = "fr"
    db.session.commit()
    officer = make_user("training_officer", "nation", nation="NPL")
    with app.test_request_context():  # the officer works in English
        services.assign(officer, kind="module", code="TS-01", person_id=person.id, due_on=None)
        db.session.commit()
        with force_locale("fr"):
            expected = gettext("New training for you: %(code)s %(title)s", code="TS-01", title="Module TS-01 (fr)")
    [note] = _notes(db, account)
    assert note.subject == expected       # the module's French title, in the French sentence


def test_assigning_a_profile_to_a_unit_tells_every_account_below_it_in_a_fixed_number_of_queries(
        app, db, curricula_loaded, make_unit, make_person, make_user, count_queries):
    from trainer.learning import services

    top = make_unit(nation="NPL", code="NPL-TOP")
    company = make_unit(nation="NPL", code="NPL-COY", parent=top)
    elsewhere = make_unit(nation="NPL", code="NPL-OTHER")
    officer = make_user("training_officer", "nation", nation="NPL")
    reached = [make_user("trainee", "self", person=make_person(unit=unit)) for unit in (top, company, company)]
    outside = make_user("trainee", "self", person=make_person(unit=elsewhere))
    disabled = make_user("trainee", "self", person=make_person(unit=company))
    disabled.disabled = True
    make_person(unit=company)                     # no account: nobody to tell
    db.session.commit()
    with app.test_request_context():
        with count_queries() as few:
            services.assign(officer, kind="profile", code="TST-PROFILE", unit_id=top.id, due_on=None)
        db.session.commit()
    assert all(len(_notes(db, user)) == 1 for user in reached)
    assert _notes(db, reached[0])[0].subject == "New readiness profile for you: Test profile"
    assert _notes(db, outside) == [] and _notes(db, disabled) == []

    for _ in range(10):
        make_user("trainee", "self", person=make_person(unit=company))
    with app.test_request_context():
        with count_queries() as many:
            services.assign(officer, kind="module", code="TS-02", unit_id=top.id, due_on=None)
        db.session.commit()
    # The accounts are found in one query however many there are (each notice is then one row written).
    assert _reads(many) == _reads(few)
    assert len(_notes(db, reached[1])) == 2


def _reads(counter) -> int:
    return sum(1 for statement in counter.statements if statement.lstrip().upper().startswith("SELECT"))


def test_the_trainee_finds_the_notice_in_the_menu_after_an_officer_assigns(client, db, curricula_loaded,
                                                                           make_person, make_user):
    person = make_person()
    make_user("trainee", "self", person=person, username="t.menu")
    make_user("training_officer", "nation", nation="NPL", username="o.menu")
    login(client, "o.menu")
    response = client.post("/learning/assign", data={"code": "TS-01", "person_id": str(person.id)})
    assert response.status_code == 302
    client.post("/logout")
    login(client, "t.menu")
    page = client.get("/notifications").get_data(as_text=True)
    assert "New training for you: TS-01" in page
    assert '1<span class="visually-hidden"> unread</span>' in client.get("/").get_data(as_text=True)
