"""A bulk issue for a unit and a one-click re-certification warn like issuing to one person (a certificate
that would lapse within the profile's warning window, a profile meant for other personnel) and write
nothing until the issuer has confirmed: a bulk issue shows a preview first, in which each person with a
warning is issued only if ticked "Issue anyway"."""
from __future__ import annotations

import pytest

from tests.certificates.builders import PROFILE, bulk_confirmed
from trainer.certificates.models import Certificate, CertificateBatch
from trainer.certificates.services.issuing import Unconfirmed, check_recertify, recertify


def _count(db, model=Certificate) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def mixed_unit(make_unit, make_person, ready, profile):
    """A unit of the military profile with a soldier, a police officer (both ready) and a soldier who is not."""
    unit = make_unit(nation="NPL", code="NPBATT-7")
    soldier = make_person(unit=unit, category="military", family_name_latin="Adhikari", given_names_latin="Hari")
    officer = make_person(unit=unit, category="police", family_name_latin="Gurung", given_names_latin="Sita")
    missing = make_person(unit=unit, category="military", family_name_latin="Thapa", given_names_latin="Ram")
    ready(soldier)
    ready(officer)
    ready(missing, modules=("HR-01",))
    profile(audience="military")
    return unit, soldier, officer, missing


# --- bulk issue: services ---------------------------------------------------------------------------------------

def test_the_plan_of_a_bulk_issue_sorts_who_is_issued_warned_and_skipped_and_writes_nothing(mixed_unit, make_user,
                                                                                          db):
    from trainer.certificates import bulk

    unit, soldier, officer, missing = mixed_unit
    plan = bulk.plan_batch(make_user("commander", "nation", nation="NPL"), unit.id, PROFILE)
    assert [c.person.id for c in plan.ready] == [soldier.id]
    [warned] = plan.warned
    assert warned.person.id == officer.id and [w.key for w in warned.warnings] == ["audience"]
    assert "Sita Gurung is in the category Police" in warned.warnings[0].message
    assert [row["person_id"] for row in plan.skipped] == [missing.id]
    assert (_count(db), _count(db, CertificateBatch)) == (0, 0)


def test_a_bulk_issue_leaves_out_the_warned_unless_confirmed_person_by_person(mixed_unit, make_user, db):
    from trainer.certificates import bulk
    from trainer.certificates.skip_reasons import word

    unit, soldier, officer, missing = mixed_unit
    commander = make_user("commander", "nation", nation="NPL")
    first = bulk.issue_batch(commander, unit.id, PROFILE)
    db.session.commit()
    issued = db.session.scalars(db.select(Certificate.person_id).where(Certificate.batch_id == first.id)).all()
    assert first.total == 1 and issued == [soldier.id]
    left_out = next(row for row in first.skipped if row["person_id"] == officer.id)
    assert word(left_out["reasons"][0]).startswith("left out after a warning: UN-PDT-MIL is meant for personnel")

    # Ticked "issue anyway": issued. An id that carried no warning (the one not ready) gives nothing.
    second = bulk.issue_batch(commander, unit.id, PROFILE, issue_anyway=[officer.id, missing.id])
    db.session.commit()
    issued = db.session.scalars(db.select(Certificate.person_id).where(Certificate.batch_id == second.id)).all()
    assert second.total == 1 and issued == [officer.id]
    assert _count(db) == 2


# --- bulk issue: the page -----------------------------------------------------------------------------------------

def test_the_bulk_page_previews_the_batch_and_issues_only_from_a_confirmed_preview(client, login_as, mixed_unit, db):
    unit, soldier, officer, missing = mixed_unit
    login_as("commander", "nation", nation="NPL")

    preview = client.post("/certificates/bulk", data={"unit": unit.id, "profile": PROFILE})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<strong>1</strong> certificate will be issued." in page
    assert "<strong>1</strong> person carries a warning" in page and "<strong>1</strong> person is skipped." in page
    warned_part, rest = page.split('class="table table-sm table-stack cert-warned"')[1].split("</table>", 1)
    assert "Sita Gurung" in warned_part and "is meant for personnel of the category Military" in warned_part
    assert f'name="issue_anyway" value="{officer.id}"' in warned_part
    assert "Hari Adhikari" in rest and "Ram Thapa" in rest and "PKI-01" in rest
    assert f'name="previewed" type="hidden" value="{unit.id} {PROFILE}"' in page
    assert 'name="issue"' in page
    assert (_count(db), _count(db, CertificateBatch)) == (0, 0)

    # The issue button without the preview it confirms (none, or another profile's) previews again.
    for unconfirmed in ({"unit": unit.id, "profile": PROFILE, "issue": "y"},
                        {**bulk_confirmed(unit.id), "previewed": f"{unit.id} UN-PDT-POL"}):
        again = client.post("/certificates/bulk", data=unconfirmed)
        assert again.status_code == 200 and "will be issued" in again.get_data(as_text=True)
    assert (_count(db), _count(db, CertificateBatch)) == (0, 0)

    issued = client.post("/certificates/bulk", data=bulk_confirmed(unit.id))
    assert issued.status_code == 302
    batch_page = client.get(issued.headers["Location"]).get_data(as_text=True)
    assert "<strong>1</strong> certificate issued" in batch_page
    skipped_part = batch_page.split(">Skipped<")[1]
    assert "Sita Gurung" in skipped_part and "left out after a warning" in skipped_part
    assert db.session.scalars(db.select(Certificate.person_id)).all() == [soldier.id]


# --- re-certification ---------------------------------------------------------------------------------------------

def test_re_certifying_warns_of_a_short_validity_and_writes_only_once_confirmed(make_person, issue, profile,
                                                                               make_user, db):
    person = make_person(nation="NPL", given_names_latin="Ram", family_name_latin="Thapa")
    old = issue(person)
    profile(warning_days=2000)
    commander = make_user("commander", "nation", nation="NPL")
    [warning] = check_recertify(commander, old.id)
    assert warning.key == "validity" and "2000 days" in warning.message
    with pytest.raises(Unconfirmed) as unconfirmed:
        recertify(commander, old.id)
    assert unconfirmed.value.errors == [("validity", warning.message)]
    db.session.rollback()
    assert _count(db) == 1 and db.session.get(Certificate, old.id).recorded_status == "valid"
    new = recertify(commander, old.id, confirmed=True)
    db.session.commit()
    assert new.supersedes_id == old.id and _count(db) == 2


def test_the_re_certify_button_shows_the_warnings_and_asks_to_confirm(client, login_as, make_person, issue, profile,
                                                                     db):
    officer = make_person(nation="NPL", category="police", given_names_latin="Sita", family_name_latin="Gurung")
    old = issue(officer)
    profile(audience="military")
    login_as("commander", "nation", nation="NPL")

    asked = client.post(f"/certificates/{old.id}/recertify")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Before you re-certify" in page
    assert "Sita Gurung is in the category Police" in page and 'name="confirm"' in page
    assert _count(db) == 1

    done = client.post(f"/certificates/{old.id}/recertify", data={"confirm": "y"})
    assert done.status_code == 302
    assert _count(db) == 2 and db.session.get(Certificate, old.id).recorded_status == "superseded"
