"""Real-browser journey for the API: an officer makes a token on their account page, copies it once, opens
the reference page (Swagger UI under the app's strict Content-Security-Policy, without a single violation),
authorises with the token and runs an operation from the page."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import e2e_login


def test_an_officer_makes_a_token_and_tries_an_operation_on_the_reference_page(page, live_server, e2e_user):
    from trainer.extensions import db
    from trainer.org.services import create_unit

    with live_server.app.app_context():
        create_unit(None, nation_code="NPL", code="NPBATT-A", name="Nepalese battalion", kind="battalion")
        db.session.commit()
    e2e_user("training_officer", "nation", nation="NPL", username="officer.api")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    e2e_login(page, live_server, "officer.api")

    page.goto(f"{live_server.url}/account")
    page.get_by_role("link", name="Manage your API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    page.get_by_label("Name").fill("National database sync")
    page.get_by_label("Expires").select_option("30")
    page.get_by_role("button", name="Make the token").click()
    token = page.get_by_label("Token").input_value()
    assert re.fullmatch(r"trn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", token)
    row = page.get_by_role("row", name=re.compile("National database sync"))
    expect(row).to_contain_text("not yet")
    page.goto(f"{live_server.url}/account/tokens")
    expect(page.get_by_label("Token")).to_have_count(0)  # shown once only

    page.get_by_role("link", name="API reference").click()
    expect(page.get_by_role("heading", name="trainer API reference")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    page.locator("#auth-bearer-value").fill(token)
    page.locator(".modal-ux").get_by_role("button", name="Apply credentials").click()
    page.locator(".modal-ux").get_by_role("button", name="Close").click()
    operation = page.locator("#operations-Organisation-org_list_units")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table td.response-col_status").nth(1)).to_contain_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("NPBATT-A")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems

    page.goto(f"{live_server.url}/account/tokens")
    expect(page.get_by_role("row", name=re.compile("National database sync"))).not_to_contain_text("not yet")
