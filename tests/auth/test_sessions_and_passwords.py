"""Session limits, the password policy, forced password changes, and sessions ended by admin actions."""
from __future__ import annotations

import time

import pytest

from tests.conftest import PASSWORD, login
from trainer.auth.passwords import common_passwords


def _ages(client, *, started_ago: int, seen_ago: int) -> None:
    """Pretend the session started and was last seen that many seconds ago."""
    now = int(time.time())
    with client.session_transaction() as session:
        session["started_at"] = now - started_ago
        session["seen_at"] = now - seen_ago


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


# --- idle timeout and absolute lifetime -----------------------------------------------------------


def test_a_recently_active_session_goes_on(client, app, make_user):
    user = make_user("admin")
    login(client, user.username)
    idle = app.config["IDLE_TIMEOUT_MINUTES"] * 60
    _ages(client, started_ago=idle, seen_ago=idle - 60)
    assert client.get("/").status_code == 200


def test_an_idle_session_ends(client, app, make_user):
    user = make_user("admin")
    login(client, user.username)
    _ages(client, started_ago=3600, seen_ago=app.config["IDLE_TIMEOUT_MINUTES"] * 60 + 5)
    response = client.get("/admin/users")
    assert _signed_out(response)
    assert "expired=1" in response.headers["Location"]
    # The sign-in page says why, and the session is really gone (not only this one response).
    assert "Your session ended" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _signed_out(client.get("/"))


def test_a_busy_session_still_ends_at_its_absolute_lifetime(client, app, make_user):
    user = make_user("admin")
    login(client, user.username)
    _ages(client, started_ago=app.config["SESSION_LIFETIME_HOURS"] * 3600 + 5, seen_ago=10)
    assert _signed_out(client.get("/"))
    assert _signed_out(client.get("/"))


def test_activity_keeps_a_session_alive_past_the_idle_limit(client, app, make_user):
    """A page view refreshes the activity time: two views 20 minutes apart each stay within 30 minutes."""
    user = make_user("admin")
    login(client, user.username)
    idle = app.config["IDLE_TIMEOUT_MINUTES"] * 60
    _ages(client, started_ago=2 * idle, seen_ago=idle - 120)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 60


def test_sign_in_starts_a_new_session(client, make_user):
    """No session fixation: the cookie issued before sign-in is not the one used after it."""
    user = make_user("admin")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user.username)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["started_at"] == session["seen_at"]


# --- password policy ----------------------------------------------------------------------------


def _change(client, new, current=PASSWORD, confirm=None):
    return client.post("/account/password", data={"current_password": current, "password": new,
                                                   "confirm": new if confirm is None else confirm})


def _a_common_password() -> str:
    long_ones = sorted(p for p in common_passwords() if 12 <= len(p) <= 40 and " " not in p)
    assert long_ones, "the shipped common-passwords list has no entry of 12 or more characters"
    return long_ones[0]


@pytest.mark.parametrize("new, message", [
    ("short pass", "Use at least 12 characters."),
    ("x" * 129, "Use at most 128 characters."),
])
def test_password_length_limits(client, make_user, new, message):
    user = make_user("admin")
    login(client, user.username)
    response = _change(client, new)
    assert response.status_code == 422  # refused, as every refused form is
    assert message in response.get_data(as_text=True)
    client.post("/logout")
    assert login(client, user.username, PASSWORD).status_code == 302  # the old password still works


def test_a_common_password_is_refused(client, make_user):
    user = make_user("admin")
    login(client, user.username)
    common = _a_common_password()
    response = _change(client, common.upper())  # case does not help
    assert "commonly used passwords" in response.get_data(as_text=True)


def test_128_characters_and_no_composition_rules(client, make_user):
    user = make_user("admin")
    login(client, user.username)
    new = "a" * 100 + "correct horse battery" + "b" * 7
    assert len(new) == 128
    response = _change(client, new)
    assert response.status_code == 302
    client.post("/logout")
    assert login(client, user.username, new).status_code == 302
    client.post("/logout")
    plain = "only lower case letters here"  # no digits, capitals or symbols required
    login(client, user.username, new)
    assert _change(client, plain, current=new).status_code == 302


def test_repeated_new_password_must_match(client, make_user):
    user = make_user("admin")
    login(client, user.username)
    response = _change(client, "a brand new passphrase", confirm="a different passphrase")
    assert "The two new passwords differ." in response.get_data(as_text=True)


def test_a_wrong_current_password_changes_nothing(client, make_user):
    user = make_user("admin")
    login(client, user.username)
    response = _change(client, "a brand new passphrase", current="not my password at all")
    assert response.status_code == 422
    client.post("/logout")
    assert login(client, user.username, "a brand new passphrase").status_code == 200  # refused
    assert login(client, user.username, PASSWORD).status_code == 302


# --- forced password change -----------------------------------------------------------------------


def test_a_one_time_password_must_be_changed_before_anything_else(app, client, db, make_user):
    from trainer.auth.services import AuthSettings, reset_password

    user = make_user("training_officer", "mission")
    one_time = reset_password(AuthSettings.from_config(app.config), None, user)
    db.session.commit()

    response = login(client, user.username, one_time)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    for path in ("/", "/personnel", "/account", "/admin/users"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/account/password"), path
    assert client.get("/account/password").status_code == 200

    assert _change(client, "my own long passphrase", current=one_time).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert login(client, user.username, one_time).status_code == 200  # the one-time password is spent


# --- admin actions end the user's sessions ----------------------------------------------------------


@pytest.fixture
def two_sessions(app, client, make_user):
    """An admin's client and a signed-in user's client."""
    admin = make_user("admin", username="the.admin")
    user = make_user("training_officer", "mission", username="the.user")
    login(client, admin.username)
    victim = app.test_client()
    assert login(victim, user.username).status_code == 302
    assert victim.get("/").status_code == 200
    return client, victim, user


def test_disabling_an_account_ends_its_sessions_and_sign_in(two_sessions):
    admin, victim, user = two_sessions
    assert admin.post(f"/admin/users/{user.id}/disable").status_code == 302
    assert _signed_out(victim.get("/"))
    again = login(victim, user.username)
    assert again.status_code == 200 and "account name or password is not correct" in again.get_data(as_text=True)


def test_resetting_a_password_ends_the_sessions(two_sessions):
    admin, victim, user = two_sessions
    response = admin.post(f"/admin/users/{user.id}/reset-password", follow_redirects=True)
    assert "One-time password" in response.get_data(as_text=True)
    assert _signed_out(victim.get("/"))
    assert login(victim, user.username, PASSWORD).status_code == 200  # the old password no longer works


def test_adding_a_grant_ends_the_sessions(two_sessions, make_nation):
    admin, victim, user = two_sessions
    make_nation("NPL")
    response = admin.post(f"/admin/users/{user.id}/grants",
                          data={"role": "commander", "scope_kind": "nation", "nation_code": "NPL", "unit_id": ""})
    assert response.status_code == 302
    assert _signed_out(victim.get("/"))


def test_removing_a_grant_ends_the_sessions(two_sessions, db):
    admin, victim, user = two_sessions
    db.session.expire_all()
    grant_id = user.grants[0].id
    assert admin.post(f"/admin/users/{user.id}/grants/{grant_id}/remove").status_code == 302
    assert _signed_out(victim.get("/"))


def test_changing_ones_password_ends_other_sessions_but_not_this_one(app, client, make_user):
    user = make_user("admin")
    login(client, user.username)
    other = app.test_client()
    login(other, user.username)
    assert _change(client, "a fresh long passphrase").status_code == 302
    assert client.get("/").status_code == 200
    assert _signed_out(other.get("/"))
