"""A commander issues a certificate for a person made ready by real completions, screening and an exercise
credit, is refused one for a person whose screening is pending (the real readiness engine says why),
downloads the PDF and opens its public verify page, then issues to the rest of the unit from a preview
that shows who is skipped and who carries a warning (a police officer under the military profile, issued
only once ticked); the trainee downloads their own certificate, and its Open Badge once they have left
their name out of it."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.certificates.builders import PROFILE, ensure_profile, issuer, make_ready
from tests.e2e.conftest import e2e_login

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    expect = None


def _person(unit_id: int, service_number: str, family: str, given: str, family_latin: str, given_latin: str,
            screening: str, category: str = "military"):
    from trainer.org.people import create_person

    return create_person(None, {
        "nation": "NPL", "unit_id": unit_id, "service_number": service_number, "family_name": family,
        "given_names": given, "family_name_latin": family_latin, "given_names_latin": given_latin,
        "rank_code": "OF-2", "national_rank": "Captain", "category": category, "email": None,
        "screening": screening})


def _certificates(live_server) -> int:
    from trainer.certificates.models import Certificate
    from trainer.extensions import db

    with live_server.app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Certificate))


@pytest.fixture
def people(live_server):
    """(ready person id, pending person id): both with every module and the exercise, one screening pending.
    Two more of the unit are ready for the bulk issue: a soldier, and a police officer under the profile,
    which is meant for military personnel."""
    from trainer.extensions import db
    from trainer.org.services import create_unit, ensure_nation

    with live_server.app.app_context():
        ensure_nation("NPL")
        unit = create_unit(None, nation_code="NPL", code="NPBATT-2", name="Nepalese Battalion 2", kind="battalion")
        ready = _person(unit.id, "NA-778899", "थापा", "राम बहादुर", "Thapa", "Ram Bahadur", "cleared")
        pending = _person(unit.id, "NA-778900", "गुरुङ", "सीता", "Gurung", "Sita", "pending")
        soldier = _person(unit.id, "NA-778901", "राई", "बिष्णु", "Rai", "Bishnu", "cleared")
        officer = _person(unit.id, "NP-778902", "लामा", "पेमा", "Lama", "Pema", "cleared", category="police")
        ensure_profile(db).audience = "military"
        db.session.commit()
        for person in (ready, pending, soldier, officer):
            make_ready(db, person)
        return ready.id, pending.id


def test_commander_issues_downloads_and_verifies_and_trainee_downloads_own(page, live_server, e2e_user, people,
                                                                           tmp_path):
    ready_person, pending_person = people
    e2e_user("commander", "nation", nation="NPL", username="commander.npl")
    e2e_user("trainee", "self", username="ram.thapa", person=ready_person)

    e2e_login(page, live_server, "commander.npl")
    # Screening pending: refused, with the engine's reason, and nothing issued.
    page.goto(f"{live_server.url}/certificates/person/{pending_person}/issue")
    page.get_by_label("Readiness profile").select_option(PROFILE)
    page.get_by_role("button", name="Issue certificate").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Sita Gurung cannot be certified")
    expect(refusal).to_contain_text("Screening not yet completed (pending).")
    page.goto(f"{live_server.url}/certificates/person/{pending_person}")
    expect(page.get_by_text("No certificates yet.")).to_be_visible()

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

    # The rest of the unit in one batch: a preview first, on a phone too, and nothing issued before confirming.
    page.goto(f"{live_server.url}/certificates/bulk")
    page.get_by_label("Unit (with its sub-units)").select_option(label="NPL · NPBATT-2 — Nepalese Battalion 2")
    page.get_by_label("Readiness profile").select_option(PROFILE)
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Preview: NPBATT-2"))).to_be_visible()
    summary = page.locator(".cert-preview-summary")
    expect(summary).to_contain_text("1 certificate will be issued.")
    expect(summary).to_contain_text("1 person carries a warning")
    expect(summary).to_contain_text("2 people are skipped.")
    warned = page.locator(".cert-warned tr", has_text="Pema Lama")
    expect(warned).to_contain_text("meant for personnel of the category Military")
    expect(page.locator("tr", has_text="Ram Bahadur Thapa")).to_contain_text(f"already holds certificate {serial}")
    page.set_viewport_size({"width": 390, "height": 844})
    # The same page turned to a phone's width reflows without sideways scrolling (once the resize is laid out).
    # Polled from here: wait_for_function polls a string by eval in the page, which the page's CSP refuses.
    width = page.evaluate("document.documentElement.scrollWidth")
    for _ in range(100):
        if width <= 390:
            break
        page.wait_for_timeout(100)
        width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    page.set_viewport_size({"width": 1366, "height": 900})
    assert _certificates(live_server) == 1  # only Ram's, issued above
    page.get_by_label("Issue anyway to Pema Lama").check()
    page.get_by_role("button", name="Issue the certificates").click()
    expect(page.get_by_text("2 certificates issued; 2 people skipped.")).to_be_visible()
    issued = page.locator("table").first
    expect(issued).to_contain_text("Bishnu Rai")
    expect(issued).to_contain_text("Pema Lama")
    assert _certificates(live_server) == 3

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

    # On their certificate's page the trainee leaves their name out of their Open Badges, then downloads one.
    page.get_by_role("link", name=serial).click()
    expect(page.get_by_label("Show my printed name")).to_be_checked()
    page.get_by_label("Leave my name out").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Your Open Badges no longer show your name.")).to_be_visible()
    expect(page.get_by_label("Leave my name out")).to_be_checked()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Open Badge").click()
    badge = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert [i["identityType"] for i in badge["credentialSubject"]["identifier"]] == ["systemId"]
    assert "Thapa" not in json.dumps(badge, ensure_ascii=False)

    # Anyone can type the serial on the public form.
    page.wait_for_load_state("networkidle")  # no response still in flight may set the session cookie again
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify")
    page.get_by_label("Serial").fill(serial.lower().replace("-", " "))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name=re.compile(f"Certificate {re.escape(serial)} is valid"))).to_be_visible()
    expect(page.get_by_text("NA-778899")).to_have_count(0)


@pytest.fixture
def french_batch(live_server):
    """A batch issued by an English-speaking admin: one soldier certified although the certificate lapses within
    the profile's warning window (confirmed), one skipped for a module not completed."""
    from trainer.certificates import bulk
    from trainer.extensions import db
    from trainer.org.services import create_unit, ensure_nation

    with live_server.app.app_context():
        ensure_nation("NPL")
        unit = create_unit(None, nation_code="NPL", code="NPL-B1", name="Nepalese Battalion 1", kind="battalion")
        soldier = _person(unit.id, "NA-778911", "राई", "बिष्णु", "Rai", "Bishnu", "cleared")
        missing = _person(unit.id, "NA-778912", "थापा", "राम बहादुर", "Thapa", "Ram Bahadur", "cleared")
        ensure_profile(db).warning_days = 5000
        db.session.commit()
        make_ready(db, soldier)
        make_ready(db, missing, modules=("HR-01",))
        batch = bulk.issue_batch(issuer(db), unit.id, PROFILE, issue_anyway=[soldier.id])
        db.session.commit()
        assert batch.total == 1
        return batch.id


def test_a_french_commander_reads_a_batch_in_french_on_a_phone(page, live_server, e2e_user, french_batch):
    e2e_user("commander", "nation", nation="NPL", username="commander.npl", language="fr")
    e2e_login(page, live_server, "commander.npl")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/certificates/batches/{french_batch}")
    expect(page.locator(".cert-lapses-soon")).to_contain_text("arrive à échéance dans le délai d'alerte")
    expect(page.locator("tr", has_text="Ram Bahadur Thapa")).to_contain_text("non suivi")
    expect(page.locator("tr", has_text="Ram Bahadur Thapa")).not_to_contain_text("not completed")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the batch page is {width} px wide on a 390 px screen"
