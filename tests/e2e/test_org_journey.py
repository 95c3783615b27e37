"""Real-browser journeys for personnel: a training officer picks a person by typing part of a name and using
the keyboard, acts on a selection from the personnel list (transfer, export), and the organisation's and
start pages fit a phone without sideways scrolling."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from playwright.sync_api import expect

from tests.e2e.conftest import e2e_login, e2e_sign_out

PHONE = {"width": 390, "height": 844}


def _seed(live_server, e2e_user, tmp_path) -> dict:
    from tests.curricula.factories import write_curricula
    from trainer.curricula.services import import_paths
    from trainer.extensions import db
    from trainer.org.people import create_person
    from trainer.org.services import create_unit

    people = [("NP-1001", "थापा", "सीता", "Thapa", "Sita"), ("NP-1002", "Shrestha", "Rām", "", ""),
              ("NP-1003", "Gurung", "Hari", "", ""), ("NP-1004", "Tamang", "Pemba", "", ""),
              ("NP-1005", "शाही", "कमल", "Shahi", "Kamal")]
    with live_server.app.app_context():
        top = create_unit(None, nation_code="NPL", code="NPL-CONT", name="Nepalese Contingent", kind="contingent")
        a = create_unit(None, nation_code="NPL", code="NPL-B1", name="Battalion 1", kind="battalion", parent_id=top.id)
        b = create_unit(None, nation_code="NPL", code="NPL-B2", name="Battalion 2", kind="battalion", parent_id=top.id)
        ids = {}
        for number, family, given, family_latin, given_latin in people:
            person = create_person(None, {"nation": "NPL", "unit_id": a.id, "service_number": number,
                                          "family_name": family, "given_names": given,
                                          "family_name_latin": family_latin, "given_names_latin": given_latin,
                                          "rank_code": "OR-4", "national_rank": "Corporal", "category": "military",
                                          "email": None, "screening": "cleared"}, start_on=dt.date(2024, 1, 1))
            ids[number] = person.id
        foreign = create_unit(None, nation_code="FRA", code="FRA-BN", name="Bataillon", kind="battalion")
        create_person(None, {"nation": "FRA", "unit_id": foreign.id, "service_number": "FR-9", "family_name": "Sharma",
                             "given_names": "Étienne", "rank_code": "OF-2", "national_rank": "", "category": "military",
                             "email": None, "screening": "cleared"})
        report = import_paths(None, [str(write_curricula(tmp_path / "curricula"))])
        assert report.ok, report.problems
        db.session.commit()
        units = {"a": a.id, "b": b.id}
    e2e_user("training_officer", "nation", nation="NPL", username="officer.npl")
    return {"people": ids, "units": units}


def test_officer_picks_a_person_from_the_keyboard_and_assigns_training(page, live_server, e2e_user, tmp_path):
    from sqlalchemy import select

    from trainer.extensions import db
    from trainer.learning.models import ModuleAssignment

    seeded = _seed(live_server, e2e_user, tmp_path)
    e2e_login(page, live_server, "officer.npl")
    page.goto(f"{live_server.url}/learning/assign")
    page.get_by_label("Readiness profile or module").select_option("TS-01")

    box = page.get_by_role("combobox", name="…or to one person")
    box.press_sequentially("sh", delay=40)
    listbox = page.get_by_role("listbox", name="…or to one person")
    options = listbox.get_by_role("option")
    # Only people of the officer's scope: the French "Sharma" never shows; "Shrestha" does, and so does
    # "शाही", found by the Latin spelling of the name.
    expect(options).to_have_count(2)
    expect(listbox).not_to_contain_text("Sharma")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"-1$"))
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    chosen = options.nth(1).inner_text().split("\n")[0]
    box.press("Enter")  # chooses; does not submit the form
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value(re.compile(re.escape(chosen)))
    expect(page).to_have_url(re.compile(r"/learning/assign$"))

    # Escape closes the list first, then clears a typed text.
    box.fill("")
    box.press_sequentially("gur", delay=40)
    expect(options).to_have_count(1)
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")
    box.press("Enter")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("alert").filter(has_text="Assigned")).to_be_visible()
    with live_server.app.app_context():
        assigned = db.session.scalars(select(ModuleAssignment.person_id)).all()
    assert assigned == [seeded["people"]["NP-1003"]]


def test_officer_transfers_and_exports_a_selection_from_the_list(page, live_server, e2e_user, tmp_path):
    seeded = _seed(live_server, e2e_user, tmp_path)
    e2e_login(page, live_server, "officer.npl")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Personnel").click()
    expect(page.get_by_role("heading", name="Personnel")).to_be_visible()

    # Sorting by service number, highest first, is said to assistive technology.
    page.get_by_role("link", name=re.compile(r"^Service no\.")).click()
    page.get_by_role("link", name=re.compile(r"^Service no\.")).click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Service no.")
    expect(page.locator("tbody tr").first).to_contain_text("NP-1005")

    page.get_by_label("Select Pemba Tamang").check()
    page.get_by_label("Select Hari Gurung").check()
    expect(page.get_by_text("(2 selected)")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export as CSV").click()
    rows = list(csv.reader(io.StringIO(open(download_info.value.path(), encoding="utf-8-sig").read())))
    assert rows[0][:2] == ["nation", "service_number"] and sorted(r[1] for r in rows[1:]) == ["NP-1003", "NP-1004"]

    page.get_by_role("button", name="Transfer to a unit").click()
    expect(page.get_by_role("heading", name="Transfer to a unit")).to_be_visible()
    expect(page.get_by_role("heading", name="2 people selected")).to_be_visible()
    page.get_by_label("New unit").select_option(str(seeded["units"]["b"]))
    page.get_by_label("Effective date").fill("2025-03-01")
    page.get_by_role("button", name="Transfer 2 people").click()
    expect(page.get_by_role("alert").filter(has_text="2 people transferred to NPL-B2.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/personnel\?"))  # back on the list as it was sorted
    expect(page.locator("tbody tr").filter(has_text="NP-1004")).to_contain_text("NPL-B2")


def test_personnel_pages_and_the_start_page_fit_a_phone(page, live_server, e2e_user, tmp_path):
    from trainer.auth.notifications import notify_people
    from trainer.extensions import db

    seeded = _seed(live_server, e2e_user, tmp_path)
    with live_server.app.test_request_context():
        officer_person = seeded["people"]["NP-1001"]
        e2e_user("trainee", "self", username="sita", person=officer_person)
        for n in range(3):
            notify_people([officer_person], "assignment", f"note:{n}",
                          lambda gettext, n=n: (f"A long notification subject number {n} about training", ""))
        db.session.commit()
    page.set_viewport_size(PHONE)
    e2e_login(page, live_server, "officer.npl")
    person = seeded["people"]["NP-1002"]
    for path in ("/", "/personnel", "/personnel?sort=unit&dir=desc", f"/personnel/{person}", "/units",
                 f"/units/{seeded['units']['a']}", f"/personnel/{person}/edit", f"/personnel/{person}/transfer",
                 "/personnel/new", "/personnel/import", "/units/new", "/notifications",
                 f"/units/{seeded['units']['a']}/accounts"):   # a long submit label wraps
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a phone"

    # On the phone the list is a set of cards, still selectable and sortable.
    page.goto(f"{live_server.url}/personnel")
    page.get_by_label("Sort by").select_option("service_number")
    page.get_by_label("Order").select_option("desc")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody tr").first).to_contain_text("NP-1005")
    expect(page.get_by_label("Select Pemba Tamang")).to_be_visible()

    # A trainee's notifications: unread first, all marked read at once.
    e2e_sign_out(page)
    e2e_login(page, live_server, "sita")
    page.goto(f"{live_server.url}/notifications")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.get_by_role("heading", name="Unread (3)")).to_be_visible()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("alert").filter(has_text="3 notifications marked read.")).to_be_visible()
    expect(page.get_by_role("heading", name="Read")).to_be_visible()
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
