from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD, login


def test_login_and_logout_round_trip(client, make_user):
    user = make_user("admin")
    response = login(client, user.username)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_gives_a_message_without_revealing_accounts(client, make_user):
    user = make_user("admin")
    wrong = login(client, user.username, "not the right password at all").get_data(as_text=True)
    unknown = login(client, "nobody-here", "not the right password at all").get_data(as_text=True)
    assert "account name or password is not correct" in wrong
    assert "account name or password is not correct" in unknown


def test_old_cookie_is_refused_after_logout(client, app, make_user):
    user = make_user("admin")
    login(client, user.username)
    stolen = client.get_cookie("trainer_session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("trainer_session", stolen)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_throttling_after_repeated_failures(client, make_user):
    user = make_user("admin")
    for _ in range(5):
        login(client, user.username, "wrong password, certainly")
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "http:evil.example",
    "https:/evil.example", "javascript:alert(1)", "/%0d%0aLocation:%20http://evil.example", " //evil.example",
    "\t//evil.example", "///evil.example", "/\t/evil.example", "data:text/html,hi", "//google.com%2f@evil.example",
])
def test_next_redirects_stay_on_this_host(client, make_user, target):
    user = make_user("admin")
    response = login(client, user.username, next_url=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == ""
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "\r" not in location and "\n" not in location


def test_next_redirect_to_a_local_page_is_followed(client, make_user):
    user = make_user("admin")
    response = login(client, user.username, next_url="/account")
    assert response.headers["Location"] == "/account"
