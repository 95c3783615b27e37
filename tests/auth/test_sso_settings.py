"""Single sign-on around the provider: its settings, local sign-in for administrators only, and the
administrator's links between accounts and identities at the provider. No provider is needed here."""
from __future__ import annotations

import json
import re
import socket

import pytest
from sqlalchemy import select

from tests.conftest import BASE_CONFIG, login
from trainer import create_app
from trainer.audit.models import AuditEvent
from trainer.auth.models import IdentityLink, User

ISSUER = "https://sso.example.org/realms/mission"
SSO = {"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "trainer", "OIDC_CLIENT_SECRET": "a secret"}


@pytest.mark.parametrize("settings, complaint", [
    ({"LOCAL_LOGIN": "admins"}, "nobody but administrators could sign in"),
    ({"LOCAL_LOGIN": "admin", **SSO}, "TRAINER_LOCAL_LOGIN must be 'on' or 'admins'"),
    ({**SSO, "OIDC_CLIENT_SECRET": ""}, "TRAINER_OIDC_CLIENT_SECRET is required"),
    ({**SSO, "OIDC_ISSUER": "http://sso.example.org"}, "must be an https:// URL"),
    ({**SSO, "OIDC_MATCH_CLAIM": "email verified"}, "must name one claim"),
])
def test_sign_in_settings_that_do_not_hold_together_stop_the_app_at_start(tmp_path, settings, complaint):
    with pytest.raises(ValueError, match=re.escape(complaint)):
        create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp_path),
                    **settings})


def test_without_single_sign_on_the_sign_in_page_has_no_provider_button(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/login/sso" not in page and "Account name" in page
    assert client.get("/login/sso").status_code == 404


class TestLocalSignInForAdministratorsOnly:
    @pytest.fixture
    def app_config(self):
        return {**SSO, "LOCAL_LOGIN": "admins", "OIDC_BUTTON_LABEL": "Sign in with the mission account"}

    def test_the_page_leads_with_the_provider_and_keeps_a_form_for_administrators(self, client):
        page = client.get("/login").get_data(as_text=True)
        assert page.index("Sign in with the mission account") < page.index("Administrators")

    def test_an_administrator_signs_in_with_a_password(self, client, make_user):
        admin = make_user("admin")
        assert login(client, admin.username).status_code == 302
        assert client.get("/account").status_code == 200

    def test_anyone_else_is_refused_even_with_the_right_password(self, client, make_user):
        officer = make_user("training_officer", "mission")
        response = login(client, officer.username)
        assert response.status_code == 200
        assert "this account signs in through single sign-on" in response.get_data(as_text=True)
        assert client.get("/account").status_code == 302


def test_an_unreachable_provider_gives_a_message_not_an_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # nothing listens here once the socket is closed
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                      "INSTANCE_PATH": str(tmp_path), **SSO, "OIDC_ISSUER": f"http://127.0.0.1:{closed}",
                      "OIDC_TIMEOUT_SECONDS": 2})
    response = app.test_client().get("/login/sso")
    assert response.status_code == 502
    assert "cannot be reached just now" in response.get_data(as_text=True)


# --- linking accounts --------------------------------------------------------------------------


class TestLinks:
    @pytest.fixture
    def app_config(self):
        return dict(SSO)

    @pytest.fixture
    def admin(self, client, make_user):
        user = make_user("admin", username="links.admin")
        login(client, user.username)
        return user

    def _events(self, db, action):
        db.session.expire_all()
        return [json.loads(e.details) for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]

    def test_the_account_page_offers_a_link_with_the_configured_issuer(self, client, admin, make_user):
        user = make_user("training_officer", "mission")
        page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
        assert "Link a single sign-on identity" in page and f'value="{ISSUER}"' in page
        assert "…or their preferred_username" in page and "Not linked" in page

    def test_an_administrator_links_and_unlinks_an_identity(self, app, client, db, admin, make_user):
        user = make_user("training_officer", "mission")
        version = user.session_version
        response = client.post(f"/admin/users/{user.id}/sso-links", data={"issuer": ISSUER, "value": "Asha.K"})
        assert response.status_code == 302
        page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
        assert f"preferred_username asha.k at {ISSUER}" in page
        assert self._events(db, "user.sso_link")[0]["after"] == {"issuer": ISSUER, "claim": "preferred_username",
                                                                "value": "asha.k"}

        link = db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == user.id))
        assert client.post(f"/admin/users/{user.id}/sso-links/{link.id}/remove").status_code == 302
        db.session.expire_all()
        assert db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == user.id)) is None
        assert db.session.get(User, user.id).session_version > version  # its sessions ended
        assert "Not linked" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
        assert self._events(db, "user.sso_unlink")

    def test_one_identity_links_one_account(self, client, db, admin, make_user):
        first, second = make_user("training_officer", "mission"), make_user("training_officer", "mission")
        data = {"issuer": ISSUER, "subject": "f3b1c2d4"}
        client.post(f"/admin/users/{first.id}/sso-links", data=data)
        response = client.post(f"/admin/users/{second.id}/sso-links", data=data, follow_redirects=True)
        assert f"already linked to the account {first.username}" in response.get_data(as_text=True)
        assert db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == second.id)) is None

    def test_a_link_names_the_subject_or_the_claims_value_not_both(self, client, db, admin, make_user):
        user = make_user("training_officer", "mission")
        response = client.post(f"/admin/users/{user.id}/sso-links", follow_redirects=True,
                               data={"issuer": ISSUER, "subject": "f3b1c2d4", "value": "asha.k"})
        assert "either the subject or the preferred_username value" in response.get_data(as_text=True)
        assert db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == user.id)) is None

    def test_removing_another_accounts_link_is_not_found(self, client, db, admin, make_user):
        owner, other = make_user("training_officer", "mission"), make_user("training_officer", "mission")
        client.post(f"/admin/users/{owner.id}/sso-links", data={"issuer": ISSUER, "subject": "s-1"})
        link = db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == owner.id))
        assert client.post(f"/admin/users/{other.id}/sso-links/{link.id}/remove").status_code == 404
