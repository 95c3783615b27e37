"""The completion matrix: 50 people a page, filters kept across pages and in exports, and a fixed
number of queries whatever the page holds."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import login


@pytest.fixture
def battalion(db, curricula_loaded, make_unit, make_person, make_user):
    from trainer.learning.models import ModuleAssignment

    unit = make_unit(nation="NPL", code="NPL-MX")
    people = [make_person(unit=unit, family_name_latin=f"Person{n:03d}", given_names_latin="Test")
              for n in range(55)]
    # Three people are overdue on TS-02; everyone else has nothing required.
    for person in (people[0], people[20], people[54]):
        db.session.add(ModuleAssignment(module_code="TS-02", person_id=person.id,
                                        due_on=dt.date.today() - dt.timedelta(days=3)))
    db.session.commit()
    make_user("training_officer", "nation", nation="NPL", username="o.matrix")
    return unit, people


def names(page: str) -> list[str]:
    return re.findall(r">(Person\d{3}), Test</a>", page)


def test_the_matrix_shows_fifty_people_a_page_with_a_fixed_number_of_queries(app, db, client, battalion,
                                                                              count_queries):
    unit, people = battalion
    url = f"/learning/matrix?unit_id={unit.id}"
    login(client, "o.matrix")
    with count_queries() as first_page:
        page1 = client.get(url).get_data(as_text=True)
    assert names(page1) == [f"Person{n:03d}" for n in range(50)]
    assert "People 1–50 of 55" in page1 and 'aria-current="page">1<' in page1
    with count_queries() as second_page:
        page2 = client.get(url + "&page=2").get_data(as_text=True)
    assert names(page2) == [f"Person{n:03d}" for n in range(50, 55)]
    assert "People 51–55 of 55" in page2
    assert first_page.count == second_page.count, [s[:90] for s in first_page.statements]
    # A page past the end shows the last page rather than an empty table or an error.
    assert names(client.get(f"/learning/matrix?unit_id={unit.id}&page=99").get_data(as_text=True)) == names(page2)
    assert client.get(f"/learning/matrix?unit_id={unit.id}&page=abc").status_code == 200


def test_filters_are_kept_across_pages_and_in_exports(app, db, client, battalion):
    unit, people = battalion
    login(client, "o.matrix")
    page = client.get(f"/learning/matrix?unit_id={unit.id}&status=overdue&module=TS-01&module=TS-02")
    text = page.get_data(as_text=True)
    assert names(text) == ["Person000", "Person020", "Person054"]
    assert "People 1–3 of 3" in text
    # Only the chosen modules are columns; the export carries the same filters and everybody who matches.
    assert re.findall(r'<th scope="col" class="mono"[^>]*>([A-Z]+-\d+)</th>', text) == ["TS-01", "TS-02"]
    export = re.search(r'href="([^"]*matrix/export[^"]*format=csv[^"]*)"', text).group(1).replace("&amp;", "&")
    assert "status=overdue" in export and "module=TS-01" in export and "module=TS-02" in export
    csv = client.get(export).get_data(as_text=True).splitlines()
    assert csv[0].endswith("TS-01,TS-02") and len(csv) == 4 and "overdue since" in csv[1]
    # A search that matches nobody says so.
    empty = client.get(f"/learning/matrix?unit_id={unit.id}&q=nobody-like-this").get_data(as_text=True)
    assert "Nobody matches these filters" in empty


def test_the_export_speaks_the_readers_language(app, db, client, battalion):
    from trainer.auth.models import User

    unit, _ = battalion
    db.session.scalar(db.select(User).where(User.username == "o.matrix")).language = "fr"
    db.session.commit()
    login(client, "o.matrix")
    lines = client.get(f"/learning/matrix/export?unit_id={unit.id}&status=overdue&module=TS-02&format=csv"
                       ).get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Pays,Matricule,Nom de famille,Prénoms,Unité,TS-02"
    assert "en retard depuis" in lines[1] and "overdue" not in lines[1].lower() and "due " not in lines[1]


def test_the_matrix_pages_links_keep_every_filter(app, db, client, battalion):
    unit, _ = battalion
    login(client, "o.matrix")
    text = client.get(f"/learning/matrix?unit_id={unit.id}&q=person&module=TS-01&module=TS-02").get_data(as_text=True)
    [link] = set(re.findall(r'href="([^"]*page=2[^"]*)"', text))
    link = link.replace("&amp;", "&")
    assert "q=person" in link and "module=TS-01" in link and "module=TS-02" in link
    assert names(client.get(link).get_data(as_text=True)) == [f"Person{n:03d}" for n in range(50, 55)]
