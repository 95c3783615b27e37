"""Single sign-on against a real OpenID provider (tests/oidc/provider.mjs, started on 127.0.0.1): what a
person sees and what is kept when they sign in through it, and each way an answer is refused.

Where a test needs the provider's answer altered on its way to the app (another client's ID token, a
tampered or late one), it lets the app's real code exchange with the provider run and then swaps or
alters what came back, as someone between the two would.
"""
from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.integrations.requests_client import OAuth2Session
from sqlalchemy import func, select

from tests.conftest import login
from tests.oidc.provider import SUBJECTS, Person, path_of, provider_fixture  # noqa: F401  (oidc_provider)
from trainer.audit.models import AuditEvent
from trainer.auth import identities
from trainer.auth.models import Grant, IdentityLink, User

CALLBACK = "https://trainer.example.org/login/sso/callback"
NOT_LINKED = "No trainer account is linked to this identity; ask an administrator."
NOT_VERIFIED = "could not be verified, so you were not signed in"


@pytest.fixture
def app_config(oidc_provider):
    return oidc_provider.config()


def link(db, user, issuer, *, subject=None, value=None, claim="preferred_username"):
    made = identities.link_identity(None, user, issuer=issuer, claim=claim, subject=subject, value=value)
    db.session.commit()
    return made


def start(client, next_url=None) -> str:
    response = client.get("/login/sso", query_string={"next": next_url} if next_url else None)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def sign_in(client, provider, username, next_url=None):
    """The whole sign-in as a browser makes it: to the provider, its login page, and back to the app."""
    back = Person(provider).authorize(start(client, next_url), username)
    return client.get(path_of(back))


def events(db, action):
    db.session.expire_all()
    return [json.loads(e.details) for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def counts(db):
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (User, Grant, IdentityLink))


def swap_tokens(monkeypatch, change):
    """Let the app's code exchange with the provider run, then hand the app `change(real token response)`."""
    real = OAuth2Session.fetch_token

    def fetch_token(self, *args, **kwargs):
        return change(real(self, *args, **kwargs))

    monkeypatch.setattr(OAuth2Session, "fetch_token", fetch_token)


def _segment(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_of(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# --- signing in --------------------------------------------------------------------------------


def test_a_person_linked_by_their_username_signs_in_and_the_link_keeps_their_subject(
        client, db, make_user, oidc_provider):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, value="Asha.K")

    response = sign_in(client, oidc_provider, "asha.k", next_url="/account")

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = client.get("/account").get_data(as_text=True)
    assert "Test User" in page  # signed in as the linked account
    db.session.expire_all()
    stored = db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == user.id))
    assert stored.subject == SUBJECTS["asha.k"] and stored.last_used_at is not None
    assert db.session.get(User, user.id).last_login_at is not None
    [event] = events(db, "auth.sso_login")
    assert event["after"]["subject"] == SUBJECTS["asha.k"] and event["after"]["subject_recorded"] is True


def test_once_the_subject_is_recorded_a_changed_username_still_signs_the_same_person_in(
        client, db, make_user, oidc_provider):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])
    assert sign_in(client, oidc_provider, "asha.k").status_code == 302
    assert signed_in(client)


def test_a_session_opened_through_the_provider_ends_with_sign_out_everywhere(app, client, db, make_user,
                                                                               oidc_provider):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])
    sign_in(client, oidc_provider, "asha.k")
    with client.session_transaction() as session:
        assert session["started_at"] == session["seen_at"]
    stolen = client.get_cookie("trainer_session").value
    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("trainer_session", stolen)
    assert replay.get("/account").status_code == 302


def test_an_account_waiting_for_its_first_password_signs_in_and_its_one_time_password_stops_working(
        app, client, db, oidc_provider):
    from trainer.auth.services import AuthSettings, create_user

    user, one_time = create_user(AuthSettings.from_config(app.config), None, username="newcomer",
                                 display_name="Newcomer", grants=[("training_officer", "mission")])
    db.session.commit()
    link(db, user, oidc_provider.issuer, value="asha.k")

    response = sign_in(client, oidc_provider, "asha.k")

    assert response.headers["Location"] == "/"  # not sent to set a password it never had
    assert signed_in(client)
    other = app.test_client()
    assert "not correct" in login(other, "newcomer", one_time).get_data(as_text=True)


# --- refusals ------------------------------------------------------------------------------------


def test_an_unknown_person_is_refused_and_only_the_refusal_is_recorded(client, db, make_user, oidc_provider):
    make_user("admin", username="someone.else")
    before = counts(db)

    response = sign_in(client, oidc_provider, "bruno.m")

    page = response.get_data(as_text=True)
    assert response.status_code == 403 and NOT_LINKED in page
    assert SUBJECTS["bruno.m"] in page and "bruno.m" in page  # what to tell the administrator
    assert counts(db) == before  # no account, grant or link was made
    [event] = events(db, "auth.sso_refused")
    assert event["after"]["reason"] == "unknown_identity" and event["after"]["subject"] == SUBJECTS["bruno.m"]
    assert not signed_in(client)


def test_a_link_by_username_whose_subject_is_someone_elses_does_not_match_another_person(
        client, db, make_user, oidc_provider):
    user = make_user("training_officer", "mission", username="asha")
    stored = link(db, user, oidc_provider.issuer, value="bruno.m")
    stored.subject = "sub-of-an-earlier-bruno"  # the name was reused at the provider by someone new
    db.session.commit()
    response = sign_in(client, oidc_provider, "bruno.m")
    assert response.status_code == 403 and NOT_LINKED in response.get_data(as_text=True)


def test_a_disabled_account_cannot_sign_in_through_the_provider(client, db, make_user, oidc_provider):
    from trainer.auth.services import set_disabled

    user = make_user("training_officer", "mission", username="carla")
    link(db, user, oidc_provider.issuer, value="carla.d")
    set_disabled(None, user, True)
    db.session.commit()

    response = sign_in(client, oidc_provider, "carla.d")

    assert response.status_code == 403
    assert "Your trainer account is disabled; ask an administrator." in response.get_data(as_text=True)
    assert not signed_in(client)
    assert [e["after"]["reason"] for e in events(db, "auth.sso_refused")] == ["account_disabled"]
    assert events(db, "auth.sso_login") == []


def test_an_id_token_issued_to_another_client_is_refused(client, db, make_user, oidc_provider, monkeypatch):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])
    person = Person(oidc_provider)
    authorization = start(client)
    back = person.authorize(authorization, "asha.k")
    # The same person, signed by the same provider, with this sign-in's own nonce: only the audience differs.
    nonce = parse_qs(urlsplit(authorization).query)["nonce"][0]
    foreign = person.tokens_for("other-app", "asha.k", CALLBACK, nonce)
    assert claims_of(foreign["id_token"])["aud"] == "other-app"
    swap_tokens(monkeypatch, lambda real: foreign)

    response = client.get(path_of(back))

    assert response.status_code == 400 and NOT_VERIFIED in response.get_data(as_text=True)
    assert not signed_in(client)
    [event] = events(db, "auth.sso_refused")
    assert event["after"]["reason"] == "id_token_invalid" and "aud" in event["after"]["detail"]


def test_an_id_token_from_another_sign_in_is_refused_by_its_nonce(client, db, make_user, oidc_provider,
                                                                   monkeypatch):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])
    person = Person(oidc_provider)
    back = person.authorize(start(client), "asha.k")
    earlier = person.tokens_for("trainer", "asha.k", CALLBACK, "the nonce of an earlier sign-in")
    swap_tokens(monkeypatch, lambda real: earlier)

    response = client.get(path_of(back))

    assert response.status_code == 400 and not signed_in(client)
    assert "nonce" in events(db, "auth.sso_refused")[0]["after"]["detail"]


@pytest.mark.parametrize("part", ["claims", "signature"])
def test_a_tampered_id_token_is_refused(client, db, make_user, oidc_provider, monkeypatch, part):
    for name in ("asha", "carla"):
        user = make_user("training_officer", "mission", username=name)
        link(db, user, oidc_provider.issuer, subject=SUBJECTS[f"{name}.{'k' if name == 'asha' else 'd'}"])

    def tamper(real):
        header, payload, signature = real["id_token"].split(".")
        if part == "claims":  # pass for Carla, keeping Asha's signature
            payload = _segment({**claims_of(real["id_token"]), "sub": SUBJECTS["carla.d"]})
        else:
            signature = ("A" if signature[0] != "A" else "B") + signature[1:]
        return {**real, "id_token": ".".join((header, payload, signature))}

    swap_tokens(monkeypatch, tamper)
    response = sign_in(client, oidc_provider, "asha.k")

    assert response.status_code == 400 and NOT_VERIFIED in response.get_data(as_text=True)
    assert not signed_in(client)
    assert events(db, "auth.sso_login") == []
    assert "BadSignature" in events(db, "auth.sso_refused")[0]["after"]["detail"]


def test_an_expired_state_is_refused(client, db, make_user, oidc_provider):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])
    back = Person(oidc_provider).authorize(start(client), "asha.k")
    with client.session_transaction() as session:
        flow = session["sso_flow"]
        session["sso_flow"] = {**flow, "at": flow["at"] - 11 * 60}  # started eleven minutes ago

    response = client.get(path_of(back))

    assert response.status_code == 400
    assert "started too long ago" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_replayed_answer_is_refused(app, client, db, make_user, oidc_provider):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])
    back = Person(oidc_provider).authorize(start(client), "asha.k")
    cookie_before = client.get_cookie("trainer_session").value
    assert client.get(path_of(back)).status_code == 302

    # The same browser again: its pending sign-in was used up.
    again = client.get(path_of(back))
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)
    # Someone holding the cookie from before the first answer too: the provider refuses the used code.
    thief = app.test_client()
    thief.set_cookie("trainer_session", cookie_before)
    stolen = thief.get(path_of(back))
    assert stolen.status_code == 400 and "refused to complete this sign-in" in stolen.get_data(as_text=True)
    assert not signed_in(thief)
    assert len(events(db, "auth.sso_login")) == 1


@pytest.mark.parametrize("iss", [None, "https://mix-up.example.org"])
def test_an_answer_that_does_not_name_this_provider_is_refused(client, db, make_user, oidc_provider, iss):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])
    back = urlsplit(Person(oidc_provider).authorize(start(client), "asha.k"))
    query = {name: values[0] for name, values in parse_qs(back.query).items()}
    assert query.pop("iss") == oidc_provider.issuer  # the provider names itself (RFC 9207)
    response = client.get(back.path, query_string={**query, **({"iss": iss} if iss else {})})
    assert response.status_code == 400
    assert "did not come from the sign-in provider set up here" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_an_answer_for_another_browser_is_refused(app, client, oidc_provider):
    back = Person(oidc_provider).authorize(start(app.test_client()), "asha.k")
    response = client.get(path_of(back))  # this browser started no sign-in
    assert response.status_code == 400 and not signed_in(client)


def test_a_person_who_cancels_at_the_provider_gets_a_message(client, oidc_provider):
    back = Person(oidc_provider).cancel(start(client))
    assert "error=access_denied" in back
    response = client.get(path_of(back))
    assert response.status_code == 400 and "did not sign you in" in response.get_data(as_text=True)
    assert not signed_in(client)


class TestIssuerNamedDifferently:
    @pytest.fixture
    def app_config(self, oidc_provider):
        # The same discovery address, but the provider names itself without the trailing slash.
        return oidc_provider.config(OIDC_ISSUER=oidc_provider.issuer + "/")

    def test_a_provider_that_names_another_issuer_is_not_used(self, client):
        response = client.get("/login/sso")
        assert response.status_code == 502 and "not set up correctly" in response.get_data(as_text=True)
        with client.session_transaction() as session:
            assert "sso_flow" not in session


class TestExpiredIdToken:
    @pytest.fixture
    def app_config(self, oidc_provider):
        # This client's ID tokens expire a second after they are issued; no leeway for clocks.
        return oidc_provider.config("trainer-brief", OIDC_CLOCK_LEEWAY_SECONDS=0)

    def test_an_expired_id_token_is_refused(self, client, db, make_user, oidc_provider, monkeypatch):
        user = make_user("training_officer", "mission", username="asha")
        link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])

        def late(real):
            time.sleep(2.1)  # the answer arrives after the ID token expired
            return real

        swap_tokens(monkeypatch, late)
        response = sign_in(client, oidc_provider, "asha.k")

        assert response.status_code == 400 and not signed_in(client)
        assert "Expired" in events(db, "auth.sso_refused")[0]["after"]["detail"]


class TestMatchingByEmail:
    @pytest.fixture
    def app_config(self, oidc_provider):
        return oidc_provider.config(OIDC_MATCH_CLAIM="email")

    def test_a_verified_email_address_signs_its_person_in(self, client, db, make_user, oidc_provider):
        user = make_user("training_officer", "mission", username="emil")
        link(db, user, oidc_provider.issuer, claim="email", value="Emil@Example.org")
        assert sign_in(client, oidc_provider, "emil.s").status_code == 302
        assert signed_in(client)

    def test_an_email_address_the_provider_has_not_verified_signs_nobody_in(self, client, db, make_user,
                                                                             oidc_provider):
        user = make_user("training_officer", "mission", username="dina")
        link(db, user, oidc_provider.issuer, claim="email", value="dina@example.org")
        response = sign_in(client, oidc_provider, "dina.o")
        page = response.get_data(as_text=True)
        assert response.status_code == 403 and NOT_LINKED in page and "not verified your e-mail" in page
        assert events(db, "auth.sso_refused")[0]["after"]["reason"] == "email_not_verified"


# --- signing out -------------------------------------------------------------------------------


def test_signing_out_offers_to_sign_out_at_the_provider_too(client, db, make_user, oidc_provider):
    user = make_user("training_officer", "mission", username="asha")
    link(db, user, oidc_provider.issuer, subject=SUBJECTS["asha.k"])
    person = Person(oidc_provider)
    back = person.authorize(start(client), "asha.k")
    client.get(path_of(back))
    with client.session_transaction() as session:
        id_token = session["sso_id_token"]

    response = client.post("/logout")
    assert response.status_code == 302 and not signed_in(client)
    page = client.get("/login").get_data(as_text=True)

    assert "still signed in at the provider" in page
    offer = next(part.split('"')[0] for part in page.split('href="')[1:] if part.startswith(oidc_provider.issuer))
    query = parse_qs(urlsplit(offer.replace("&amp;", "&")).query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["https://trainer.example.org/login"]
    at_provider = person.session.get(offer.replace("&amp;", "&"), timeout=10)
    assert at_provider.status_code == 200 and "Sign out of the test identity provider?" in at_provider.text
    assert "still signed in at the provider" not in client.get("/login").get_data(as_text=True)  # offered once


def test_signing_out_of_a_local_sign_in_offers_nothing_at_the_provider(client, make_user):
    user = make_user("admin")
    login(client, user.username)
    client.post("/logout")
    assert "still signed in at the provider" not in client.get("/login").get_data(as_text=True)


def test_the_sign_in_page_shows_the_providers_button(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with the mission account" in page and 'href="/login/sso"' in page


def test_a_francophone_browser_is_told_why_in_french(client, oidc_provider):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9,en;q=0.5"
    unknown = sign_in(client, oidc_provider, "bruno.m")
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 403 and '<html lang="fr"' in page
    assert "Aucun compte trainer n’est lié à cette identité ; adressez-vous à un administrateur." in page
    assert NOT_LINKED not in page and "Non connecté" in page
    cancelled = client.get(path_of(Person(oidc_provider).cancel(start(client)))).get_data(as_text=True)
    assert "Le fournisseur de connexion ne vous a pas connecté. Recommencez la connexion." in cancelled
