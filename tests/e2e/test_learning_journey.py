"""Real-browser journey: a trainee opens a module, reads a lesson, passes its knowledge check and sees
the completion with its expiry date on My training."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.e2e.conftest import e2e_login


def _seed(live_server, e2e_user, tmp_path) -> None:
    from tests.curricula.factories import write_curricula
    from trainer.curricula.services import import_paths
    from trainer.extensions import db
    from trainer.learning.models import ModuleAssignment
    from trainer.org.services import create_unit
    from trainer.org.people import create_person

    with live_server.app.app_context():
        unit = create_unit(None, nation_code="NPL", code="NPL-B1", name="Battalion 1", kind="battalion")
        person = create_person(None, {"nation": "NPL", "unit_id": unit.id, "service_number": "NP-1001",
                                      "family_name": "थापा", "given_names": "सीता", "family_name_latin": "Thapa",
                                      "given_names_latin": "Sita", "rank_code": "OF-2", "national_rank": "Captain",
                                      "category": "military", "email": None, "screening": "cleared"},
                               start_on=dt.date(2024, 1, 1))
        report = import_paths(None, [str(write_curricula(tmp_path / "curricula"))])
        assert report.ok, report.problems
        db.session.add(ModuleAssignment(module_code="TS-01", person_id=person.id,
                                        due_on=dt.date.today() + dt.timedelta(days=30)))
        db.session.commit()
        person_id = person.id
    e2e_user("trainee", "self", username="sita.thapa", person=person_id)


def test_trainee_reads_a_lesson_passes_the_check_and_sees_the_expiry(page, live_server, e2e_user, tmp_path):
    from trainer.learning.rules import add_months

    _seed(live_server, e2e_user, tmp_path)
    e2e_login(page, live_server, "sita.thapa")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My training").click()
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="TS-01")).to_contain_text("Not started")

    page.get_by_role("link", name=re.compile("TS-01")).click()
    expect(page.get_by_role("heading", name=re.compile("TS-01"))).to_be_visible()
    page.get_by_role("link", name="Lesson 1").click()
    expect(page.get_by_text("The content of lesson-1")).to_be_visible()
    page.get_by_role("button", name="Mark as read and go to the next lesson").click()
    expect(page.get_by_role("status").filter(has_text="Lesson marked as read")).to_be_visible()
    expect(page.get_by_text("The content of lesson-2")).to_be_visible()

    page.get_by_role("link", name="TS-01", exact=True).click()
    page.get_by_role("button", name="Take the knowledge check").click()
    expect(page.get_by_role("heading", name=re.compile("Knowledge check"))).to_be_visible()
    groups = page.locator("fieldset")
    expect(groups).to_have_count(5)
    for index in range(groups.count()):
        group = groups.nth(index)
        number = int(re.search(r"Question (\d+) of", group.locator("legend").inner_text()).group(1))
        group.get_by_label(f"Option {'ABCD'[number % 4]}{number}", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()

    expect(page.get_by_role("status").filter(has_text="Passed")).to_contain_text("100%")
    today = dt.datetime.now(dt.timezone.utc).date()
    expiry = add_months(today, 12).strftime("%d %b %Y")
    expect(page.get_by_role("status").filter(has_text="Passed")).to_contain_text(f"valid through {expiry}")

    page.get_by_role("link", name="Back to my training").click()
    row = page.get_by_role("row").filter(has_text="TS-01")
    expect(row).to_contain_text("Passed")
    expect(row).to_contain_text(f"valid through {expiry}")
