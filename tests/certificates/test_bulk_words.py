"""A bulk issue in the reader's words: why people were skipped is shown in the language of whoever reads the
batch, not of the officer who issued it (batches kept before then still show the words they kept), and a preview
that would certify nobody says so in a sentence of its own."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from tests.certificates.builders import PROFILE
from trainer.certificates.models import CertificateBatch


def test_a_batch_issued_in_english_gives_its_skip_reasons_in_french_to_a_french_reader(
        client, login_as, make_user, make_unit, make_person, ready, issue, profile, db):
    from trainer.certificates import bulk

    unit = make_unit(nation="NPL", code="NPBATT-3")
    ready(make_person(unit=unit, category="military"))
    missing = make_person(unit=unit, category="military", family_name_latin="Thapa", given_names_latin="Ram")
    ready(missing, modules=("HR-01",))
    held = make_person(unit=unit, category="military", screening="hold")
    ready(held)
    holder = make_person(unit=unit, category="military")
    serial = issue(holder).serial
    officer = make_person(unit=unit, category="police", family_name_latin="Gurung", given_names_latin="Sita")
    ready(officer)
    profile(audience="military", screening_required=False)  # screening on hold: skipped all the same, said so
    batch = bulk.issue_batch(make_user("commander", "nation", nation="NPL"), unit.id, PROFILE)
    db.session.commit()
    assert batch.total == 1 and len(batch.skipped) == 4

    reader = login_as("commander", "nation", nation="NPL")
    reader.language = "fr"
    db.session.commit()
    page = client.get(f"/certificates/batches/{batch.id}").get_data(as_text=True)
    skipped = page.split(">Écartée<")[1].replace("\u00a0", " ")  # French spaces before : and inside « »
    assert "PKI-01 Peacekeeping intelligence : non suivi." in skipped
    assert "Vérification des antécédents : Suspendue" in skipped
    assert f"détient déjà le certificat {serial}" in skipped
    assert ("certificat non délivré après un avertissement : UN-PDT-MIL est destiné au personnel de la catégorie "
            "« Militaire », et Sita Gurung relève de la catégorie « Police ».") in skipped
    for english in ("not completed", "already holds", "left out after a warning", "is meant for personnel", "Hold"):
        assert english not in skipped, english

    # The list in the ZIP is in the reader's language too.
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/certificates/batches/{batch.id}/certificates.zip").data))
    listed = archive.read("skipped.csv").decode("utf-8-sig")
    assert "Motif de l'exclusion" in listed and "non suivi" in listed and "not completed" not in listed


def test_a_batch_kept_with_its_reasons_in_words_still_shows_them(client, login_as, make_unit, db):
    unit = make_unit(nation="NPL", code="NPBATT-4")
    kept = "PKI-01: PKI-01 Peacekeeping intelligence: not completed."
    batch = CertificateBatch(unit_id=unit.id, profile_code=PROFILE, as_of=dt.date.today(), total=0,
                             rendered=0, skipped=[{"person_id": 1, "name": "Ram Thapa", "service_number": "NA-1",
                                                   "reasons": [kept]}])
    db.session.add(batch)
    db.session.commit()
    login_as("commander", "nation", nation="NPL")
    page = client.get(f"/certificates/batches/{batch.id}").get_data(as_text=True)
    assert "Ram Thapa" in page and kept in page


def test_a_preview_that_would_certify_nobody_says_so(client, login_as, make_unit, make_person, ready, db):
    unit = make_unit(nation="NPL", code="NPBATT-5")
    ready(make_person(unit=unit), modules=("HR-01",))
    login_as("commander", "nation", nation="NPL")
    page = client.post("/certificates/bulk", data={"unit": unit.id, "profile": PROFILE}).get_data(as_text=True)
    assert "No certificate will be issued." in page
    assert "<strong>0</strong> certificate" not in page
    assert "<strong>1</strong> person is skipped." in page
    # Someone ready: counted as before.
    ready(make_person(unit=unit))
    page = client.post("/certificates/bulk", data={"unit": unit.id, "profile": PROFILE}).get_data(as_text=True)
    assert "<strong>1</strong> certificate will be issued." in page and "No certificate will be issued." not in page
