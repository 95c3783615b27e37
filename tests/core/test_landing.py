"""Each role's start page shows its own figures, drawn from a few queries whatever the size of the scope."""
import datetime as dt
import re

import pytest

from tests.conftest import login
from tests.learning.conftest import curricula_loaded  # noqa: F401 - fixture
from trainer.db import utc_today


def _start_page(client, text_only=True) -> str:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return " ".join((re.sub(r"<[^>]+>", "", html) if text_only else html).split())


def test_trainee_sees_required_modules_done_overdue_and_next_due(client, db, make_unit, make_person, make_user,
                                                                 curricula_loaded):  # noqa: F811
    from trainer.curricula.services import get_module
    from trainer.learning import services

    unit = make_unit(nation="NPL", code="NPL-BN1")
    person = make_person(unit=unit, family_name="Gurung")
    user = make_user("trainee", "self", person=person, username="t.gurung")
    officer = make_user("training_officer", "nation", nation="NPL")
    today = utc_today()
    services.assign(officer, kind="module", code="TS-01", person_id=person.id, due_on=today - dt.timedelta(days=3),
                    today=today - dt.timedelta(days=10))
    services.assign(officer, kind="module", code="TS-02", person_id=person.id, due_on=today + dt.timedelta(days=20))
    db.session.commit()
    login(client, user.username)
    page = _start_page(client)
    assert "0 of 2 required modules done; 1 overdue." in page
    assert "Next: TS-01" in page

    services.record_completion(officer, person, get_module("TS-01"), method="classroom", completed_on=today)
    db.session.commit()
    page = _start_page(client)
    assert "1 of 2 required modules done." in page and "overdue" not in page
    assert "Next: TS-02" in page and f"due {(today + dt.timedelta(days=20)).strftime('%d %b %Y')}" in page


@pytest.mark.parametrize("size", [3, 30])
def test_officer_sees_people_and_expiring_completions_in_scope_only(client, db, make_unit, make_person, make_user,
                                                                    curricula_loaded, count_queries, size):  # noqa: F811
    from trainer.curricula.services import get_module
    from trainer.learning import services

    mine = make_unit(nation="NPL", code="NPL-BN1")
    other = make_unit(nation="FRA", code="FRA-BN1")
    people = [make_person(unit=mine) for _ in range(size)]
    stranger = make_person(unit=other)
    officer = make_user("training_officer", "nation", nation="NPL")
    module = get_module("TS-01")
    # A completion valid for the module's months from long ago lapses soon; one from today does not.
    soon = utc_today() - dt.timedelta(days=module.validity_months * 30 - 10)
    for person in (people[0], stranger):
        services.record_completion(officer, person, module, method="classroom", completed_on=soon)
    services.record_completion(officer, people[1], module, method="classroom", completed_on=utc_today())
    db.session.commit()
    login(client, officer.username)
    with count_queries() as q:
        page = _start_page(client)
    assert f"{size} active people in your scope; 1 completion expires within 60 days." in page
    assert q.count <= 15


def test_commander_sees_people_in_scope_and_a_link_to_readiness(client, make_unit, make_person, make_user):
    unit = make_unit(nation="RWA", code="RWA-BN1")
    make_person(unit=unit)
    make_person(unit=make_unit(nation="NPL", code="NPL-BN1"))
    commander = make_user("commander", "nation", nation="RWA")
    login(client, commander.username)
    assert "1 active person in your scope" in _start_page(client)
    assert 'href="/readiness/">Percentage ready' in _start_page(client, text_only=False)


def test_admin_sees_accounts_and_audit_events(client, db, make_user):
    admin = make_user("admin")
    make_user("commander").disabled = True
    db.session.commit()
    login(client, admin.username)
    page = _start_page(client)
    assert "2 accounts (1 disabled);" in page and "audit events" in page
    assert 'href="/admin/audit/verify"' in _start_page(client, text_only=False)


def test_each_card_leads_with_the_role_s_next_action(client, db, make_unit, make_person, make_user):
    unit = make_unit(nation="NPL", code="NPL-BN1")
    make_person(unit=unit)
    make_person(unit=unit)
    officer = make_user("training_officer", "nation", nation="NPL")
    login(client, officer.username)
    html = _start_page(client, text_only=False)
    assert 'href="/personnel?account=none">Create accounts for the 2 people who have none' in html
    client.post("/logout")

    commander = make_user("commander", "nation", nation="NPL")
    login(client, commander.username)
    assert 'href="/readiness/">Check who is ready today' in _start_page(client, text_only=False)
    client.post("/logout")

    admin = make_user("admin")
    make_user(role=None, username="newcomer")
    login(client, admin.username)
    assert 'href="/admin/users">Give a role to the 1 account that has none' in _start_page(client, text_only=False)


def test_a_trainee_with_everything_done_is_led_to_their_readiness(client, make_unit, make_person, make_user):
    person = make_person(unit=make_unit(nation="NPL", code="NPL-BN1"))
    trainee = make_user("trainee", "self", person=person)
    login(client, trainee.username)
    page = _start_page(client, text_only=False)
    assert f'href="/readiness/people/{person.id}">see your readiness' in page
    assert f'href="/readiness/people/{person.id}">My readiness' in page


def test_a_module_title_without_a_translation_is_marked_as_english(client, db, make_unit, make_person, make_user,
                                                                   curricula_loaded):  # noqa: F811
    from trainer.curricula.services import get_module
    from trainer.learning import services

    person = make_person(unit=make_unit(nation="NPL", code="NPL-BN1"))
    trainee = make_user("trainee", "self", person=person)
    trainee.language = "fr"
    officer = make_user("training_officer", "nation", nation="NPL")
    services.assign(officer, kind="module", code="TS-01", person_id=person.id, due_on=None)
    module = get_module("TS-01")
    module.title = {"en": "Only in English"}
    db.session.commit()
    login(client, trainee.username)
    assert '<span lang="en">Only in English</span>' in _start_page(client, text_only=False)
