"""The person picker: finding a person by name (any script, no accents needed) or service number, only in
the user's scope, as JSON for the combobox and as a results step for forms submitted without JavaScript."""
import re

from sqlalchemy import select

from tests.learning.conftest import curricula_loaded  # noqa: F401 - fixture
from trainer.org.lookup import lookup_people


def _found(actor, q, **kwargs):
    return [p.id for p in lookup_people(actor, q, **kwargs).people]


def test_lookup_finds_by_name_without_accents_in_any_script_or_by_service_number(db, make_person, make_user,
                                                                                  npl_units, make_unit):
    fra = make_unit(nation="FRA", code="FRA-BN")
    helene = make_person(unit=fra, family_name="Dupré", given_names="Hélène", service_number="FR-100234")
    ram = make_person(unit=npl_units["a"], family_name="श्रेष्ठ", given_names="राम", family_name_latin="Shrestha",
                      given_names_latin="Rām", service_number="NA-1001")
    make_person(unit=npl_units["a"], family_name="Dupont", given_names="Jean", service_number="NA-1001-B")
    admin = make_user("admin")

    assert _found(admin, "helene dupre") == [helene.id]
    assert _found(admin, "HÉLÈNE") == [helene.id]
    assert _found(admin, "श्रेष्ठ") == [ram.id]
    assert _found(admin, "ram shre") == [ram.id]
    assert _found(admin, "fr-100234") == [helene.id]
    # The exact service number comes before others that merely contain it.
    assert _found(admin, "NA-1001")[0] == ram.id and len(_found(admin, "NA-1001")) == 2
    assert _found(admin, "h") == [] and lookup_people(admin, "h").too_short


def test_lookup_never_returns_people_out_of_scope_or_out_of_service(db, make_person, make_user, npl_units, make_unit):
    from trainer.org.people import mark_left_service

    fra = make_unit(nation="FRA", code="FRA-BN")
    make_person(unit=fra, family_name="Lefèvre", given_names="Anaïs")
    mine = make_person(unit=npl_units["a"], family_name="Lefebvre", given_names="Anil")
    gone = make_person(unit=npl_units["a"], family_name="Lefebvre", given_names="Old")
    mark_left_service(None, gone, gone.assignments[-1].start_on)
    db.session.commit()
    officer = make_user("training_officer", "nation", nation="NPL")
    commander = make_user("commander", "unit", unit=npl_units["b"])

    assert _found(officer, "lef", ability="training.record") == [mine.id]
    assert _found(commander, "lef", ability="org.read") == []
    # An ability the actor's grants do not carry reaches no one; an unknown one falls back to reading.
    assert _found(commander, "lef", ability="training.record") == []
    assert _found(officer, "lef", ability="no.such.ability") == [mine.id]


def test_lookup_pages_are_small_and_say_when_more_match(db, make_person, make_user, npl_units):
    for i in range(13):
        make_person(unit=npl_units["a"], family_name=f"Tamang{i:02d}")
    admin = make_user("admin")
    first = lookup_people(admin, "tamang")
    second = lookup_people(admin, "tamang", page=2)
    assert len(first.people) == 10 and first.more
    assert len(second.people) == 3 and not second.more
    assert not {p.id for p in first.people} & {p.id for p in second.people}


def test_lookup_answers_json_to_officers_and_refuses_trainees(client, db, login_as, make_person, npl_units,
                                                              make_unit):
    make_person(unit=make_unit(nation="FRA", code="FRA-BN"), family_name="Gurung", given_names="Foreign")
    me = make_person(unit=npl_units["a"], family_name="Gurung", given_names="Sita", service_number="NA-7")
    login_as("training_officer", "nation", nation="NPL")
    response = client.get("/personnel/lookup?q=gurung&ability=training.record", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json["results"]] == [me.id]
    assert response.json["results"][0]["service_number"] == "NA-7"
    assert response.json["status"] == "1 person found."
    assert client.get("/personnel/lookup?q=g").json["status"].startswith("Type at least two")
    client.post("/logout")
    login_as("trainee", "self", person=me)
    assert client.get("/personnel/lookup?q=gurung").status_code == 403


def test_without_javascript_the_typed_name_comes_back_as_choices_then_assigns(client, db, login_as, make_person,
                                                                              npl_units, curricula_loaded):  # noqa: F811
    from trainer.learning.models import ModuleAssignment

    sita = make_person(unit=npl_units["a"], family_name="Gurung", given_names="Sita")
    make_person(unit=npl_units["b"], family_name="Gurung", given_names="Hari")
    login_as("training_officer", "nation", nation="NPL")

    page = client.get(f"/learning/assign?person_id={sita.id}").get_data(as_text=True)
    assert 'value="Sita Gurung' in page  # the preselected person is shown by name, not by number
    assert 'type="number"' not in page

    response = client.post("/learning/assign", data={"code": "TS-01", "person_id": "", "person_id-q": "gurung",
                                                     "person_id-shown": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the person below" in page
    assert re.search(rf'name="person_id-pick"[^>]*value="{sita.id}"', page)
    assert 'value="gurung"' in page  # what was typed is kept
    assert db.session.scalars(select(ModuleAssignment)).all() == []

    response = client.post("/learning/assign", data={"code": "TS-01", "person_id": "", "person_id-q": "gurung",
                                                     "person_id-shown": "", "person_id-pick": str(sita.id)})
    assert response.status_code == 302
    assert [a.person_id for a in db.session.scalars(select(ModuleAssignment))] == [sita.id]


def test_text_changed_after_a_choice_searches_again_instead_of_keeping_the_old_id(client, db, login_as,
                                                                                   make_person, npl_units,
                                                                                   curricula_loaded):  # noqa: F811
    from trainer.learning.models import ModuleAssignment

    sita = make_person(unit=npl_units["a"], family_name="Gurung", given_names="Sita")
    make_person(unit=npl_units["a"], family_name="Tamang", given_names="Pemba")
    login_as("training_officer", "nation", nation="NPL")
    shown = "Sita Gurung · NPL X · Y"
    retyped = client.post("/learning/assign", data={"code": "TS-01", "person_id": str(sita.id),
                                                    "person_id-shown": shown, "person_id-q": "tamang"})
    assert retyped.status_code == 422 and "Pemba Tamang" in retyped.get_data(as_text=True)
    cleared = client.post("/learning/assign", data={"code": "TS-01", "person_id": str(sita.id),
                                                    "person_id-shown": shown, "person_id-q": ""})
    assert cleared.status_code == 422 and "Choose either one person or one unit" in cleared.get_data(as_text=True)
    kept = client.post("/learning/assign", data={"code": "TS-01", "person_id": str(sita.id),
                                                 "person_id-shown": shown, "person_id-q": shown})
    assert kept.status_code == 302
    assert [a.person_id for a in db.session.scalars(select(ModuleAssignment))] == [sita.id]


def test_nobody_found_is_said_on_the_form(client, login_as, make_person, npl_units, make_unit,
                                          curricula_loaded):  # noqa: F811
    make_person(unit=make_unit(nation="FRA", code="FRA-BN"), family_name="Dupré")
    login_as("training_officer", "nation", nation="NPL")
    response = client.post("/learning/assign", data={"code": "TS-01", "person_id-q": "dupre"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "No one in your scope matches" in page and "Dupré" not in page


def test_admin_links_a_new_account_to_a_person_found_by_service_number(client, db, login_as, make_person,
                                                                       npl_units):
    from trainer.auth.models import User

    person = make_person(unit=npl_units["a"], family_name="Rai", service_number="NA-4242")
    login_as("admin")
    form = {"username": "rai", "display_name": "Rai", "email": "", "person_id-q": "NA-4242", "person_id-shown": ""}
    response = client.post("/admin/users/new", data=form)
    assert response.status_code == 422 and f'value="{person.id}"' in response.get_data(as_text=True)
    assert client.post("/admin/users/new", data={**form, "person_id-pick": str(person.id)}).status_code == 302
    assert db.session.scalar(select(User).where(User.username == "rai")).person_id == person.id
    assert "Linked person" in client.get(f"/admin/users/new?person_id={person.id}").get_data(as_text=True)
