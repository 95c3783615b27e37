"""A commander issues a certificate for a ready person, downloads it and opens its public verify page;
the trainee downloads their own certificate. Readiness comes from a stand-in engine (the same one the
certificate tests use), so the journey depends only on the certificates pages."""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.certificates.fakes import FakeEngine
from tests.e2e.conftest import e2e_login

PROFILE = "UN-PDT-MIL"

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    expect = None


@pytest.fixture
def ready_person(live_server, monkeypatch):
    from trainer.certificates import services
    from trainer.curricula.models import ReadinessProfile
    from trainer.extensions import db
    from trainer.org.services import create_unit, ensure_nation
    from trainer.org.people import create_person

    monkeypatch.setattr(services, "_engine", lambda: FakeEngine())
    with live_server.app.app_context():
        ensure_nation("NPL")
        unit = create_unit(None, nation_code="NPL", code="NPBATT-2", name="Nepalese Battalion 2", kind="battalion")
        person = create_person(None, {
            "nation": "NPL", "unit_id": unit.id, "service_number": "NA-778899", "family_name": "थापा",
            "given_names": "राम बहादुर", "family_name_latin": "Thapa", "given_names_latin": "Ram Bahadur",
            "rank_code": "OF-2", "national_rank": "Captain", "category": "military", "email": None,
            "screening": "cleared"})
        db.session.add(ReadinessProfile(code=PROFILE, title={"en": "UN pre-deployment, military individual"},
                                        required_modules=["HR-01"], content_hash="0" * 64))
        db.session.commit()
        return person.id


def test_commander_issues_downloads_and_verifies_and_trainee_downloads_own(page, live_server, e2e_user, ready_person,
                                                                           tmp_path):
    e2e_user("commander", "nation", nation="NPL", username="commander.npl")
    e2e_user("trainee", "self", username="ram.thapa", person=ready_person)

    e2e_login(page, live_server, "commander.npl")
    page.goto(f"{live_server.url}/certificates/person/{ready_person}")
    expect(page.get_by_role("heading", name=re.compile("Certificates of"))).to_be_visible()
    page.get_by_role("link", name="Issue a certificate").click()
    page.get_by_label("Readiness profile").select_option(PROFILE)
    page.get_by_role("button", name="Issue certificate").click()
    expect(page.get_by_text(re.compile(r"Certificate .* issued\."))).to_be_visible()
    serial = page.locator("h1 .font-monospace").inner_text().strip()
    # Three groups of base32 symbols and Crockford's check symbol (which may also be * ~ $ = U).
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]", serial)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = tmp_path / "commander.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "राम बहादुर थापा" in text and serial in text

    page.get_by_role("link", name="Public verify page").click()
    expect(page.get_by_role("heading", name=re.compile(f"Certificate {re.escape(serial)} is valid"))).to_be_visible()
    expect(page.get_by_text("Ram Bahadur Thapa")).to_be_visible()

    # The trainee signs in and downloads their own certificate.
    page.wait_for_load_state("networkidle")  # no response still in flight may set the session cookie again
    page.context.clear_cookies()
    e2e_login(page, live_server, "ram.thapa")
    page.goto(f"{live_server.url}/certificates/")
    expect(page.get_by_role("link", name=serial)).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").first.click()
    own = tmp_path / "trainee.pdf"
    info.value.save_as(own)
    assert own.read_bytes().startswith(b"%PDF")

    # Anyone can type the serial on the public form.
    page.wait_for_load_state("networkidle")  # no response still in flight may set the session cookie again
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify")
    page.get_by_label("Serial").fill(serial.lower().replace("-", " "))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name=re.compile(f"Certificate {re.escape(serial)} is valid"))).to_be_visible()
    expect(page.get_by_text("NA-778899")).to_have_count(0)
