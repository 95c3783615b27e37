"""Real-browser journey on a phone (390 x 844): an administrator finds an account, disables it after the question
that says what will happen, reads what happened in the audit log and checks the chain, then sets their own time
zone by typing a city; no page scrolls sideways. The same pages in French show no English sentence of the
accounts and audit catalogue, and axe-core finds no serious or critical WCAG 2.2 AA violation on them."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.catalogue import long_english_pieces
from tests.e2e.conftest import ROOT, e2e_login
from tests.e2e.test_accessibility import _violations

PHONE = {"width": 390, "height": 844}
PART = ROOT / "translations" / "parts" / "admin.fr.po"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="UTC", service_workers="block",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:|about:).*"), lambda route: route.abort())
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _no_sideways_scrolling(page) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_an_administrator_disables_an_account_on_a_phone(phone, live_server, e2e_user):
    page = phone
    e2e_user("admin", username="mission.admin")
    e2e_user("training_officer", "nation", nation="NPL", username="officer.npl")
    e2e_login(page, live_server, "mission.admin")

    page.goto(f"{live_server.url}/admin/users")
    _no_sideways_scrolling(page)
    page.get_by_label("Account name or full name").fill("officer")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="officer.npl").click()
    expect(page.locator("h1")).to_contain_text("officer.npl")
    _no_sideways_scrolling(page)

    page.get_by_role("link", name="Disable the account…").click()
    expect(page.get_by_role("heading", name="Disable an account")).to_be_visible()
    expect(page.get_by_text("Every session of the account ends now, on every device.")).to_be_visible()
    _no_sideways_scrolling(page)
    page.get_by_role("button", name="Disable the account").click()
    expect(page.locator(".alert-success")).to_contain_text("Account disabled")
    expect(page.get_by_role("button", name="Enable the account")).to_be_visible()

    page.get_by_role("link", name="Audit events about this account").click()
    expect(page.locator("table")).to_contain_text("disabled the account of")
    _no_sideways_scrolling(page)
    page.get_by_role("link", name="Verify the chain").click()
    expect(page.locator(".alert-success")).to_contain_text("Intact")
    _no_sideways_scrolling(page)

    page.goto(f"{live_server.url}/account")
    page.get_by_label("Time zone", exact=True).fill("Kinshasa")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Saved.")
    expect(page.get_by_label("Time zone", exact=True)).to_have_value("Africa/Kinshasa")
    _no_sideways_scrolling(page)


def test_the_account_and_audit_pages_speak_french_on_a_phone(phone, live_server, e2e_user):
    page = phone
    e2e_user("admin", username="mission.admin", language="fr")
    e2e_user("training_officer", "nation", nation="NPL", username="officer.npl")
    e2e_login(page, live_server, "mission.admin")
    english = long_english_pieces(PART)
    page.goto(f"{live_server.url}/admin/users")
    page.get_by_role("link", name="officer.npl").click()
    page.wait_for_url(re.compile(r"/admin/users/\d+$"))  # the address of the account's page, not the list's
    account_url = page.url
    pages = [account_url, f"{account_url}/disable", f"{live_server.url}/admin/users",
             f"{live_server.url}/admin/users/new", f"{live_server.url}/account", f"{live_server.url}/account/password",
             f"{live_server.url}/admin/audit/", f"{live_server.url}/admin/audit/verify"]
    for url in pages:
        response = page.goto(url)
        assert response.ok, f"{url} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        _no_sideways_scrolling(page)
        text = page.locator("main").inner_text() if page.locator("main").count() else page.locator("body").inner_text()
        found = [sentence for sentence in english if sentence in text]
        assert not found, f"{url} shows English: {found[:5]}"
        problems = [f"{v['id']} ({v['impact']}): {v['help']}" for v in _violations(page)]
        assert not problems, f"{url}: {problems}"
