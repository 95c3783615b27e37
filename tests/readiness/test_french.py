"""A francophone commander's readiness in French: pages, worded reasons and dates, the PDF report, the
spreadsheets, and reminders written in each recipient's own language."""
import csv
import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest

from tests.catalogue import long_english_pieces

TODAY = dt.date.today()
PART = Path(__file__).resolve().parents[2] / "translations" / "parts" / "readiness.fr.po"


@pytest.fixture
def french_commander(db, login_as, make_unit, make_person, make_module, make_profile, complete):
    module = make_module("HR-01", validity_months=24, title="Human rights")
    make_profile("UN-PDT", modules=("HR-01",), warning_days=30)
    top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
    b1 = make_unit(nation="NPL", code="NPBATT-1", parent=top)
    ready = make_person(unit=b1, family_name="Gurung", given_names="Asha")
    complete(ready, module, dt.date(2026, 3, 2))
    not_ready = make_person(unit=b1, family_name="Tamang", given_names="Bishnu", screening="pending")
    user = login_as("commander", "nation", nation="NPL")
    user.language = "fr"
    db.session.commit()
    return {"unit": b1, "ready": ready, "not_ready": not_ready}


def test_the_dashboard_unit_and_person_pages_are_in_french(client, french_commander):
    as_of = "2026-06-15"
    pages = {
        "dashboard": client.get(f"/readiness/?profile=UN-PDT&as_of={as_of}&forecast=2026-12-31").get_data(as_text=True),
        "unit": client.get(f"/readiness/units/{french_commander['unit'].id}?profile=UN-PDT&as_of={as_of}").get_data(as_text=True),
        "person": client.get(f"/readiness/people/{french_commander['not_ready'].id}?profile=UN-PDT&as_of={as_of}")
        .get_data(as_text=True),
    }
    assert all('<html lang="fr"' in page for page in pages.values())
    dashboard = pages["dashboard"]
    assert "État de préparation — UN pre-deployment" in dashboard
    assert 'data-testid="ready-total">1 sur 2' in dashboard and "50% · Non prêt (rouge)" in dashboard
    assert "Pourcentage de personnes prêtes par unité au 15 juin 2026" in dashboard
    assert "manquante</strong>\u00a0: 1 personne" in dashboard
    assert "Prévision" in dashboard and "juin" in dashboard and "(prévision)" in dashboard
    unit = pages["unit"]
    assert "Personnel au 15 juin 2026" in unit and "✖ non prêt" in unit and "✔ prêt" in unit
    assert "manquante</span> Vérification des antécédents" in unit      # the requirement in words, not its key
    person = pages["person"]
    assert "✖ Non prêt</span> pour UN pre-deployment au 15 juin 2026" in person
    assert "HR-01 Human rights\u00a0: non suivi." in person
    assert "Suivre HR-01 (contrôle des connaissances en ligne ou séance en salle)." in person
    assert "Accorder une dérogation à une exigence" in person
    english = long_english_pieces(PART)
    assert len(english) > 50
    for name, page in pages.items():
        text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        found = [sentence for sentence in english if sentence in text]
        assert not found, f"English on the French {name} page: {found[:5]}"


def test_reasons_are_worded_in_the_readers_language(app, french_commander):
    from trainer.readiness import engine

    with app.test_request_context():
        from flask_babel import force_locale

        result = engine.evaluate_person(french_commander["ready"].id, "UN-PDT", dt.date(2026, 6, 15))
        with force_locale("fr"):
            assert result.requirements[0].reason == ("HR-01 Human rights\u00a0: suivi le 02 mars 2026 (version 1.0), "
                                                     "valable jusqu'au 02 mars 2028.")
            assert result.requirements[0].label == "satisfaite"
        with force_locale("en"):
            assert result.requirements[0].reason == ("HR-01 Human rights: completed 02 Mar 2026 (version 1.0), "
                                                     "valid until 02 Mar 2028.")


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_a_french_commanders_pdf_report_is_in_french(client, french_commander, tmp_path):
    response = client.get("/readiness/export.pdf?profile=UN-PDT&as_of=2026-06-15")
    assert response.status_code == 200
    text = " ".join(_pdf_text(response.data, tmp_path).replace("\u00a0", " ").split())
    for expected in ("Rapport sur l'état de préparation", "Périmètre", "Commandant — pays NPL", "15 juin 2026",
                     "vert à partir de 90%, orange à partir de 70%, rouge en dessous",
                     "Part des personnes prêtes par unité, les moins prêtes d'abord", "Lacunes les plus fréquentes",
                     "NPL NPBATT-1 — Unit NPBATT-1 : 1 sur 2 prêts (50%, Non prêt (rouge))",
                     "Personnel non prêt et ce qui lui manque", "HR-01 Human rights — manquante : HR-01 Human rights : non suivi.",
                     "Nom Grade Matricule Prêt Valable jusqu'au", "Page 1 sur", "Établi le"):
        assert expected in text, expected
    for english in ("Readiness report", "Personnel not ready", "Page 1 of", "not completed", "Valid until"):
        assert english not in text, english


def test_the_french_pdf_cover_says_when_it_was_written_once(client, french_commander, tmp_path):
    response = client.get("/readiness/export.pdf?profile=UN-PDT&as_of=2026-06-15")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    cover = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, check=True,
                           text=True).stdout
    assert cover.count("Établi") == 1 and "Établi le " in cover, cover


def test_the_default_markings_are_in_french_and_an_installations_own_as_it_set_them(app, client, french_commander,
                                                                                      tmp_path):
    response = client.get("/readiness/export.pdf?profile=UN-PDT&as_of=2026-06-15")
    text = " ".join(_pdf_text(response.data, tmp_path).split())
    assert "RELEASABLE TO PARTICIPATING NATIONS" not in text and "UNCLASSIFIED" not in text
    app.config["CLASSIFICATION_MARKING"] = "UN RESTRICTED"
    app.config["RELEASABILITY_MARKING"] = "RELEASABLE TO NPL, FRA"
    response = client.get("/readiness/export.pdf?profile=UN-PDT&as_of=2026-06-15")
    assert "UN RESTRICTED // RELEASABLE TO NPL, FRA" in " ".join(_pdf_text(response.data, tmp_path).split())


def test_a_french_commanders_spreadsheets_have_french_headings(client, french_commander):
    from openpyxl import load_workbook

    body = client.get("/readiness/export.csv?profile=UN-PDT").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Rapport sur l'état de préparation"
    assert rows[1] == ["Pays", "Unité", "Matricule", "Nom de famille", "Prénoms", "Grade", "Prêt", "Valable jusqu'au",
                       "Ce qui manque"]
    assert any(row[6] == "non" and "HR-01 Human rights\u00a0: manquante" in row[8] for row in rows[2:])
    book = load_workbook(io.BytesIO(client.get("/readiness/export.xlsx?profile=UN-PDT").data))
    assert book.sheetnames == ["Personnel", "Unités"]
    assert book["Unités"]["G1"].value == "Niveau" and book["Personnel"].oddFooter.right.text == "Page &P sur &N"


def test_reminders_reach_each_recipient_in_their_own_language(db, make_unit, make_person, make_module, make_user,
                                                              complete):
    from sqlalchemy import select

    from trainer.auth.models import Notification
    from trainer.readiness.reminders import run_reminders

    module = make_module("HR-01", validity_months=12, title="Human rights")
    unit = make_unit(nation="NPL", code="NPBATT-R")
    person = make_person(unit=unit, family_name="Thapa", given_names="Maya")
    complete(person, module, dt.date(2025, 3, 31))       # valid until 31 March 2026
    own = make_user("trainee", "self", person=person)
    officer = make_user("training_officer", "unit", unit=unit)
    own.language = "fr"
    db.session.commit()
    assert run_reminders(dt.date(2026, 3, 1)).created["expiry"] == 2
    db.session.commit()
    mine = db.session.scalar(select(Notification).where(Notification.user_id == own.id))
    theirs = db.session.scalar(select(Notification).where(Notification.user_id == officer.id))
    assert mine.subject == "Votre module HR-01 expire dans 30 jours"
    assert mine.body == ("HR-01 Human rights (version 1.0) cesse de compter après le 31 mars 2026\u00a0: sa validité "
                         "expire. Suivez-le de nouveau d'ici là pour rester prêt.")
    assert theirs.subject == "Maya Thapa (NPL " + person.service_number + "): HR-01 expires in 30 days"
    assert "stops counting after 31 Mar 2026" in theirs.body
