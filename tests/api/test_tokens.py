"""Personal access tokens: stored hashed, shown once, and checked afresh on every request (revocation, a
disabled account, changed grants and expiry take effect at the next request); read-only tokens; a session
cookie alone never opens the API; the per-token rate limit; the account page and the admin's command."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import select

from tests.conftest import PASSWORD, login
from tests.api.conftest import Api

TOKEN_IN_OUTPUT = re.compile(r"trn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def _token_row(db, secret):
    from trainer.api.models import ApiToken

    prefix = secret.split("_")[1]
    return db.session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))


def test_a_token_is_stored_only_as_its_prefix_and_the_hash_of_its_secret(app, db, make_user, make_token):
    user = make_user("admin")
    secret = make_token(user)
    scheme, prefix, random_part = secret.split("_", 2)
    assert scheme == "trn" and len(prefix) == 12 and len(random_part) == 43  # 32 random bytes, base64url
    row = _token_row(db, secret)
    assert row.secret_hash == hashlib.sha256(random_part.encode()).hexdigest()
    stored = " ".join(str(v) for v in db.session.execute(select(row.__table__)).one())
    assert random_part not in stored and secret not in stored
    assert Api(app, secret).get("/api/v1/nations").status_code == 200
    # The same prefix with another secret opens nothing.
    forged = f"trn_{prefix}_{'A' * 43}"
    response = Api(app, forged).get("/api/v1/nations")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_a_revoked_token_stops_at_its_next_request(app, db, make_user, make_token):
    from trainer.api.tokens import revoke_token

    user = make_user("admin")
    secret = make_token(user)
    api = Api(app, secret)
    assert api.get("/api/v1/nations").status_code == 200
    revoke_token(user, _token_row(db, secret).id)
    db.session.commit()
    assert api.get("/api/v1/nations").status_code == 401


def test_disabling_the_account_stops_its_tokens_and_enabling_it_restores_them(app, db, make_user, make_token,
                                                                              make_nation):
    from trainer.auth.services import set_disabled

    make_nation("NPL")
    admin = make_user("admin", username="the.admin")
    user = make_user("training_officer", "nation", nation="NPL")
    api = Api(app, make_token(user))
    assert api.get("/api/v1/people").status_code == 200
    set_disabled(admin, user, True)
    db.session.commit()
    assert api.get("/api/v1/people").status_code == 401
    set_disabled(admin, user, False)
    db.session.commit()
    assert api.get("/api/v1/people").status_code == 200


def test_a_token_acts_with_the_grants_of_the_moment(app, db, make_user, make_token, make_person, make_nation):
    from trainer.auth.services import add_grant, remove_grant

    make_nation("FRA")
    admin = make_user("admin", username="grant.admin")
    inside = make_person(nation="NPL")
    user = make_user("training_officer", "nation", nation="NPL")
    api = Api(app, make_token(user))
    assert api.get(f"/api/v1/people/{inside.id}").status_code == 200
    # The grant is taken away: the person is out of reach, and so is the whole list (no role left).
    remove_grant(admin, user, user.grants[0].id)
    db.session.commit()
    assert api.get(f"/api/v1/people/{inside.id}").status_code == 403
    # A commander's grant over another nation: the list opens again, but not this person.
    add_grant(admin, user, "commander", "nation", "FRA")
    db.session.commit()
    assert api.get("/api/v1/people").status_code == 200
    assert api.get(f"/api/v1/people/{inside.id}").status_code == 404


def test_an_expired_token_opens_nothing(app, db, make_user, make_token):
    from trainer.db import utcnow

    user = make_user("admin")
    secret = make_token(user, expires_days=30)
    api = Api(app, secret)
    assert api.get("/api/v1/nations").status_code == 200
    row = _token_row(db, secret)
    assert dt.timedelta(days=29) < row.expires_at - utcnow() <= dt.timedelta(days=30)
    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert api.get("/api/v1/nations").status_code == 401


def test_a_read_only_token_reads_but_cannot_write(app, db, api_as, make_person, row_counts):
    api, _user = api_as("admin", read_only=True)
    person = make_person(nation="NPL")
    read = api.get(f"/api/v1/people/{person.id}")
    assert read.status_code == 200
    before = row_counts()
    response = api.patch(f"/api/v1/people/{person.id}", json={"national_rank": "Colonel"},
                         headers={"If-Match": read.headers["ETag"]})
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("#problem-read-only-token")
    assert {t: n for t, n in row_counts().items() if t not in ("rate_events", "api_tokens")} == \
        {t: n for t, n in before.items() if t not in ("rate_events", "api_tokens")}
    db.session.expire_all()
    assert person.national_rank == ""


def test_a_session_cookie_alone_is_refused(app, db, client, make_user, make_person):
    """A signed-in browser calling the API gets 401: the API never takes the cookie, so a page elsewhere
    cannot make a signed-in user's browser act on it (and the API needs no CSRF token)."""
    person = make_person(nation="NPL")
    user = make_user("admin", username="cookie.admin")
    assert login(client, user.username, PASSWORD).status_code == 302
    assert client.get("/").status_code == 200  # the session works on the pages
    for method, url, kwargs in (("GET", "/api/v1/people", {}),
                                ("GET", f"/api/v1/people/{person.id}", {}),
                                ("PATCH", f"/api/v1/people/{person.id}",
                                 {"json": {"national_rank": "Forged"}, "headers": {"If-Match": "*"}})):
        response = client.open(url, method=method, **kwargs)
        assert response.status_code == 401, (method, url)
        assert response.content_type == "application/problem+json"
        assert response.get_json()["type"].endswith("#problem-token-required")
        assert "Set-Cookie" not in response.headers
    db.session.expire_all()
    assert person.national_rank == ""


def test_a_token_request_sets_no_cookie(app, api_as):
    api, _ = api_as("admin")
    response = api.get("/api/v1/nations")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_each_token_is_rate_limited_on_its_own(app, db, make_user, make_token):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    user = make_user("admin")
    first, second = Api(app, make_token(user, name="one")), Api(app, make_token(user, name="two"))
    assert [first.get("/api/v1/nations").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/api/v1/nations")
    assert limited.status_code == 429
    assert limited.content_type == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    # Another token of the same account has its own allowance.
    assert second.get("/api/v1/nations").status_code == 200


def test_the_rate_limit_counts_in_the_database_and_forgets_old_requests(app, db, make_user, make_token):
    from trainer.api import tokens
    from trainer.auth.models import RateEvent
    from trainer.db import utcnow

    user = make_user("admin")
    secret = make_token(user)
    row = _token_row(db, secret)
    now = utcnow()
    for _ in range(2):
        assert tokens.count_request(row, limit=2, now=now) is None
    assert tokens.count_request(row, limit=2, now=now) == 60
    assert db.session.scalar(select(RateEvent.bucket).limit(1)) == f"api-token:{row.id}"
    # A minute later the window is clear again.
    assert tokens.count_request(row, limit=2, now=now + dt.timedelta(seconds=61)) is None


def test_the_last_use_is_recorded_and_shown_on_the_account_page(app, db, client, make_user, make_token):
    user = make_user("admin", username="page.user")
    secret = make_token(user, name="Reporting sync")
    assert _token_row(db, secret).last_used_at is None
    login(client, user.username)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "Reporting sync" in page and "not yet" in page
    assert Api(app, secret).get("/api/v1/nations").status_code == 200
    db.session.expire_all()
    assert _token_row(db, secret).last_used_at is not None
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "not yet" not in page
    assert secret not in page  # never shown again


def test_a_user_makes_a_token_on_the_account_page_and_sees_it_once(app, db, client, make_user, make_nation):
    make_nation("NPL")
    user = make_user("training_officer", "nation", nation="NPL", username="maker")
    login(client, user.username)
    response = client.post("/account/tokens", data={"name": "National database", "expires": "90", "read_only": "y"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    secret = re.search(r'value="(trn_[0-9a-f]{12}_[A-Za-z0-9_-]{43})"', body).group(1)
    assert "Set-Cookie" not in response.headers or secret not in response.headers.get("Set-Cookie", "")
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    row = _token_row(db, secret)
    assert row.user_id == user.id and row.read_only and row.name == "National database"
    assert Api(app, secret).get("/api/v1/people").status_code == 200
    # A token without a name is refused and nothing is made.
    response = client.post("/account/tokens", data={"name": "", "expires": "30"})
    assert response.status_code == 422


def test_a_user_revokes_their_own_token_but_not_someone_elses(app, db, client, make_user, make_token):
    owner = make_user("admin", username="owner")
    other = make_user("admin", username="other")
    mine, theirs = make_token(owner, name="mine"), make_token(other, name="theirs")
    login(client, owner.username)
    assert client.post(f"/account/tokens/{_token_row(db, theirs).id}/revoke").status_code == 404
    assert Api(app, theirs).get("/api/v1/nations").status_code == 200
    response = client.post(f"/account/tokens/{_token_row(db, mine).id}/revoke")
    assert response.status_code == 302
    assert Api(app, mine).get("/api/v1/nations").status_code == 401
    from trainer.audit.models import AuditEvent

    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions.count("api_token.create") == 2 and actions.count("api_token.revoke") == 1


def test_an_administrator_issues_a_token_from_the_command_line(app, db, runner, make_user, make_nation):
    make_nation("NPL")
    user = make_user("commander", "nation", nation="NPL", username="cli.user")
    result = runner.invoke(args=["api", "token", "create", "cli.user", "--name", "Reporting", "--expires-days", "7",
                                 "--read-only"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    row = _token_row(db, secret)
    assert row.user_id == user.id and row.read_only and row.name == "Reporting" and row.expires_at is not None
    assert Api(app, secret).get("/api/v1/units").status_code == 200
    missing = runner.invoke(args=["api", "token", "create", "nobody"])
    assert missing.exit_code != 0 and "nobody" in missing.output


def test_the_command_refuses_a_token_longer_than_allowed_and_makes_nothing(app, db, runner, make_user):
    from trainer.api.models import ApiToken

    app.config["API_TOKEN_MAX_DAYS"] = 90
    make_user("admin", username="long.lived")
    result = runner.invoke(args=["api", "token", "create", "long.lived", "--expires-days", "91"])
    assert result.exit_code != 0 and "90" in result.output
    assert not TOKEN_IN_OUTPUT.search(result.output)
    assert db.session.scalars(select(ApiToken)).all() == []
    made = runner.invoke(args=["api", "token", "create", "long.lived", "--expires-days", "90"])
    lines = made.output.strip().splitlines()
    assert made.exit_code == 0 and TOKEN_IN_OUTPUT.fullmatch(lines[-1])
    assert not any(TOKEN_IN_OUTPUT.search(line) for line in lines[:-1])



def test_the_command_speaks_the_operators_language_and_still_ends_with_the_token(app, db, runner, make_user):
    make_user("admin", username="fr.operator")
    result = runner.invoke(args=["api", "token", "create", "fr.operator", "--read-only"],
                           env={"LANGUAGE": "fr", "LC_ALL": "", "LANG": ""})
    lines = result.output.strip().splitlines()
    assert result.exit_code == 0 and TOKEN_IN_OUTPUT.fullmatch(lines[-1])
    assert "lecture seule" in lines[0] and "expiration : jamais" in lines[0] and "read-only" not in lines[0]
    missing = runner.invoke(args=["api", "token", "create", "personne"], env={"LANGUAGE": "fr", "LC_ALL": "", "LANG": ""})
    assert missing.exit_code != 0 and "Aucun compte" in missing.output and "'personne'" in missing.output
