"""Open Badges 3.0 exports: every credential validates against the 1EdTech schema and its proof verifies with
an independent implementation and the published key; an edited credential does not; the status list that
the app publishes follows revocation, suspension and re-certification; the holder chooses whether their
name appears."""
from __future__ import annotations

import copy
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from tests.certificates import independent
from tests.certificates.builders import PROFILE, PROFILE_TITLE
from trainer.certificates.models import Certificate

PUBLIC = "https://trainer.example.org"  # PUBLIC_URL of the test configuration
SCHEMAS = Path(__file__).resolve().parent / "schemas"
NODE_VERIFIER = Path(__file__).resolve().parent / "node"


def _validator(name: str) -> jsonschema.Draft201909Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


CREDENTIAL_SCHEMA = _validator("ob_v3p0_achievementcredential_schema.json")
PROFILE_SCHEMA = _validator("ob_v3p0_profile_schema.json")


def schema_errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def fetch(client, url: str):
    """A published address, fetched as a verifier would: anonymously."""
    assert url.startswith(PUBLIC + "/"), url
    response = client.application.test_client().get(url[len(PUBLIC):])
    assert response.status_code == 200, (url, response.status_code)
    return json.loads(response.get_data(as_text=True))


def check(client, document: dict) -> independent.Verification:
    """Verify a document as an outside verifier would: dereference its proof's verification method, check
    that the issuer controls the key and lists it as an assertion method, then check the proof."""
    proof = document["proof"][0]
    method = fetch(client, proof["verificationMethod"])
    issuer_id = document["issuer"]["id"] if isinstance(document["issuer"], dict) else document["issuer"]
    assert method["type"] == "Multikey" and method["id"] == proof["verificationMethod"]
    assert method["controller"] == issuer_id
    assert proof["verificationMethod"] in fetch(client, issuer_id)["assertionMethod"]
    return independent.verify(document, independent.multikey_to_public(method["publicKeyMultibase"]))


def badge(client, cert) -> dict:
    response = client.get(f"/certificates/{cert.id}/open-badge.json")
    assert response.status_code == 200
    assert f"open-badge-{cert.serial}.json" in unquote(response.headers["Content-Disposition"])
    return json.loads(response.get_data(as_text=True))


def status_of(client, credential: dict) -> int:
    """The credential's status as the published, signed status list says it (2-bit entries)."""
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "message"
    status_list = fetch(client, entry["statusListCredential"])
    assert "BitstringStatusListCredential" in status_list["type"]
    assert status_list["credentialSubject"]["statusPurpose"] == "message"
    assert check(client, status_list).verified
    bits = independent.decode_status_list(status_list["credentialSubject"]["encodedList"])
    assert len(bits) * 8 // entry["statusSize"] >= 131_072  # the herd-privacy minimum
    value = independent.status_value(bits, int(entry["statusListIndex"]), entry["statusSize"])
    messages = {int(m["status"], 16): m["message"] for m in entry["statusMessage"]}
    return messages[value]


@pytest.fixture
def holder(make_person, make_user, login_as, client):
    """A trainee signed in with their own account, and their person."""
    person = make_person(nation="NPL", given_names="राम", family_name="थापा", given_names_latin="Ram",
                         family_name_latin="Thapa", service_number="NP-778812")
    user = login_as("trainee", "self", person=person)
    return person, user


# --- exported credentials -------------------------------------------------------------------------------

def test_the_holder_downloads_an_open_badge_that_validates_and_verifies(client, holder, issue, db):
    person, _ = holder
    cert = issue(person)
    for listing in (f"/certificates/person/{person.id}", "/certificates/"):  # offered beside the PDF
        assert f"/certificates/{cert.id}/open-badge.json" in client.get(listing).get_data(as_text=True)
    credential = badge(client, cert)

    assert schema_errors(CREDENTIAL_SCHEMA, credential) == []
    assert check(client, credential).verified
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == f"{PUBLIC}/openbadges/issuer"
    assert credential["validFrom"] == json.loads(cert.payload)["issued_at"]
    assert credential["validUntil"] == f"{cert.valid_until.isoformat()}T23:59:59Z"

    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == PROFILE_TITLE and achievement["humanCode"] == PROFILE
    narrative = achievement["criteria"]["narrative"]
    assert "- HR-01 Human rights in peace operations, version 2.1" in narrative
    assert "- PKI-01 Peacekeeping intelligence, version 1.0" in narrative
    assert "An exercise of type functional that ended within the 24 months" in narrative
    assert "outcome of S or better" in narrative

    identifiers = credential["credentialSubject"]["identifier"]
    hashed = [i for i in identifiers if i["hashed"]]
    assert len(hashed) == 1 and hashed[0]["identityHash"].startswith("sha256$") and "salt" not in hashed[0]
    assert [i["identityHash"] for i in identifiers if i["identityType"] == "name"] == ["Ram Thapa", "राम थापा"]
    text = json.dumps(credential, ensure_ascii=False)
    for private in (person.service_number, person.unit.code, person.rank_code, person.nation_code):
        assert private not in text  # nothing about the person beyond the printed name


def test_staff_download_from_the_certificate_page_and_the_command_line_prints_the_same_credential(
        client, login_as, make_person, issue, runner, db):
    cert = issue(make_person(nation="NPL"))
    login_as("commander", "nation", nation="NPL")
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert f"/certificates/{cert.id}/open-badge.json" in page
    assert "Your name in your Open Badges" not in page  # the choice is the holder's alone
    downloaded = badge(client, cert)

    result = runner.invoke(args=["certificates", "export-ob3", cert.serial])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert schema_errors(CREDENTIAL_SCHEMA, printed) == []
    assert check(client, printed).verified
    without_proof = lambda c: {k: v for k, v in c.items() if k != "proof"}  # noqa: E731
    assert without_proof(printed) == without_proof(downloaded)

    missing = runner.invoke(args=["certificates", "export-ob3", "0000-0000-0000-0"])
    assert missing.exit_code == 1 and "Cannot export" in missing.output


@pytest.mark.parametrize("edit", [
    lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="sha256$" + "0" * 64),
    lambda c: c["credentialSubject"]["identifier"].append(
        {"type": "IdentityObject", "hashed": False, "identityType": "name", "identityHash": "Someone Else"}),
    lambda c: c["credentialSubject"]["achievement"].update(name="Senior mission leaders course"),
    lambda c: c.update(validUntil="2099-12-31T23:59:59Z"),
    lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
    lambda c: c["credentialSubject"].update(rank="OF-6"),  # a property no context defines is not signed
], ids=["subject-hash", "subject-name", "achievement", "valid-until", "valid-from", "added-property"])
def test_a_credential_whose_subject_or_dates_were_edited_fails_verification(client, login_as, make_person, issue,
                                                                              edit):
    cert = issue(make_person(nation="NPL"))
    login_as("commander", "nation", nation="NPL")
    credential = badge(client, cert)
    assert check(client, credential).verified
    edited = copy.deepcopy(credential)
    edit(edited)
    assert not check(client, edited).verified


def test_the_issuer_profile_lists_every_key_and_an_older_credential_still_verifies_after_rotation(
        client, login_as, make_person, issue, runner, app):
    cert = issue(make_person(nation="NPL"))
    login_as("commander", "nation", nation="NPL")
    before = badge(client, cert)
    assert runner.invoke(args=["certificates", "rotate-key"]).exit_code == 0
    after = badge(client, cert)
    assert after["proof"][0]["verificationMethod"] != before["proof"][0]["verificationMethod"]

    profile = fetch(client, f"{PUBLIC}/openbadges/issuer")
    assert schema_errors(PROFILE_SCHEMA, profile) == []
    jwks = json.loads(client.get("/verify/keys.json").get_data(as_text=True))["keys"]
    published = {m["id"]: independent.multikey_to_public(m["publicKeyMultibase"]) for m in profile["verificationMethod"]}
    assert len(published) == len(jwks) == 2
    assert {f"{PUBLIC}/openbadges/keys/{k['kid']}" for k in jwks} == set(published)
    assert check(client, before).verified and check(client, after).verified
    response = client.get("/openbadges/issuer")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/openbadges/keys/0123456789abcdef").status_code == 404


def test_digital_bazaars_verifier_accepts_the_exports_and_refuses_edited_ones(client, login_as, make_person, issue):
    """Interoperability: a widely used implementation from npm (run offline, in JSON-LD safe mode) verifies
    a downloaded credential and the status list, key owner included, and refuses edited credentials."""
    node = shutil.which("node")
    if node is None or not (NODE_VERIFIER / "node_modules").is_dir():
        pytest.skip("the Node.js verifier is not installed (npm ci --prefix tests/certificates/node)")
    cert = issue(make_person(nation="NPL"))
    login_as("commander", "nation", nation="NPL")
    credential = badge(client, cert)
    status_list = fetch(client, credential["credentialStatus"]["statusListCredential"])
    method = credential["proof"][0]["verificationMethod"]
    documents = {url: json.loads(path.read_text(encoding="utf-8")) for url, path in independent.CONTEXT_FILES.items()}
    documents[method] = fetch(client, method)
    documents[credential["issuer"]["id"]] = fetch(client, credential["issuer"]["id"])
    later = {**copy.deepcopy(credential), "validUntil": "2099-12-31T23:59:59Z"}
    ranked = copy.deepcopy(credential)
    ranked["credentialSubject"]["rank"] = "OF-6"
    run = subprocess.run([node, str(NODE_VERIFIER / "verify.mjs")], capture_output=True, text=True, timeout=120,
                         input=json.dumps({"documents": documents,
                                           "credentials": [credential, status_list, later, ranked]}))
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert [r["verified"] for r in results] == [True, True, False, False], results
    assert "signature" in results[2]["error"].lower() and "safe mode" in results[3]["error"].lower()


# --- status -------------------------------------------------------------------------------------------

def test_revoking_and_suspending_flip_the_entry_in_the_published_status_list(client, login_as, make_person, issue, db):
    revoked_person, held_person = make_person(nation="NPL"), make_person(nation="NPL")
    to_revoke, to_suspend = issue(revoked_person), issue(held_person)
    login_as("commander", "nation", nation="NPL")
    revoked_badge, suspended_badge = badge(client, to_revoke), badge(client, to_suspend)
    assert status_of(client, revoked_badge) == status_of(client, suspended_badge) == "valid"

    response = client.post(f"/certificates/{to_revoke.id}/revoke", data={"reason": "Misconduct established", "confirm": "y"})
    assert response.status_code == 302
    assert status_of(client, revoked_badge) == "revoked"
    assert status_of(client, suspended_badge) == "valid"  # only its own entry changed

    held_person.screening = "hold"
    db.session.commit()
    assert status_of(client, suspended_badge) == "suspended"  # at once, not at the next daily run
    held_person.screening = "cleared"
    db.session.commit()
    assert status_of(client, suspended_badge) == "valid"


def test_recertification_issues_a_new_credential_and_the_old_ones_status_follows_its_certificate(
        client, login_as, make_person, issue, db):
    person = make_person(nation="NPL")
    old = issue(person)
    login_as("commander", "nation", nation="NPL")
    old_badge = badge(client, old)
    response = client.post(f"/certificates/{old.id}/recertify")
    assert response.status_code == 302
    new = db.session.scalar(db.select(Certificate).where(Certificate.supersedes_id == old.id))
    new_badge = badge(client, new)

    assert new_badge["id"] != old_badge["id"]
    assert new_badge["credentialStatus"]["id"] != old_badge["credentialStatus"]["id"]
    assert status_of(client, old_badge) == "superseded"
    assert status_of(client, new_badge) == "valid"
    same_subject = [c["credentialSubject"]["identifier"][0]["identityHash"] for c in (old_badge, new_badge)]
    assert same_subject[0] == same_subject[1]  # the same person, the same identifier

    client.post(f"/certificates/{old.id}/revoke", data={"reason": "Issued on forged records", "confirm": "y"})
    assert status_of(client, old_badge) == "revoked"
    assert status_of(client, new_badge) == "valid"


def test_status_lists_beyond_the_last_are_not_found(client, make_person, issue):
    issue(make_person(nation="NPL"))
    assert client.get("/openbadges/status/1").status_code == 200
    assert client.get("/openbadges/status/2").status_code == 404
    assert client.get("/openbadges/status/0").status_code == 404
    assert client.get("/openbadges/status/first").status_code == 404
    assert client.get("/openbadges/status/²").status_code == 404


# --- the holder's choice and the subject identifier ---------------------------------------------------------

def test_the_holder_leaves_their_name_out_of_every_badge_and_staff_downloads_follow(
        client, holder, issue, login_as, db, app):
    person, _ = holder
    cert = issue(person)
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "Your name in your Open Badges" in page and 'value="yes" checked' in page

    response = client.post(f"/certificates/{cert.id}/open-badge-name", data={"include_name": "no"})
    assert response.status_code == 302
    mine = badge(client, cert)
    assert [i["identityType"] for i in mine["credentialSubject"]["identifier"]] == ["systemId"]
    assert "Thapa" not in json.dumps(mine, ensure_ascii=False) and "थापा" not in json.dumps(mine, ensure_ascii=False)
    assert check(client, mine).verified and schema_errors(CREDENTIAL_SCHEMA, mine) == []

    login_as("commander", "nation", nation="NPL")
    assert "Thapa" not in json.dumps(badge(client, cert))  # the holder's choice holds for everyone
    assert client.post(f"/certificates/{cert.id}/open-badge-name", data={"include_name": "yes"}).status_code == 403


def test_the_subject_hash_is_stable_and_needs_the_installations_secret_salt(client, holder, issue, make_person):
    from trainer.certificates.services.keys import key_store
    from trainer.certificates.services.openbadges import subject_identity_hash

    person, _ = holder
    cert = issue(person)
    other = issue(make_person(nation="NPL"))
    mine = badge(client, cert)
    hashed = mine["credentialSubject"]["identifier"][0]["identityHash"]
    assert badge(client, cert)["credentialSubject"]["identifier"][0]["identityHash"] == hashed
    assert subject_identity_hash(other.person_id) != hashed

    salt_file = Path(key_store().folder) / "openbadges-identity-salt"  # kept with the signing keys
    assert stat.S_IMODE(os.stat(salt_file).st_mode) == 0o600
    salt = salt_file.read_text().strip()
    assert len(salt) == 64 and salt not in json.dumps(mine)
    salt_file.write_text("another installation\n")
    assert subject_identity_hash(person.id) != hashed


def test_bulk_issue_gives_every_certificate_its_own_status_entry(make_unit, make_person, make_user, ready, db):
    from trainer.certificates import bulk

    unit = make_unit(nation="NPL")
    people = [make_person(unit=unit) for _ in range(5)]
    for person in people:
        ready(person)
    batch = bulk.issue_batch(make_user("commander", "nation", nation="NPL"), unit.id, PROFILE)
    db.session.commit()
    indexes = db.session.scalars(db.select(Certificate.status_index).where(Certificate.batch_id == batch.id)).all()
    assert len(indexes) == 5 and len(set(indexes)) == 5 and all(0 <= i < 131_072 for i in indexes)


@pytest.mark.skipif(os.environ.get("TRAINER_TEST_DB", "sqlite") != "sqlite",
                    reason="the migration's data step is run here on a SQLite file of its own")
def test_the_migration_gives_every_existing_certificate_its_own_status_entry(tmp_path):
    import sqlite3

    from flask_migrate import upgrade

    from tests.conftest import migrated_app
    from trainer.extensions import db

    path = tmp_path / "before.db"
    app = migrated_app(f"sqlite:///{path}", tmp_path / "instance", revision="0011_audit_anchor")
    connection = sqlite3.connect(path)  # certificates issued before Open Badges (their people left out)
    connection.executemany(
        "INSERT INTO certificates (id, serial, person_id, profile_code, payload, signature, key_id, issued_at, "
        "issued_on, recorded_status, supersedes_id) VALUES (?, ?, 1, 'P', '{}', 's', 'k', '2026-01-01 00:00:00', "
        "'2026-01-01', 'valid', ?)", [(n, f"SERIAL-{n}", n - 1 if n > 1 else None) for n in range(1, 41)])
    connection.execute("INSERT INTO certificate_status_events (certificate_id, status, reason, at) "
                       "VALUES (1, 'valid', 'issued', '2026-01-01 00:00:00')")
    connection.commit()
    connection.close()
    with app.app_context():
        upgrade(revision="heads")
        rows = db.session.execute(db.text("SELECT status_index FROM certificates ORDER BY id")).scalars().all()
        db.engine.dispose()
    assert len(rows) == 40 and None not in rows and len(set(rows)) == 40
    assert all(0 <= index < 131_072 for index in rows)
    assert sorted(rows) != rows  # drawn at random, not in the order of issue
