"""A commander's daily work: nation rows that drill down, the report's chart worst first, spreadsheets that open
as tables, a unit page that says why nobody is counted, sortable people, and refusals shown on their own page."""
import datetime as dt
import io
import re

import pytest

TODAY = dt.date.today()


@pytest.fixture
def mission(db, make_unit, make_person, make_module, make_profile, complete):
    """Nepal: two battalions, one half ready; France: one battalion, nobody ready."""
    module = make_module("HR-01", validity_months=24)
    make_profile("UN-PDT", modules=("HR-01",), warning_days=30)
    b1 = make_unit(nation="NPL", code="NPBATT-1")
    b2 = make_unit(nation="NPL", code="NPBATT-2")
    fra = make_unit(nation="FRA", code="FRBATT")
    ready = make_person(unit=b1, family_name="Gurung", given_names="Asha")
    complete(ready, module, TODAY - dt.timedelta(days=100))
    make_person(unit=b2, family_name="Tamang", given_names="Bishnu")
    make_person(unit=fra, family_name="Martin", given_names="Claire")
    return {"b1": b1, "b2": b2, "fra": fra, "module": module, "ready": ready}


def test_nation_rows_link_to_the_nations_own_readiness(client, login_as, mission):
    login_as("commander", "mission")
    page = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert re.search(r'href="/readiness/\?nation=NPL[^"]*">NPL — Nepal</a>', page)
    assert re.search(r'href="/readiness/\?nation=FRA[^"]*">FRA — France</a>', page)

    nepal = client.get("/readiness/?nation=NPL&profile=UN-PDT")
    assert nepal.status_code == 200
    text = nepal.get_data(as_text=True)
    assert "Readiness of Nepal — UN pre-deployment" in text
    assert 'data-testid="ready-total">1 of 2' in text
    assert "NPBATT-1" in text and "NPBATT-2" in text and "FRBATT" not in text
    # The nation's page keeps the nation when its reports are downloaded, and they hold that nation only.
    assert "/readiness/export.xlsx?" in text and "nation=NPL" in text
    report = client.get("/readiness/export.csv?profile=UN-PDT&nation=NPL").get_data(as_text=True)
    assert "Gurung" in report and "Tamang" in report and "Martin" not in report


def test_a_nation_outside_the_scope_is_not_found(client, login_as, mission):
    login_as("commander", "nation", nation="NPL")
    assert client.get("/readiness/?nation=FRA&profile=UN-PDT").status_code == 404
    assert client.get("/readiness/?nation=XXX&profile=UN-PDT").status_code == 404
    assert client.get("/readiness/export.pdf?nation=FRA&profile=UN-PDT").status_code == 404
    # A single nation in view: its row is not a link to the same figures again.
    page = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert "?nation=NPL" not in page.split("By nation", 1)[1].split("By unit (drill down)", 1)[0]


def test_the_dashboard_chart_shows_the_least_ready_units_first_and_says_how_many_it_leaves_out(
        client, db, login_as, make_unit, make_module, make_profile, bulk_people, bulk_complete):
    module = make_module("HR-01", validity_months=24)
    make_profile("UN-PDT", modules=("HR-01",))
    trained = []
    for n in range(23):  # unit A00 is ready at 0%, A01 at 1 in 23 ... A22 at 22 in 23
        unit = make_unit(nation="NPL", code=f"A{n:02d}")
        trained += bulk_people(unit, 23)[:n]
    bulk_complete(module, trained, TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=700))
    login_as("commander", "nation", nation="NPL")
    page = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    chart = page.split('class="bar-chart"', 1)[1].split("</figure>", 1)[0]
    labels = re.findall(r'<span class="bar-label"><a href="[^"]+">NPL (A\d\d)</a>', chart)
    assert labels == [f"A{n:02d}" for n in range(20)]
    assert "3 more units are not shown; every unit is in the table below." in chart
    assert "least ready first" in chart


def test_a_unit_pages_chart_lists_its_sub_units_and_not_the_unit_itself(client, login_as, mission, make_unit,
                                                                         make_person, complete):
    b1 = mission["b1"]
    company = make_unit(nation="NPL", code="NPBATT-1-A", parent=b1, kind="company")
    complete(make_person(unit=company), mission["module"], TODAY - dt.timedelta(days=10))
    make_person(unit=make_unit(nation="NPL", code="NPBATT-1-B", parent=b1, kind="company"))
    login_as("commander", "nation", nation="NPL")
    page = client.get(f"/readiness/units/{b1.id}?profile=UN-PDT").get_data(as_text=True)
    chart = page.split('class="bar-chart"', 1)[1].split("</figure>", 1)[0]
    assert sorted(re.findall(r'<span class="bar-label"><a href="[^"]+">NPL ([^<]+)</a>', chart)) == [
        "NPBATT-1-A", "NPBATT-1-B"]
    # A unit without sub-units has no chart of them, and says why.
    page = client.get(f"/readiness/units/{company.id}?profile=UN-PDT").get_data(as_text=True)
    assert 'class="bar-chart"' not in page and "No sub-unit has people this profile applies to." in page


def test_pdf_chart_lists_the_least_ready_units_first_and_says_how_many_it_leaves_out(
        client, db, login_as, make_unit, make_module, make_profile, bulk_people, bulk_complete):
    from pypdf import PdfReader


    module = make_module("HR-01", validity_months=24)
    make_profile("UN-PDT", modules=("HR-01",))
    trained = []
    # 30 units named so that alphabetical order is the reverse of readiness: U29 0% ready ... U00 100%.
    for n in range(30):
        unit = make_unit(nation="NPL", code=f"U{29 - n:02d}")
        trained += bulk_people(unit, 29)[:n]
    bulk_complete(module, trained, TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=700))
    login_as("commander", "nation", nation="NPL")
    response = client.get(f"/readiness/export.pdf?profile=UN-PDT&as_of={TODAY.isoformat()}")
    assert response.status_code == 200
    summary = next(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages if "least ready first" in p.extract_text())
    labels = re.findall(r"NPL (U\d\d)", summary)
    assert labels[:3] == ["U29", "U28", "U27"]            # 0% ready first, then the next least ready
    assert "U00" not in labels and "U01" not in labels    # the readiest are the ones left out
    text = " ".join(summary.split())
    assert "The chart shows the 25 least ready of 30 units; 5 more are not shown." in text


def test_worst_first_orders_by_share_then_size():
    from types import SimpleNamespace as NS

    from trainer.readiness.aggregate import Tally
    from trainer.readiness.charts import worst_first

    def node(code, total, ready):
        return NS(code=code, nation_code="NPL", tally=Tally(total, ready))

    nodes = [node("A", 10, 10), node("B", 10, 5), node("C", 40, 20), node("D", 3, 0), node("E", 0, 0)]
    shown, left_out = worst_first(nodes, 3)
    assert [n.code for n in shown] == ["D", "C", "B"] and [n.code for n in left_out] == ["A", "E"]


def test_xlsx_has_headings_on_row_one_frozen_filtered_and_markings_in_header_and_footer(client, app, login_as, mission):
    from openpyxl import load_workbook

    app.config["CLASSIFICATION_MARKING"] = "UN RESTRICTED"
    app.config["RELEASABILITY_MARKING"] = "RELEASABLE TO NPL & FRA"
    login_as("commander", "mission")
    book = load_workbook(io.BytesIO(client.get("/readiness/export.xlsx?profile=UN-PDT").data))
    people, units = book["Personnel"], book["Units"]
    assert [c.value for c in people[1]] == ["Nation", "Unit", "Service number", "Family name", "Given names", "Rank",
                                            "Ready", "Valid until", "What is missing"]
    assert people.freeze_panes == "A2" and units.freeze_panes == "A2"
    assert people.auto_filter.ref == f"A1:I{people.max_row}" and people.max_row == 4
    assert units.auto_filter.ref == f"A1:G{units.max_row}"
    assert [c.value for c in units[1]][:3] == ["Nation", "Unit", "Name"]
    for sheet in (people, units):
        assert sheet.oddHeader.center.text == "UN RESTRICTED // RELEASABLE TO NPL && FRA"
        assert sheet.oddFooter.center.text == "UN RESTRICTED // RELEASABLE TO NPL && FRA"
        assert sheet.print_title_rows == "$1:$1"
    cells = [c.value for sheet in (people, units) for row in sheet.iter_rows() for c in row]
    assert not any(isinstance(v, str) and "RESTRICTED" in v for v in cells)   # never above the table any more
    gurung = next(row for row in people.iter_rows(min_row=2, values_only=True) if row[3] == "Gurung")
    assert gurung[6] == "yes" and isinstance(gurung[7], dt.datetime)       # a date Excel can sort and filter
    assert next(row for row in units.iter_rows(min_row=2) if row[1].value == "NPBATT-1")[5].number_format == "0%"


def test_a_unit_whose_people_the_profile_does_not_reach_says_so(client, db, login_as, make_unit, make_person, mission):
    from trainer.learning.models import ProfileAssignment

    elsewhere = make_unit(nation="NPL", code="NPBATT-3")
    for index in range(3):
        make_person(unit=elsewhere, family_name=f"Rai{index}")
    empty = make_unit(nation="NPL", code="NPBATT-4")
    db.session.add(ProfileAssignment(profile_code="UN-PDT", unit_id=mission["b1"].id))
    db.session.commit()
    login_as("commander", "nation", nation="NPL")

    page = client.get(f"/readiness/units/{elsewhere.id}?profile=UN-PDT").get_data(as_text=True)
    assert "Nobody was posted to this unit on that date." not in page
    assert "3 people posted here on that date are not held to UN-PDT and are not counted." in page
    assert "Nobody posted to this unit on that date is held to this profile." in page

    page = client.get(f"/readiness/units/{empty.id}?profile=UN-PDT").get_data(as_text=True)
    assert "Nobody was posted to this unit on that date." in page and "not held to" not in page

    # Some held to the profile, some not: the list shows the first, a note counts the others.
    db.session.add(ProfileAssignment(profile_code="UN-PDT", person_id=_person_id(db, "Rai0")))
    db.session.commit()
    page = client.get(f"/readiness/units/{elsewhere.id}?profile=UN-PDT").get_data(as_text=True)
    assert "Rai0" in page and "Rai1" not in page
    assert "2 people posted here on that date are not held to UN-PDT and are not counted." in page


def _person_id(db, family_name):
    from sqlalchemy import select

    from trainer.org.models import Person

    return db.session.scalar(select(Person.id).where(Person.family_name == family_name))


@pytest.fixture
def crowd(db, contingent, make_person, complete):
    module, top, (alpha, bravo) = contingent(("ALPHA", "BRAVO"), validity_months=12, warning_days=0)
    people = {
        "Adhikari": (bravo, "OR-4", TODAY - dt.timedelta(days=300)),
        "Basnet": (alpha, "OF-3", None),
        "Chhetri": (alpha, "WO-2", TODAY - dt.timedelta(days=30)),
        "Dahal": (bravo, "OF-1", TODAY - dt.timedelta(days=200)),
    }
    for name, (unit, rank, done) in people.items():
        person = make_person(unit=unit, family_name=name, family_name_latin=name, rank_code=rank)
        if done:
            complete(person, module, done)
    return top


def _names(page):
    table = page.split('class="table table-sm align-middle table-stack readiness-people"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'">Given\d+ (\w+)</a>', table)


def test_the_list_of_people_sorts_by_each_column_and_back(client, login_as, crowd):
    login_as("commander", "nation", nation="NPL")
    url = f"/readiness/units/{crowd.id}?profile=UN-PDT"
    page = client.get(url).get_data(as_text=True)
    assert _names(page) == ["Basnet", "Adhikari", "Chhetri", "Dahal"]          # not ready first, then by name
    assert 'aria-sort="ascending"' in page and "sort=name" in page
    assert _names(client.get(url + "&sort=name").get_data(as_text=True)) == ["Adhikari", "Basnet", "Chhetri", "Dahal"]
    by_name_back = client.get(url + "&sort=name&dir=desc").get_data(as_text=True)
    assert _names(by_name_back) == ["Dahal", "Chhetri", "Basnet", "Adhikari"]
    assert 'aria-sort="descending"' in by_name_back
    # Rank: the most senior first (OF-3, OF-1, WO-2, OR-4), and back.
    assert _names(client.get(url + "&sort=rank").get_data(as_text=True)) == ["Basnet", "Dahal", "Chhetri", "Adhikari"]
    assert _names(client.get(url + "&sort=rank&dir=desc").get_data(as_text=True)) == ["Adhikari", "Chhetri", "Dahal", "Basnet"]
    assert _names(client.get(url + "&sort=unit").get_data(as_text=True)) == ["Basnet", "Chhetri", "Adhikari", "Dahal"]
    # Valid until: whose evidence lapses first, first; the not ready (no such date) last either way.
    assert _names(client.get(url + "&sort=valid_until").get_data(as_text=True)) == ["Adhikari", "Dahal", "Chhetri", "Basnet"]
    assert _names(client.get(url + "&sort=valid_until&dir=desc").get_data(as_text=True)) == ["Chhetri", "Dahal", "Adhikari", "Basnet"]
    # An unknown column falls back to the default order rather than failing.
    assert _names(client.get(url + "&sort=password").get_data(as_text=True)) == ["Basnet", "Adhikari", "Chhetri", "Dahal"]


def test_the_list_of_people_shows_each_name_in_its_own_order_with_the_latin_form_beside_it(
        client, login_as, crowd, make_person):
    person = make_person(unit=crowd, family_name="欧阳", given_names="明华", family_name_latin="Ouyang",
                         given_names_latin="Minghua", rank_code="OF-2")
    login_as("commander", "nation", nation="NPL")
    page = client.get(f"/readiness/units/{crowd.id}?profile=UN-PDT").get_data(as_text=True)
    row = next(r for r in page.split("<tr>") if f"/readiness/people/{person.id}" in r)
    assert ">欧阳明华 (Ouyang Minghua)</a>" in row and person.service_number in row and ">OF-2</td>" in row


def test_sorting_is_kept_across_pages(client, db, login_as, make_unit, make_module, make_profile, bulk_people):
    make_module("HR-01")
    make_profile("UN-PDT", modules=("HR-01",))
    unit = make_unit(nation="NPL", code="NPBATT-S")
    bulk_people(unit, 60)
    login_as("commander", "nation", nation="NPL")
    first = client.get(f"/readiness/units/{unit.id}?profile=UN-PDT&sort=name&dir=desc").get_data(as_text=True)
    assert re.search(r'href="[^"]*page=2[^"]*"', first)
    link = re.search(r'href="([^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "sort=name" in link and "dir=desc" in link
    second = client.get(link).get_data(as_text=True)
    names = re.findall(r">Test (Bulk\d+)</a>", second)
    assert len(names) == 10 and names == sorted(names, reverse=True)
    assert max(names) < min(re.findall(r">Test (Bulk\d+)</a>", first))


def test_a_refused_waiver_is_shown_on_the_person_page_with_what_was_typed(client, login_as, mission):
    login_as("commander", "nation", nation="NPL")
    person = mission["ready"]
    response = client.post(f"/readiness/people/{person.id}/waivers?profile=UN-PDT", data={
        "requirement": "HR-01", "authority": "", "reason": "Medical leave during the course", "expires_on": "2026-02-30"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Asha Gurung" in page and "Waive a requirement" in page                 # the person page, not an error page
    assert "Medical leave during the course</textarea>" in page and 'value="2026-02-30"' in page
    assert "Enter the authority under which it is waived." in page and "YYYY-MM-DD" in page


def test_a_refused_assessed_level_is_shown_on_the_unit_page_with_the_form(client, login_as, mission):
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/readiness/units/{mission['b2'].id}/assess?profile=UN-PDT",
                           data={"assessed_level": "amber", "reason": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "NPL NPBATT-2 — Unit NPBATT-2" in page and "Enter the reason for the assessed level." in page
    assert '<option selected value="amber">' in page
