"""Sign-in through an OpenID Connect provider: the authorization code flow with PKCE (S256), and every
check on what comes back (state, its age, the issuer, the ID token's signature, issuer, audience,
expiry and nonce).

Authlib speaks the protocol (discovery, the authorization URL, the code exchange, the provider's keys,
the ID token's claims); this module decides what is checked and keeps the pending sign-in as plain
data that the caller stores in the signed session cookie. It neither reads the request nor writes to
the database: who the identity belongs to is decided by trainer.auth.identities.
"""
from __future__ import annotations

import hmac
import threading
import time
from dataclasses import dataclass, field

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask_babel import gettext as _
from joserfc.errors import JoseError

CLIENT_NAME = "trainer_sso"
_EXTENSION = "trainer.oidc"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    match_claim: str = "preferred_username"
    button_label: str = "Sign in with single sign-on"
    scopes: str = "openid profile email"
    state_minutes: int = 10
    timeout_seconds: int = 10
    leeway_seconds: int = 60

    @classmethod
    def from_config(cls, config) -> "OidcSettings | None":
        """The provider's settings, or None when single sign-on is not configured."""
        if not config.get("OIDC_ISSUER"):
            return None
        return cls(issuer=config["OIDC_ISSUER"], client_id=config["OIDC_CLIENT_ID"],
                   client_secret=config["OIDC_CLIENT_SECRET"], match_claim=config["OIDC_MATCH_CLAIM"],
                   button_label=config["OIDC_BUTTON_LABEL"], scopes=config["OIDC_SCOPES"],
                   state_minutes=int(config["OIDC_STATE_MINUTES"]),
                   timeout_seconds=int(config["OIDC_TIMEOUT_SECONDS"]),
                   leeway_seconds=int(config["OIDC_CLOCK_LEEWAY_SECONDS"]))

    @property
    def metadata_url(self) -> str:
        # OpenID Connect Discovery 1.0, section 4: the issuer without a trailing slash, then the well-known path.
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Identity:
    """A person the provider vouched for: who issued the ID token, its subject, and the claims about them."""

    issuer: str
    subject: str
    claims: dict = field(default_factory=dict)
    id_token: str = ""
    provider_logout: bool = False  # whether the provider ends its own session on request (RP-initiated logout)


class SignInFailed(Exception):
    """The provider's answer was not accepted. `reason` is for the log, `message` for the person;
    `audit` marks the failures worth an audit record (the provider answered, but not acceptably)."""

    def __init__(self, reason: str, message: str, *, status: int = 400, audit: bool = False, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.message, self.status, self.audit, self.detail = reason, message, status, audit, detail


def _unreachable(detail: str) -> SignInFailed:
    return SignInFailed("provider_unreachable", _("The sign-in provider cannot be reached just now. Try again in a "
                                                  "few minutes."), status=502, detail=detail)


def provider_client(app, settings: OidcSettings):
    """The Authlib client for this application's provider (one per application: its discovery document
    and keys are cached with it, and fetched again when the provider rotates its keys)."""
    client = app.extensions.get(_EXTENSION)
    if client is None:
        with _LOCK:
            client = app.extensions.get(_EXTENSION)
            if client is None:
                oauth = OAuth(app)
                client = oauth.register(
                    CLIENT_NAME, client_id=settings.client_id, client_secret=settings.client_secret,
                    server_metadata_url=settings.metadata_url,
                    client_kwargs={"scope": settings.scopes, "code_challenge_method": "S256",
                                   "default_timeout": settings.timeout_seconds})
                app.extensions[_EXTENSION] = client
    return client


def _metadata(client, settings: OidcSettings) -> dict:
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise _unreachable(f"discovery failed: {exc}") from exc
    if metadata.get("issuer") != settings.issuer:
        # Discovery 1.0, section 4.3: the issuer in the document must be exactly the one asked for.
        raise SignInFailed("provider_misconfigured", _("The sign-in provider is not set up correctly. Tell an "
                                                       "administrator."), status=502,
                           detail=f"discovery names issuer {metadata.get('issuer')!r}, expected {settings.issuer!r}")
    return metadata


def begin_sign_in(client, settings: OidcSettings, redirect_uri: str, next_url: str = "") -> tuple[str, dict]:
    """The provider's authorization URL and the pending sign-in to keep until the person comes back."""
    _metadata(client, settings)
    try:
        made = client.create_authorization_url(redirect_uri=redirect_uri)
    except (requests.RequestException, RuntimeError) as exc:
        raise _unreachable(str(exc)) from exc
    flow = {"state": made["state"], "nonce": made["nonce"], "code_verifier": made["code_verifier"],
            "redirect_uri": redirect_uri, "at": int(time.time()), "next": next_url or ""}
    return made["url"], flow


def _check_flow(settings: OidcSettings, flow: dict | None, args: dict) -> None:
    """The answer belongs to the sign-in this browser started, and in time."""
    stale = SignInFailed("state_invalid", _("This sign-in was started too long ago, was already used, or was "
                                            "started in another browser. Start the sign-in again."))
    if not isinstance(flow, dict) or not flow.get("state"):
        raise stale
    if not hmac.compare_digest(str(args.get("state") or ""), str(flow["state"])):
        raise stale
    if time.time() - float(flow.get("at") or 0) > settings.state_minutes * 60:
        raise SignInFailed("state_expired", stale.message)


def _check_answer(settings: OidcSettings, metadata: dict, args: dict) -> None:
    """The answer comes from this provider (RFC 9207: required when the provider says it names itself)
    and carries a code."""
    if ("iss" in args or metadata.get("authorization_response_iss_parameter_supported")) \
            and args.get("iss") != settings.issuer:
        raise SignInFailed("issuer_mismatch", _("The answer did not come from the sign-in provider set up here. "
                                                "Start the sign-in again."), detail=f"iss {str(args.get('iss'))[:200]!r}")
    if args.get("error"):
        raise SignInFailed("provider_error", _("The sign-in provider did not sign you in. Start the sign-in again."),
                           detail=f"{args['error']}: {args.get('error_description', '')}"[:300])
    if not args.get("code"):
        raise SignInFailed("no_code", _("The sign-in provider's answer is incomplete. Start the sign-in again."))


def _exchange_code(client, flow: dict, code: str) -> dict:
    try:
        return client.fetch_access_token(redirect_uri=flow["redirect_uri"], code=code,
                                         code_verifier=flow["code_verifier"])
    except OAuthError as exc:
        # Typically invalid_grant: the code was already used, has expired, or belongs to another sign-in.
        raise SignInFailed("code_rejected", _("The sign-in provider refused to complete this sign-in. Start the "
                                              "sign-in again."),
                           detail=f"{exc.error}: {exc.description or ''}") from exc
    except (requests.RequestException, ValueError) as exc:
        raise _unreachable(f"token request failed: {exc}") from exc


def _id_token_claims(client, settings: OidcSettings, token: dict, nonce: str) -> dict:
    refused = _("The sign-in provider's answer could not be verified, so you were not signed in. Start the sign-in "
                "again.")
    if not token.get("id_token"):
        raise SignInFailed("id_token_invalid", refused, audit=True, detail="no ID token")
    options = {"iss": {"essential": True, "value": settings.issuer},
               "aud": {"essential": True, "value": settings.client_id},
               "sub": {"essential": True}}
    try:
        claims = client.parse_id_token(token, nonce=nonce, claims_options=options, leeway=settings.leeway_seconds)
    except (JoseError, ValueError) as exc:
        raise SignInFailed("id_token_invalid", refused, audit=True,
                           detail=f"{type(exc).__name__}: {exc}"[:300]) from exc
    except requests.RequestException as exc:
        raise _unreachable(f"key set request failed: {exc}") from exc
    return dict(claims)


def _with_userinfo(client, settings: OidcSettings, token: dict, claims: dict) -> dict:
    """The ID token's claims, completed from the UserInfo endpoint when the matching claim is not among them."""
    if settings.match_claim in claims or not client.load_server_metadata().get("userinfo_endpoint"):
        return claims
    try:
        info = dict(client.userinfo(token=token))
    except (requests.RequestException, OAuthError, ValueError) as exc:
        raise _unreachable(f"userinfo request failed: {exc}") from exc
    # OpenID Connect Core 1.0, 5.3.4: the UserInfo answer must be about the ID token's subject.
    if info.get("sub") != claims["sub"]:
        raise SignInFailed("userinfo_mismatch", _("The sign-in provider's answer could not be verified, so you were "
                                                  "not signed in. Start the sign-in again."), audit=True,
                           detail="UserInfo names another subject")
    return {**info, **claims}


def finish_sign_in(client, settings: OidcSettings, flow: dict | None, args: dict) -> Identity:
    """The identity the provider vouches for, from its redirect back (`args`: the query parameters) and
    the pending sign-in; raises SignInFailed when anything does not check out."""
    _check_flow(settings, flow, args)
    metadata = _metadata(client, settings)
    _check_answer(settings, metadata, args)
    token = _exchange_code(client, flow, args["code"])
    claims = _with_userinfo(client, settings, token, _id_token_claims(client, settings, token, flow["nonce"]))
    return Identity(issuer=settings.issuer, subject=claims["sub"], claims=claims, id_token=token["id_token"],
                    provider_logout=bool(metadata.get("end_session_endpoint")))


def provider_logout_url(client, settings: OidcSettings, id_token: str, after_logout: str) -> str | None:
    """Where to end the session at the provider too (RP-initiated logout), or None when it has no such endpoint."""
    try:
        metadata = _metadata(client, settings)
    except SignInFailed:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return client.create_logout_url(post_logout_redirect_uri=after_logout, id_token_hint=id_token,
                                    client_id=settings.client_id)["url"]
