"""CSRF protection with the production setting, and stolen cookies replayed after a password change or disable."""
import re

import pytest

from tests.conftest import PASSWORD, login
from trainer.org.models import Person


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _replay(app, cookie):
    replay = app.test_client()
    replay.set_cookie("trainer_session", cookie)
    return replay.get("/")


def test_replayed_cookie_is_refused_after_a_password_change(app, client, make_user):
    user = make_user("admin")
    login(client, user.username)
    stolen = client.get_cookie("trainer_session").value
    assert _replay(app, stolen).status_code == 200
    response = client.post("/account/password", data={"current_password": PASSWORD, "password": "another long phrase 7",
                                                       "confirm": "another long phrase 7"})
    assert response.status_code == 302
    replayed = _replay(app, stolen)
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]


def test_replayed_cookie_is_refused_after_the_account_is_disabled(app, client, make_user):
    admin = make_user("admin", username="csrf.admin")
    user = make_user("training_officer", "mission")
    victim = app.test_client()
    login(victim, user.username)
    stolen = victim.get_cookie("trainer_session").value
    login(client, admin.username)
    assert client.post(f"/admin/users/{user.id}/disable").status_code == 302
    replayed = _replay(app, stolen)
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def _sign_in(self, client, username):
        token = _token(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302

    def test_a_post_without_token_is_refused_and_changes_nothing(self, app, client, db, make_user, make_person):
        person = make_person(family_name="Unchanged")
        self._sign_in(client, make_user("training_officer", "mission").username)
        data = {"service_number": person.service_number, "family_name": "Forged", "given_names": person.given_names,
                "rank_code": person.rank_code, "category": person.category, "screening": person.screening,
                "version": person.version}
        response = client.post(f"/personnel/{person.id}/edit", data=data)
        assert response.status_code in (400, 422)
        assert client.post(f"/personnel/{person.id}/leave", data={"on": "2025-01-01"}).status_code in (400, 422)
        assert client.post("/logout").status_code == 400
        db.session.expire_all()
        person = db.session.get(Person, person.id)
        assert person.family_name == "Unchanged" and person.status == "active"
        # With the page's token the same edit goes through.
        token = _token(client.get(f"/personnel/{person.id}/edit").get_data(as_text=True))
        assert client.post(f"/personnel/{person.id}/edit", data={**data, "csrf_token": token}).status_code == 302
        db.session.expire_all()
        assert db.session.get(Person, person.id).family_name == "Forged"

    def test_sign_in_without_token_is_refused(self, client, make_user):
        user = make_user("admin")
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code != 302
        assert client.get("/").status_code == 302
