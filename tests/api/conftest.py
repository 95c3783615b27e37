"""API fixtures: a token for a user, and requests that carry it (and no cookie)."""
from __future__ import annotations

import pytest

from tests.security.conftest import row_counts  # noqa: F401 - a fixture these tests use too


@pytest.fixture
def app_config():
    # Generous enough that no test but the rate-limit one meets the limit.
    return {"API_RATE_LIMIT_PER_MINUTE": 10000}


@pytest.fixture
def make_token(db):
    """make_token(user, name=..., expires_days=..., read_only=...) -> the token string."""
    def make(user, name="test token", expires_days=None, read_only=False):
        from trainer.api.tokens import create_token

        _row, secret = create_token(user, user, name=name, expires_days=expires_days, read_only=read_only)
        db.session.commit()
        return secret
    return make


class Api:
    """Calls to the API with a bearer token (a fresh client each time: no cookie is ever sent)."""

    def __init__(self, app, token: str | None):
        self.app = app
        self.token = token

    def headers(self, extra=None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def open(self, method: str, path: str, *, headers=None, **kwargs):
        client = self.app.test_client(use_cookies=False)
        return client.open(path, method=method, headers=self.headers(headers), **kwargs)

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.open("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.open("PATCH", path, **kwargs)


@pytest.fixture
def api_as(app, make_user, make_token, make_nation):
    """api_as('training_officer', 'nation', nation='NPL') -> (Api with a token of a new user, the user)."""
    def make(role="admin", scope="mission", read_only=False, **kwargs):
        if scope == "nation":
            kwargs.setdefault("nation", "NPL")
            make_nation(kwargs["nation"])
        user = make_user(role, scope, **kwargs)
        return Api(app, make_token(user, read_only=read_only)), user
    return make


@pytest.fixture
def curricula(app, db, tmp_path):
    """The test curricula (modules TS-01 and TS-02, profile TST-PROFILE) imported."""
    from tests.curricula.factories import import_test_curricula

    return import_test_curricula(db, tmp_path)
