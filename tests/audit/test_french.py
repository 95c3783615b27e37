"""An administrator who reads French gets the audit log and the chain check in French, counts included."""
import re

from tests.audit.test_log_pages import _rows, _seed
from tests.conftest import login


def _in_french(db, admin) -> None:
    admin.language = "fr"
    db.session.commit()


def test_the_log_speaks_french_with_the_count_of_what_is_shown(client, db, make_user, make_nation):
    admin = _seed(db, make_user, make_nation)
    _in_french(db, admin)
    login(client, admin.username)
    one = client.get("/admin/audit/", query_string={"action": "nation.deactivate"})
    page = one.get_data(as_text=True)
    assert one.status_code == 200 and '<html lang="fr"' in page
    assert "Événement 1 sur 1." in page
    assert "Mission Administrator</a> a désactivé le pays France." in _rows(one)[0]
    many = client.get("/admin/audit/").get_data(as_text=True)
    assert "Événements 1 à 50 sur " in many


def test_the_chain_check_speaks_french_when_intact(client, db, make_user, make_nation):
    from trainer.audit.services import record_event

    make_nation("NPL")
    admin = make_user("admin", username="boss")
    record_event(admin, "nation.deactivate", object_type="nations", object_id="NPL", after={"active": False})
    _in_french(db, admin)
    login(client, admin.username)
    response = client.get("/admin/audit/verify")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="fr"' in page
    assert "Intacte : " in page and "événements vérifiés, chaque maillon concorde" in page


def test_the_chain_check_speaks_french_when_broken(client, db, make_user, make_nation):
    admin = _seed(db, make_user, make_nation)  # its dating of events by hand breaks the chain
    _in_french(db, admin)
    login(client, admin.username)
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    assert "Rompue à l’événement" in page and "événements vérifiés avant le premier maillon rompu." in page
    signed = page.split("signé le ", 1)[1].split("<", 1)[0]
    assert re.search(r"\d{4} \d{2}:\d{2} UTC", signed) and not re.search(r"\d{4}-\d{2}-\d{2}T", signed), signed
