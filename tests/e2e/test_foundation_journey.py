"""Real-browser journeys for the foundation: sign-in, a roster import, and an accent-free search."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import e2e_login

ROSTER = (
    "\ufeffnation;service_number;family_name;given_names;rank_code;national_rank;category;unit;email;"
    "family_name_latin;given_names_latin;screening\n"
    "FRA;FR-100234;Dupré;Hélène;OF-2;Capitaine;military;FRA-BN;;;;cleared\n"
    "FRA;FR-100235;Lefèvre;Jérôme;OR-6;Sergent-chef;military;FRA-BN;;;;pending\n"
    "FRA;FR-100236;Øster;Ängla;OR-3;Caporal;military;FRA-BN;;;;cleared\n"
)


def _seed(live_server, e2e_user):
    from trainer.extensions import db
    from trainer.org.services import create_unit

    with live_server.app.app_context():
        create_unit(None, nation_code="FRA", code="FRA-BN", name="Bataillon français", kind="battalion")
        db.session.commit()
    e2e_user("training_officer", "nation", nation="FRA", username="officer.fra")


def test_officer_imports_a_roster_and_finds_a_person_without_typing_accents(page, live_server, e2e_user):
    _seed(live_server, e2e_user)
    e2e_login(page, live_server, "officer.fra")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Personnel").click()
    expect(page.get_by_role("heading", name="Personnel")).to_be_visible()
    page.get_by_role("link", name="Import a roster").click()
    expect(page.get_by_role("heading", name="Import a roster")).to_be_visible()

    page.get_by_label("Roster file (CSV or XLSX)").set_input_files(
        {"name": "roster-fra.csv", "mimeType": "text/csv", "buffer": ROSTER.encode("utf-8")})
    page.get_by_role("button", name="Check the file").click()

    # The dry run shows what would change, and nothing is written yet.
    expect(page.locator("#roster-counts")).to_contain_text("3 new people")
    expect(page.locator("#roster-preview")).to_contain_text("Hélène")
    page.get_by_role("button", name=re.compile(r"^Import 3 changes$")).click()

    # The import lands on the personnel list with a summary.
    expect(page.get_by_role("heading", name="Personnel")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="3 new")).to_be_visible()

    # Typed without accents or capitals, the name is still found, and only that person is listed.
    page.get_by_label("Name or service number").fill("helene dupre")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table").locator("tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Hélène Dupré")
    expect(results.first).to_contain_text("FR-100234")

    # Capitals and the diaeresis do not matter either.
    page.get_by_label("Name or service number").fill("ANGLA")
    page.get_by_role("button", name="Search").click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Ängla Øster")

    # The person's own page shows the record.
    page.get_by_label("Name or service number").fill("jerome lefevre")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Jérôme Lefèvre").click()
    expect(page.get_by_role("heading", name=re.compile("Jérôme Lefèvre"))).to_be_visible()
    expect(page.locator("main code", has_text="FR-100235")).to_be_visible()


def test_sign_in_and_out_in_a_real_browser(page, live_server, e2e_user):
    """CSRF is on here: the sign-out form must carry its token, and afterwards pages need a new sign-in."""
    e2e_user("admin", username="chief")
    e2e_login(page, live_server, "chief")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    page.get_by_role("button", name="Chief").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"{live_server.url}/admin/users")
    expect(page).to_have_url(re.compile(r"/login\?next="))
