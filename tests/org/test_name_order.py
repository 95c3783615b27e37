"""Names are printed in the person's own order: family name first (without a space between CJK names) for
Chinese, Japanese and Korean names by default, and whatever a record says otherwise."""
from trainer.org.names import FAMILY_FIRST, GIVEN_FIRST, default_name_order, display_name, format_name, name_order


def test_cjk_names_print_family_name_first_without_a_space():
    assert default_name_order("欧阳", "明华") == FAMILY_FIRST
    assert format_name("明华", "欧阳") == "欧阳明华"
    assert format_name("花子", "山田") == "山田花子"
    assert format_name("민준", "김") == "김민준"


def test_other_scripts_print_given_names_first_unless_the_record_says_otherwise():
    assert default_name_order("Nagy", "János") == GIVEN_FIRST
    assert format_name("János", "Nagy") == "János Nagy"
    assert format_name("János", "Nagy", FAMILY_FIRST) == "Nagy János"            # Hungarian order, chosen
    assert format_name("Minghua", "Ouyang", FAMILY_FIRST) == "Ouyang Minghua"     # Latin form of a CJK name
    assert format_name("Rajesh", "Thapa", "nonsense") == "Rajesh Thapa"
    assert format_name("Anna", "") == "Anna"


def test_one_rule_decides_the_order_a_record_prints_in():
    assert name_order(None, "欧阳", "明华") == FAMILY_FIRST
    assert name_order(GIVEN_FIRST, "欧阳", "明华") == GIVEN_FIRST                # the record chose otherwise
    assert name_order("nonsense", "Nagy", "János") == GIVEN_FIRST               # an unknown value: the default
    assert display_name("明华", "欧阳", "Minghua", "Ouyang", "nonsense") == "欧阳明华 (Ouyang Minghua)"


def test_a_shown_name_gives_the_latin_form_beside_the_native_one_only_when_they_differ():
    assert display_name("明华", "欧阳", "Minghua", "Ouyang") == "欧阳明华 (Ouyang Minghua)"
    assert display_name("János", "Nagy", "Janos", "Nagy", FAMILY_FIRST) == "Nagy János (Nagy Janos)"
    assert display_name("Rajesh", "Thapa", "Rajesh", "Thapa") == "Rajesh Thapa"


def test_a_person_record_prints_both_forms_in_its_order(db, make_person, login_as, client):
    person = make_person(family_name="欧阳", given_names="明华", family_name_latin="Ouyang",
                         given_names_latin="Minghua")
    assert person.full_name == "欧阳明华" and person.full_name_latin == "Ouyang Minghua"
    hungarian = make_person(family_name="Nagy", given_names="János")
    assert hungarian.full_name == "János Nagy"
    person.name_order = "nonsense"                                              # as an older row might hold
    assert person.order == FAMILY_FIRST and person.display_name == "欧阳明华 (Ouyang Minghua)"

    login_as("admin")
    values = {"service_number": hungarian.service_number, "family_name": "Nagy", "given_names": "János",
              "family_name_latin": "Nagy", "given_names_latin": "Janos", "name_order": FAMILY_FIRST,
              "rank_code": hungarian.rank_code, "national_rank": "", "category": hungarian.category, "email": "",
              "screening": hungarian.screening, "version": str(hungarian.version)}
    response = client.post(f"/personnel/{hungarian.id}/edit", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert hungarian.full_name == "Nagy János" and hungarian.full_name_latin == "Nagy Janos"
    assert "Nagy János" in client.get(f"/personnel/{hungarian.id}").get_data(as_text=True)
