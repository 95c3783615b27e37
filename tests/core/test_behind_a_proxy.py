"""Behind a TLS-terminating reverse proxy: HTTPS and the client's address come from trusted headers only."""
import re

import pytest

from tests.conftest import PASSWORD, login

FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


class TestTrustedProxy:
    @pytest.fixture
    def app_config(self):
        return {"TRUSTED_PROXIES": 1, "LOGIN_MAX_FAILURES_PER_ADDRESS": 3, "LOGIN_MAX_FAILURES_PER_ACCOUNT": 50}

    def test_https_at_the_proxy_gives_hsts_and_a_secure_cookie(self, client, make_user):
        user = make_user("admin")
        response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                               headers=FORWARDED_HTTPS)
        assert response.status_code == 302
        assert "max-age" in response.headers["Strict-Transport-Security"]
        assert "Secure" in response.headers["Set-Cookie"]

    def test_throttling_counts_the_client_address_not_the_proxys(self, client, make_user):
        user = make_user("admin")
        for name in ("nobody-1", "nobody-2", "nobody-3"):
            client.post("/login", data={"username": name, "password": "wrong password, certainly"},
                        headers={"X-Forwarded-For": "203.0.113.7"})
        blocked = client.post("/login", data={"username": user.username, "password": PASSWORD},
                              headers={"X-Forwarded-For": "203.0.113.7"})
        assert blocked.status_code == 429
        other_client = client.post("/login", data={"username": user.username, "password": PASSWORD},
                                   headers={"X-Forwarded-For": "198.51.100.20"})
        assert other_client.status_code == 302


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(client, make_user):
    user = make_user("admin")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                           headers=FORWARDED_HTTPS)
    assert response.status_code == 302
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]


def test_throttling_message_is_the_same_for_unknown_and_existing_accounts(client, make_user):
    user = make_user("admin")
    pages = {}
    for name in (user.username, "no-such-account"):
        for _ in range(5):
            login(client, name, "wrong password, certainly")
        response = login(client, name, PASSWORD)
        assert response.status_code == 429
        text = response.get_data(as_text=True)
        # The forms' CSRF tokens carry the second they were made: compare the pages without them.
        pages[name] = re.sub(r'name="csrf_token" value="[^"]*"', "", text[text.index("<main"):].replace(name, "NAME"))
    assert "Too many failed sign-in attempts" in pages[user.username]
    assert pages[user.username] == pages["no-such-account"]
