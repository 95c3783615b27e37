"""The commander's pages: dashboard, drill-down, scope, exports, assessed levels and query counts."""
import csv
import datetime as dt
import io
import re

D = dt.date
TODAY = dt.date.today()


def test_dashboard_shows_percentages_with_words_and_tree(client, login_as, force):
    login_as("commander", "nation", nation="NPL")
    response = client.get("/readiness/?profile=UN-PDT")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 of 2" in page and "50% · Not ready (red)" in page
    assert "NPBATT-1" in page and "NPBATT-2" in page and "FRBATT" not in page
    assert "<svg" in page and "style=" not in page
    # The bars say the share that is ready, then the level: never "100% not ready" for a ready unit's neighbour.
    assert "✔ 100% · ready</span>" in page and "✖ 0% · not ready</span>" in page and "% not ready" not in page
    assert "HR-01 Human rights — <strong>missing</strong>: 1 person" in page


def test_a_long_unit_tree_lists_its_upper_levels_and_each_unit_its_own(client, login_as, force, monkeypatch):
    from trainer.readiness import pages

    login_as("commander", "nation", nation="NPL")
    monkeypatch.setattr(pages, "TREE_ROWS", 2)  # NPL-CONT over two battalions: three rows, one too many
    page = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    tree = page.split('class="table table-sm align-middle readiness-tree', 1)[1].split("</table>", 1)[0]
    assert "NPL-CONT" in tree and "NPBATT-1" not in tree and "NPBATT-2" not in tree
    assert 'data-testid="units-not-listed">2 more units lie deeper in the tree' in page
    # The figures above the tree still count everyone, and the bars still show the battalions.
    assert "1 of 2" in page and "NPL NPBATT-2" in page.split("readiness-tree", 1)[0]
    unit = client.get(f"/readiness/units/{force['top'].id}?profile=UN-PDT").get_data(as_text=True)
    assert "NPBATT-1" in unit and "NPBATT-2" in unit
    monkeypatch.setattr(pages, "TREE_ROWS", 3)
    page = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert "units-not-listed" not in page and "NPBATT-2" in page.split("readiness-tree", 1)[1]


def test_forecast_counts_who_will_have_lapsed(client, login_as, force):
    login_as("commander", "nation", nation="NPL")
    future = (TODAY + dt.timedelta(days=800)).isoformat()
    page = client.get(f"/readiness/?profile=UN-PDT&forecast={future}").get_data(as_text=True)
    assert 'data-testid="forecast-total">0 of 2' in page


def test_out_of_scope_unit_and_person_are_not_found(client, login_as, force):
    login_as("commander", "nation", nation="NPL")
    assert client.get(f"/readiness/units/{force['fra_unit'].id}").status_code == 404
    assert client.get(f"/readiness/people/{force['french'].id}").status_code == 404
    assert client.get(f"/readiness/units/{force['b1'].id}?profile=UN-PDT").status_code == 200


def test_bad_dates_and_profiles_are_clear_errors(client, login_as, force):
    login_as("commander", "nation", nation="NPL")
    assert client.get("/readiness/?as_of=31-12-2025").status_code == 422
    assert client.get("/readiness/?profile=NOPE").status_code == 404
    assert client.get("/readiness/export.doc").status_code == 404


def test_person_page_lists_requirements_evidence_and_next_step(client, login_as, force):
    login_as("commander", "nation", nation="NPL")
    page = client.get(f"/readiness/people/{force['not_ready'].id}?profile=UN-PDT").get_data(as_text=True)
    assert "Not ready" in page and "Complete HR-01 (online knowledge check or a classroom session)." in page
    page = client.get(f"/readiness/people/{force['ready'].id}?profile=UN-PDT").get_data(as_text=True)
    assert "Classroom session" in page and "Nothing to do until" in page
    # A ready person today: the commander can go straight to issuing, with the profile chosen.
    issue_url = f"/certificates/person/{force['ready'].id}/issue?profile=UN-PDT"
    assert issue_url in page
    assert '<option selected value="UN-PDT">' in client.get(issue_url).get_data(as_text=True)
    not_ready = client.get(f"/readiness/people/{force['not_ready'].id}?profile=UN-PDT").get_data(as_text=True)
    assert "/issue?" not in not_ready and f"/certificates/person/{force['not_ready'].id}" in not_ready


def test_trainee_sees_no_certify_buttons_on_own_page(client, login_as, force):
    login_as("trainee", "self", person=force["ready"])
    page = client.get(f"/readiness/people/{force['ready'].id}?profile=UN-PDT").get_data(as_text=True)
    assert "Ready" in page and "/issue" not in page


def test_trainee_sees_own_readiness_only(client, login_as, force):
    login_as("trainee", "self", person=force["ready"])
    assert client.get(f"/readiness/people/{force['ready'].id}").status_code == 200
    assert client.get(f"/readiness/people/{force['not_ready'].id}").status_code == 404
    assert client.get("/readiness/").status_code == 403


def test_waiver_through_the_page_shows_waived_and_is_audited(client, db, login_as, force):
    from sqlalchemy import select

    from trainer.audit.models import AuditEvent

    login_as("commander", "nation", nation="NPL")
    person = force["not_ready"]
    response = client.post(f"/readiness/people/{person.id}/waivers", data={
        "requirement": "HR-01", "authority": "Contingent commander order 3", "reason": "Medical leave during the course",
        "expires_on": (TODAY + dt.timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    page = client.get(f"/readiness/people/{person.id}?profile=UN-PDT").get_data(as_text=True)
    assert "waived until" in page and "Medical leave during the course" in page
    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "waiver.grant")) is not None
    dashboard = client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert "2 of 2" in dashboard


def test_assessed_level_needs_a_reason_and_keeps_history(client, db, login_as, force):
    login_as("commander", "nation", nation="NPL")
    unit = force["b2"]
    assert client.post(f"/readiness/units/{unit.id}/assess?profile=UN-PDT", data={"assessed_level": "amber", "reason": ""}).status_code == 422
    assert client.post(f"/readiness/units/{unit.id}/assess?profile=UN-PDT",
                       data={"assessed_level": "amber", "reason": "Course booked for all next week"}).status_code == 302
    assert client.post(f"/readiness/units/{unit.id}/assess?profile=UN-PDT",
                       data={"assessed_level": "green", "reason": "Course completed, records pending"}).status_code == 302
    page = client.get(f"/readiness/units/{unit.id}?profile=UN-PDT").get_data(as_text=True)
    assert "Course booked for all next week" in page and "Course completed, records pending" in page
    assert "Not ready (red)" in page and "Ready (green)" in page  # computed and assessed both shown
    from trainer.readiness.services import assessed_history

    history = assessed_history(unit.id, "UN-PDT")
    assert [h.assessed_level for h in history] == ["green", "amber"]
    assert all(h.computed_level == "red" and h.computed_percent == 0 for h in history)


def test_csv_and_xlsx_neutralise_formulas(client, login_as, force):
    login_as("commander", "nation", nation="NPL")
    response = client.get("/readiness/export.csv?profile=UN-PDT")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [c for row in rows for c in row]
    assert "'=HYPERLINK(1)" in cells and not any(c.startswith("=") for c in cells)
    assert not any("Martin" in c for c in cells)

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/readiness/export.xlsx?profile=UN-PDT").data))
    values = [c.value for row in book["Personnel"].iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in values and not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_pdf_report_has_cover_marking_pages_and_gaps(client, login_as, force, app):
    from pypdf import PdfReader

    app.config["CLASSIFICATION_MARKING"] = "UN RESTRICTED TEST"
    login_as("commander", "nation", nation="NPL")
    response = client.get(f"/readiness/export.pdf?profile=UN-PDT&as_of={TODAY.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    total = len(reader.pages)
    assert f"Page 1 of {total}" in text and f"Page {total} of {total}" in text
    assert "UN RESTRICTED TEST" in text and "Generated" in text and "nation NPL" in text
    assert "Personnel not ready" in text and "Bishnu" in text and "HR-01" in text
    assert "NPBATT-1" in text and "Martin" not in text
    assert "green at 90% or more, amber at 70% or more" in text  # in words: Helvetica cannot draw a "≥"


def test_the_pdf_cover_says_when_the_report_was_written_once(client, login_as, force):
    from pypdf import PdfReader

    login_as("commander", "nation", nation="NPL")
    response = client.get(f"/readiness/export.pdf?profile=UN-PDT&as_of={TODAY.isoformat()}")
    cover = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert cover.count("Generated") == 1, cover
    assert re.search(r"Generated \d{2} \w{3} \d{4} \d{2}:\d{2} UTC", cover), cover


def test_a_pdf_report_in_a_serving_process_leaves_the_app_out_of_the_collectors_sight(client, login_as, force):
    """A serving process sets the app aside once (serving.py); a report written there must not give it back, or
    every full collection for the rest of the process's life walks the whole app again."""
    import gc

    from trainer.serving import tune_for_serving

    login_as("commander", "nation", nation="NPL")
    before = gc.get_threshold()
    try:
        tune_for_serving()
        frozen = gc.get_freeze_count()
        response = client.get(f"/readiness/export.pdf?profile=UN-PDT&as_of={TODAY.isoformat()}")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert frozen > 0 and gc.get_freeze_count() > frozen // 2  # a few frozen objects may have been freed since
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_query_counts_are_the_same_for_100_and_10000_people(client, login_as, db, make_unit, make_module, make_profile,
                                                         bulk_people, bulk_complete, count_queries):
    from sqlalchemy import select

    from trainer.learning.models import Completion

    module = make_module("HR-01", validity_months=24)
    make_profile("UN-PDT", modules=("HR-01",))
    unit = make_unit(nation="NPL", code="NPBATT-Q")
    login_as("commander", "nation", nation="NPL")

    def load(n):
        ids = bulk_people(unit, n)
        bulk_complete(module, ids[::2], TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=700))

    def measure():
        counts = []
        for url in ("/readiness/?profile=UN-PDT&forecast=" + (TODAY + dt.timedelta(days=90)).isoformat(),
                    f"/readiness/units/{unit.id}?profile=UN-PDT",
                    "/readiness/export.csv?profile=UN-PDT"):
            with count_queries() as q:
                assert client.get(url).status_code == 200
            counts.append(q.count)
        return counts

    load(100)
    small = measure()
    load(9900)  # 10,000 people in all, as at a mission headquarters
    assert db.session.scalar(select(db.func.count()).select_from(Completion)) == 5000
    assert measure() == small


def test_a_page_reads_the_profiles_once_and_builds_the_one_it_shows_from_that_read(client, login_as, force,
                                                                                  count_queries):
    login_as("commander", "nation", nation="NPL")
    for url in ("/readiness/", f"/readiness/units/{force['b1'].id}?profile=UN-PDT"):
        with count_queries() as q:
            response = client.get(url)
            assert response.status_code == 200 and response.get_data()
        reads = [s for s in q.statements if "FROM readiness_profiles" in s and "profile_assignments" not in s]
        assert len(reads) == 1, (url, reads)


def test_before_any_profile_is_imported_the_readiness_pages_say_so(client, db, login_as, make_unit, make_person):
    unit = make_unit(nation="NPL", code="NPBATT-0")
    person = make_person(unit=unit)
    login_as("commander", "nation", nation="NPL")
    for url in ("/readiness/", f"/readiness/units/{unit.id}", f"/readiness/people/{person.id}",
                "/readiness/export.csv", "/readiness/export.pdf", "/readiness/?profile=UN-PDT"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "No readiness profile has been imported yet" in response.get_data(as_text=True), url
    # Scope is checked before that: another nation's unit is not found.
    other = make_unit(nation="FRA", code="FRBATT-0")
    assert client.get(f"/readiness/units/{other.id}").status_code == 404


def test_bad_input_gets_a_clear_message_and_changes_nothing(client, db, login_as, force):
    from sqlalchemy import func, select

    from trainer.readiness.models import Waiver
    from trainer.readiness.models import AssessedLevel, Deployment

    login_as("commander", "nation", nation="NPL")
    person = force["not_ready"]
    # A date that does not exist, or cannot be read: the dashboard as of today, the reason beside the field.
    response = client.get("/readiness/?profile=UN-PDT&as_of=2026-02-30")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "2026-02-30 is not a day of the calendar. Shown as of today." in page
    assert 'data-testid="as-of-note"' in page and f'value="{TODAY.isoformat()}"' in page and "readiness-tree" in page
    garbage = client.get("/readiness/?profile=UN-PDT&as_of=garbage").get_data(as_text=True)
    assert "Enter the date as YYYY-MM-DD." in garbage and "readiness-tree" in garbage
    assert client.get("/readiness/?profile=UN-PDT&forecast=tomorrow").status_code == 422
    # Dates at the calendar's ends (the trend looks six months back, expiries years ahead).
    for url in ("/readiness/?profile=UN-PDT&as_of=0001-01-01", "/readiness/?profile=UN-PDT&forecast=9999-12-31",
                f"/readiness/units/{force['b1'].id}?profile=UN-PDT&as_of=0001-03-31",
                f"/readiness/people/{person.id}?profile=UN-PDT&as_of=9999-12-31"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and "between 1900 and 2199" in page, url
        # said once, without the parameter's internal name
        assert page.count("between 1900 and 2199") == 1 and "as_of:" not in page and "forecast:" not in page, url
    # A forecast looks ahead of the page's date: one on that day or before it (a bookmarked dashboard outliving its
    # forecast) is not shown, and the form says why beside the field.
    for url in (f"/readiness/?profile=UN-PDT&forecast={TODAY.isoformat()}", "/readiness/?profile=UN-PDT&forecast=1900-01-01",
                f"/readiness/units/{force['b1'].id}?profile=UN-PDT&as_of=2026-06-15&forecast=2026-06-01"):
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and 'data-testid="forecast-note"' in text, url
        assert "Choose a forecast date after" in text and 'aria-invalid="true"' in text and 'forecast-total' not in text, url
    shown = client.get(f"/readiness/?profile=UN-PDT&forecast={(TODAY + dt.timedelta(days=30)).isoformat()}")
    assert 'data-testid="forecast-note"' not in shown.get_data(as_text=True) and "forecast-total" in shown.get_data(as_text=True)
    # Waivers: empty form, impossible expiry, unknown requirement, another nation's person.
    empty = client.post(f"/readiness/people/{person.id}/waivers", data={})
    assert empty.status_code == 422
    text = empty.get_data(as_text=True)
    assert "Enter the authority" in text and "Enter the reason" in text
    bad_date = client.post(f"/readiness/people/{person.id}/waivers", data={
        "requirement": "HR-01", "authority": "Order 3", "reason": "Leave", "expires_on": "2026-02-30"})
    assert bad_date.status_code == 422 and "YYYY-MM-DD" in bad_date.get_data(as_text=True)
    unknown = client.post(f"/readiness/people/{person.id}/waivers", data={
        "requirement": "<script>", "authority": "Order 3", "reason": "Leave",
        "expires_on": (TODAY + dt.timedelta(days=9)).isoformat()})
    assert unknown.status_code == 422
    foreign = client.post(f"/readiness/people/{force['french'].id}/waivers", data={
        "requirement": "HR-01", "authority": "Order 3", "reason": "Leave",
        "expires_on": (TODAY + dt.timedelta(days=9)).isoformat()})
    assert foreign.status_code == 404
    assert client.post("/readiness/people/not-a-number/waivers", data={}).status_code == 404
    # Assessed level: a level that does not exist; another nation's unit.
    assert client.post(f"/readiness/units/{force['b2'].id}/assess?profile=UN-PDT",
                       data={"assessed_level": "purple", "reason": "Why not"}).status_code == 422
    assert client.post(f"/readiness/units/{force['fra_unit'].id}/assess?profile=UN-PDT",
                       data={"assessed_level": "green", "reason": "Looks fine"}).status_code == 404
    # Deployment: impossible dates, a return before departure, another nation's unit.
    for data, message in (
            ({"mission": "M", "departure_on": "2026-02-30", "return_on": "2026-09-01", "profile_code": "UN-PDT",
              "unit_ids": [force["b1"].id]}, "Enter the date as YYYY-MM-DD."),
            ({"mission": "M", "departure_on": "2026-09-01", "return_on": "2026-03-01", "profile_code": "UN-PDT",
              "unit_ids": [force["b1"].id]}, "The return must be after the departure."),
            ({"mission": "M", "departure_on": "2026-03-01", "return_on": "2026-09-01", "profile_code": "UN-PDT",
              "unit_ids": [force["fra_unit"].id]}, "Choose one or more units in your scope.")):
        response = client.post("/readiness/deployments/new", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Waiver)) == 0
    assert db.session.scalar(select(func.count()).select_from(AssessedLevel)) == 0
    assert db.session.scalar(select(func.count()).select_from(Deployment)) == 0


def test_dashboard_opens_on_the_profile_the_viewers_units_carry(client, db, login_as, force, make_profile):
    from trainer.learning.models import ProfileAssignment

    make_profile("UN-PDT-POL", modules=("HR-01",), title="UN pre-deployment, police")
    make_profile("AAA-FIRST", modules=("HR-01",), title="Alphabetically first")
    db.session.add_all([ProfileAssignment(profile_code="UN-PDT", unit_id=force["top"].id),
                        ProfileAssignment(profile_code="UN-PDT", unit_id=force["b1"].id),
                        ProfileAssignment(profile_code="UN-PDT-POL", unit_id=force["fra_unit"].id)])
    db.session.commit()
    login_as("commander", "nation", nation="NPL")
    assert "<h1 class=\"h3\">Readiness — UN pre-deployment<" in client.get("/readiness/").get_data(as_text=True)
    client.get("/logout")
    login_as("commander", "unit", unit=force["b2"])  # the profile is assigned above this battalion, not on it
    assert "<h1 class=\"h3\">Readiness — UN pre-deployment<" in client.get("/readiness/").get_data(as_text=True)
    client.get("/logout")
    login_as("commander", "nation", nation="FRA")
    assert "Readiness — UN pre-deployment, police" in client.get("/readiness/").get_data(as_text=True)


def test_long_pdf_lists_keep_everyone_once_and_repeat_their_headings_on_every_page(client, login_as, force,
                                                                                   make_person):
    """A large force's report lists each person once under their unit and each not-ready person once with
    their gaps; every page a list continues on starts with its heading (continued) and its column header."""
    from pypdf import PdfReader

    for index in range(85):
        make_person(unit=force["b2"], family_name=f"Tamang{index:03d}", service_number=f"NP9{index:05d}")
    login_as("commander", "nation", nation="NPL")
    response = client.get(f"/readiness/export.pdf?profile=UN-PDT&as_of={TODAY.isoformat()}")
    assert response.status_code == 200
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]
    first_gaps_page = next(n for n, page in enumerate(pages) if "Personnel not ready, and what they miss" in page)
    unit_pages = [page for page in pages[:first_gaps_page] if "Tamang" in page]
    gap_pages = pages[first_gaps_page:]
    units_text, gaps_text = "\n".join(unit_pages), "\n".join(gap_pages)
    assert len(unit_pages) >= 2 and len(gap_pages) >= 2
    for index in range(85):
        assert units_text.count(f"Tamang{index:03d}") == 1 and units_text.count(f"NP9{index:05d}") == 1
        assert gaps_text.count(f"Tamang{index:03d}") == 1 and gaps_text.count(f"NP9{index:05d}") == 1
    heading = "NPL NPBATT-2 — Unit NPBATT-2: 0 of 86 ready (0%, Not ready (red))"
    assert heading in unit_pages[0] and f"{heading} (continued)" not in unit_pages[0]
    assert all(f"{heading} (continued)" in page for page in unit_pages[1:])
    assert all("Name Rank Service number Ready Valid until" in page for page in unit_pages)
    assert all("Name Unit What is missing" in page for page in gap_pages)
    assert all("Personnel not ready, and what they miss (continued)" in page for page in gap_pages[1:])
    assert all("HR-01" in page and "not completed" in page for page in gap_pages)


def test_unit_personnel_list_is_paginated_not_ready_first(client, db, login_as, make_unit, make_module, make_profile,
                                                          bulk_people, bulk_complete, complete, count_queries):
    """120 people: pages of 50, the not-ready before the ready, each page evaluated on its own."""
    module = make_module("HR-01", validity_months=24)
    make_profile("UN-PDT", modules=("HR-01",))
    unit = make_unit(nation="NPL", code="NPBATT-P")
    ids = bulk_people(unit, 120)
    trained = set(ids[:70])
    bulk_complete(module, trained, TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=700))
    login_as("commander", "nation", nation="NPL")
    pages = [client.get(f"/readiness/units/{unit.id}?profile=UN-PDT&page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    rows = [(p.count("✖ not ready"), p.count("✔ ready</span>")) for p in pages]
    assert rows == [(50, 0), (0, 50), (0, 20)]
    assert "120 in all." in pages[0] and "page=3" in pages[0]
    # The figures still cover the whole unit: 70 of 120 ready.
    assert "58% · " in pages[0]
    # A page past the end shows the last page; a page that is not a number shows the first.
    assert client.get(f"/readiness/units/{unit.id}?profile=UN-PDT&page=99").get_data(as_text=True).count(
        "✔ ready</span>") == 20
    assert client.get(f"/readiness/units/{unit.id}?profile=UN-PDT&page=x").status_code == 200


def test_pages_show_the_installations_utc_day_by_default_not_the_servers_local_date(client, login_as, force,
                                                                                      monkeypatch):
    """Every host shows the same day, the one the training screens, reminders and the night's count use: late on
    a UTC evening a server set to a zone east of UTC is already on the next day."""
    from trainer import db as trainer_db

    evening = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(23, 30), dt.timezone.utc)
    monkeypatch.setattr(trainer_db, "utcnow", lambda: evening)
    login_as("commander", "nation", nation="NPL")
    shown = f'name="as_of" value="{evening.date().isoformat()}"'
    assert shown in client.get("/readiness/?profile=UN-PDT").get_data(as_text=True)
    assert shown in client.get(f"/readiness/units/{force['top'].id}?profile=UN-PDT").get_data(as_text=True)
