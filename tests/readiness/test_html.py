"""The readiness pages' rows built in Python (trainer/readiness/html.py): every text escaped, labels in the
reader's language, and the badges of one language never served to a reader of another."""
import datetime as dt


def _people_rows(page: str) -> str:
    return page.split('class="table table-sm align-middle table-stack readiness-people"', 1)[1].split("</table>", 1)[0]


def test_unit_and_person_names_are_escaped_in_the_rows(client, db, login_as, make_unit, make_person, make_module,
                                                       make_profile):
    make_module("HR-01")
    make_profile("UN-PDT", modules=("HR-01",))
    top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
    unit = make_unit(nation="NPL", code="B&1", name="<b>Alpha & Co</b>", parent=top)
    make_person(unit=unit, family_name="<i>Rai</i>", given_names="Asha", service_number="S<1>")
    login_as("commander", "nation", nation="NPL")

    dashboard = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert "&lt;b&gt;Alpha &amp; Co&lt;/b&gt;" in dashboard and "<b>Alpha" not in dashboard
    assert "NPL B&amp;1</a>" in dashboard

    rows = _people_rows(client.get(f"/readiness/units/{top.id}?profile=UN-PDT").get_data(as_text=True))
    assert "&lt;i&gt;Rai&lt;/i&gt;" in rows and "<i>" not in rows
    assert "S&lt;1&gt;" in rows and '<td data-label="Unit">B&amp;1</td>' in rows
    assert '<span class="req-state req-missing">✖ missing</span> HR-01' in rows
    assert '<span class="level level-red">✖ not ready</span>' in rows


def test_a_french_reader_reads_the_rows_in_french_after_an_english_one(client, db, login_as, make_unit, make_person,
                                                                       make_module, make_profile, complete):
    module = make_module("HR-01", validity_months=24)
    make_profile("UN-PDT", modules=("HR-01",))
    unit = make_unit(nation="NPL", code="NPBATT-1")
    ready = make_person(unit=unit, family_name="Gurung")
    complete(ready, module, dt.date.today() - dt.timedelta(days=10))
    make_person(unit=unit, family_name="Tamang")

    login_as("commander", "nation", nation="NPL", username="c.en")
    english = _people_rows(client.get(f"/readiness/units/{unit.id}?profile=UN-PDT").get_data(as_text=True))
    assert "✖ missing</span>" in english and "✔ ready</span>" in english

    client.post("/logout")
    user = login_as("commander", "nation", nation="NPL", username="c.fr")
    user.language = "fr"
    db.session.commit()
    french = _people_rows(client.get(f"/readiness/units/{unit.id}?profile=UN-PDT").get_data(as_text=True))
    assert "✖ manquante</span>" in french and "✔ prêt</span>" in french
    assert 'data-label="Ce qui manque"' in french and "✖ missing" not in french


def _without_tokens(page: str) -> str:
    """The page without its CSRF tokens, which carry the second they were signed in."""
    import re

    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def _tree(page: str) -> str:
    return page.split('class="table table-sm align-middle readiness-tree', 1)[1].split("</table>", 1)[0]


def test_the_dashboards_figures_are_drawn_once_and_again_whenever_what_they_show_changes(
        client, db, login_as, force, complete, monkeypatch):
    """A view of unchanged data is served the cards, charts and unit tree the last view drew; a completion, an
    assessed level, another date or another language draws them again."""
    from sqlalchemy import select

    from trainer.curricula.models import Module
    from collections import OrderedDict

    from trainer.readiness import html, views

    monkeypatch.setattr(html, "_DRAWN", OrderedDict())   # nothing drawn by earlier tests of the same figures
    drawn = []
    charts = views._charts
    monkeypatch.setattr(views, "_charts", lambda scope: drawn.append(scope) or charts(scope))
    login_as("commander", "nation", nation="NPL", username="c.drawn")
    first = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert _without_tokens(client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)) == _without_tokens(first)
    assert len(drawn) == 1
    assert 'data-testid="ready-total">1 of 2' in first

    module = db.session.scalar(select(Module).where(Module.code == "HR-01"))
    complete(force["not_ready"], module, dt.date.today() - dt.timedelta(days=3))
    page = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert 'data-testid="ready-total">2 of 2' in page and len(drawn) == 2

    assert client.post(f"/readiness/units/{force['b2'].id}/assess?profile=UN-PDT",
                       data={"assessed_level": "amber", "reason": "Exercise next week"}).status_code == 302
    page = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert "Partly ready (amber)" in _tree(page) and len(drawn) == 3

    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert "Forecast" in _tree(client.get(f"/readiness/?profile=UN-PDT&forecast={later}").get_data(as_text=True))
    assert len(drawn) == 4

    client.post("/logout")
    user = login_as("commander", "nation", nation="NPL", username="c.drawn.fr")
    user.language = "fr"
    db.session.commit()
    french = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert "Lacunes les plus fréquentes" in french and "Most common gaps" not in french
    assert len(drawn) == 5


def test_the_person_page_names_who_recorded_each_completion_in_one_statement_however_many_recorders(
        client, db, login_as, make_unit, make_person, make_module, make_profile, complete, make_user, count_queries):
    make_profile("UN-PDT", modules=("HR-01", "POC-01", "CT-01"))
    modules = [make_module(code) for code in ("HR-01", "POC-01", "CT-01")]
    person = make_person(unit=make_unit(nation="NPL", code="NPBATT-1"), family_name="Gurung")
    officers = [make_user("training_officer", "nation", nation="NPL", username=f"to.{n}") for n in range(3)]
    for n, officer in enumerate(officers):
        officer.display_name = f"Officer {n}"
    completions = [complete(person, module, dt.date.today() - dt.timedelta(days=5), commit=False)
                   for module in modules]
    completions[0].recorded_by_id = officers[0].id
    db.session.commit()
    login_as("commander", "nation", nation="NPL", username="c.recorders")
    url = f"/readiness/people/{person.id}?profile=UN-PDT"
    client.get(url)
    with count_queries() as one_recorder:
        page = client.get(url).get_data(as_text=True)
    assert "recorded by Officer 0" in page

    completions[1].recorded_by_id, completions[2].recorded_by_id = officers[1].id, officers[2].id
    db.session.commit()
    client.get(url)
    with count_queries() as three_recorders:
        page = client.get(url).get_data(as_text=True)
    assert all(f"recorded by Officer {n}" in page for n in range(3))
    assert three_recorders.count == one_recorder.count
