"""Configuration: defaults -> instance/config.py -> TRAINER_* environment variables -> explicit mapping."""
from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

DEFAULTS: dict = {
    # Storage
    "SQLALCHEMY_DATABASE_URI": None,  # derived from the instance path when not set
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Sessions
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "trainer_session",
    "IDLE_TIMEOUT_MINUTES": 30,
    "SESSION_LIFETIME_HOURS": 12,
    # Passwords: argon2id, about 46 MiB and one pass (OWASP's first recommended setting)
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 47104,
    "ARGON2_PARALLELISM": 1,
    "PASSWORD_MIN_LENGTH": 12,
    "PASSWORD_MAX_LENGTH": 128,
    # Local sign-in (account name and password): "on" for everyone, or "admins" when everyone else
    # signs in through the OpenID Connect provider below.
    "LOCAL_LOGIN": "on",
    # Single sign-on through an OpenID Connect provider: on when an issuer is set. The provider's
    # discovery document is read from <issuer>/.well-known/openid-configuration; the redirect URI to
    # register with the provider is PUBLIC_URL + /login/sso/callback.
    "OIDC_ISSUER": "",
    "OIDC_CLIENT_ID": "",
    "OIDC_CLIENT_SECRET": "",
    # The claim an administrator may link an account by before its first sign-in (the link then
    # holds the provider's subject). "email" is used only when the provider says email_verified.
    "OIDC_MATCH_CLAIM": "preferred_username",
    "OIDC_BUTTON_LABEL": "Sign in with single sign-on",
    "OIDC_SCOPES": "openid profile email",
    "OIDC_STATE_MINUTES": 10,
    "OIDC_TIMEOUT_SECONDS": 10,
    "OIDC_CLOCK_LEEWAY_SECONDS": 60,
    # Login throttling: failures allowed inside the window, per account and per client address
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_WINDOW_MINUTES": 15,
    # Uploads
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "ROSTER_MAX_ROWS": 60000,
    "ROSTER_MAX_BYTES": 16 * 1024 * 1024,
    "XLSX_MAX_UNCOMPRESSED_BYTES": 100 * 1024 * 1024,
    # Learning
    "ATTEMPTS_PER_DAY": 3,
    # Markings printed on exports (MSEL, AAR, readiness reports); these defaults are printed in the reader's
    # language (i18n.marking), an installation's own markings as it set them.
    "CLASSIFICATION_MARKING": "UNCLASSIFIED",
    "RELEASABILITY_MARKING": "RELEASABLE TO PARTICIPATING NATIONS",
    # Certificates
    # The address printed in certificates, QR codes, .ics files and feed addresses; by default the local
    # address on the port the app is served on (the PORT environment variable, as `PORT=8080 make run`).
    "PUBLIC_URL": None,
    "VERIFY_RATE_LIMIT_PER_MINUTE": 30,
    # The JSON API: requests each personal access token may make per minute (counted in the database, so
    # every worker sees them), and the longest life a token may be given (days; tokens may also never expire).
    "API_RATE_LIMIT_PER_MINUTE": 120,
    "API_TOKEN_MAX_DAYS": 730,
    # The audit log: after a change, the app signs the chain's head into the checkpoint file at most this often
    # (minutes; 0: only after bulk operations and from `audit checkpoint`), bounding how long a removal of the
    # newest events could go unnoticed.
    "AUDIT_CHECKPOINT_MINUTES": 5,
    # Readiness thresholds (percent ready)
    "READINESS_GREEN": 90,
    "READINESS_AMBER": 70,
    # E-mail (reminders are sent only when SMTP_HOST is set)
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "trainer@localhost",
    "SMTP_STARTTLS": False,
    # Interface languages offered (their catalogues are in translations/); the first is the default
    "LANGUAGES": "en,fr",
    # Forms
    "WTF_CSRF_TIME_LIMIT": None,
    "PREFERRED_URL_SCHEME": "http",
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host headers are trusted (0: none).
    # Behind one TLS-terminating proxy set 1, so that HTTPS is recognised (HSTS, Secure cookie) and
    # throttling sees the client's address rather than the proxy's.
    "TRUSTED_PROXIES": 0,
}

# TRAINER_<NAME> environment variables that map onto settings with another name.
ENV_ALIASES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
}


def _coerce(raw: str, current):
    if isinstance(current, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, (dict, list)):
        return json.loads(raw)
    return raw


def normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(app, overrides: dict | None = None) -> None:
    app.config.update(DEFAULTS)
    instance_config = Path(app.instance_path) / "config.py"
    if instance_config.exists():
        app.config.from_pyfile(str(instance_config))
    for key, raw in os.environ.items():
        if not key.startswith("TRAINER_") or key in {"TRAINER_INSTANCE_PATH"}:
            continue
        name = key[len("TRAINER_"):]
        name = ENV_ALIASES.get(name, name)
        app.config[name] = _coerce(raw, app.config.get(name))
    if overrides:
        app.config.update(overrides)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "trainer.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 15, "check_same_thread": False})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    else:
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        # PostgreSQL compiles a statement it estimates as costly (JIT). A page's statements are costly only on
        # paper: compiling the readiness gaps of 100,000 people took 117 ms of a 556 ms statement, and the
        # first dashboard view after a change to everyone went from 1.0 s to 0.84 s without it.
        options.setdefault("connect_args", {"options": _without_jit(app.config["SQLALCHEMY_DATABASE_URI"])})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app, "secret_key")
    if not app.config.get("PUBLIC_URL"):
        app.config["PUBLIC_URL"] = f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"
    app.config["PUBLIC_URL"] = app.config["PUBLIC_URL"].rstrip("/")
    app.config["LOCAL_LOGIN"] = str(app.config["LOCAL_LOGIN"]).strip().lower()
    problems = sign_in_problems(app.config)
    if problems:
        raise ValueError("The sign-in settings do not hold together: " + " ".join(problems))


CLAIM_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _without_jit(url: str) -> str:
    """The server options of a PostgreSQL URL (`?options=...`, which connect_args would replace) with JIT off."""
    from sqlalchemy.engine import make_url

    given = make_url(url).query.get("options")
    given = given[-1] if isinstance(given, tuple) else given
    return f"{given} -c jit=off" if given else "-c jit=off"


def sign_in_problems(config) -> list[str]:
    """What is wrong with the sign-in settings, in words (an empty list when they hold together)."""
    problems = []
    local = str(config.get("LOCAL_LOGIN", "on")).strip().lower()
    if local not in ("on", "admins"):
        problems.append(f"TRAINER_LOCAL_LOGIN must be 'on' or 'admins', not {local!r}.")
    named = {name: config.get(f"OIDC_{name}") for name in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET")}
    if not any(named.values()):
        if local == "admins":
            problems.append("TRAINER_LOCAL_LOGIN=admins needs single sign-on (TRAINER_OIDC_ISSUER, _CLIENT_ID and "
                            "_CLIENT_SECRET): without it nobody but administrators could sign in.")
        return problems
    problems += [f"TRAINER_OIDC_{name} is required when single sign-on is configured."
                 for name, value in named.items() if not value]
    issuer = urlsplit(named["ISSUER"] or "")
    if not issuer.hostname or (issuer.scheme != "https"
                               and not (issuer.scheme == "http" and issuer.hostname in LOOPBACK_HOSTS)):
        problems.append("TRAINER_OIDC_ISSUER must be an https:// URL (http:// only on this machine's loopback).")
    if issuer.query or issuer.fragment:
        problems.append("TRAINER_OIDC_ISSUER may have neither a query nor a fragment.")
    if not CLAIM_NAME.match(str(config.get("OIDC_MATCH_CLAIM") or "")):
        problems.append("TRAINER_OIDC_MATCH_CLAIM must name one claim, e.g. preferred_username or email.")
    if "openid" not in str(config.get("OIDC_SCOPES") or "").split():
        problems.append("TRAINER_OIDC_SCOPES must include openid.")
    return problems


def _instance_secret(app, name: str) -> str:
    """A random secret generated once into the instance folder, readable only by its owner."""
    path = Path(app.instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker wrote it first
        return path.read_text().strip()
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)
    return value
