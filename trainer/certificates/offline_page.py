"""The offline verifier as one self-contained HTML file: the page, its style, the verifier script with the
vendored Ed25519 verifier (TweetNaCl, for browsers whose WebCrypto has no Ed25519), the published public
keys and the messages in the visitor's language, all inline, so that the file opened from a disk checks a
QR token with no network at all. Its own Content-Security-Policy allows exactly the inline script and
style it carries (by hash) and no connection."""
from __future__ import annotations

import base64
import hashlib

from flask import current_app, render_template
from markupsafe import Markup

from trainer import ROOT
from trainer.db import utcnow

# The application's own files, never user data: they are inlined as they are (see _inline).
SCRIPTS = ("static/vendor/tweetnacl/nacl.min.js", "static/js/offline-verifier.js")
STYLE = "static/css/offline-verifier.css"


def _inline(paths, closing: str) -> str:
    text = "\n".join((ROOT / path).read_text(encoding="utf-8") for path in paths)
    if closing in text.lower():
        raise ValueError(f"{paths} contains {closing}: it cannot be inlined")
    return text


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_offline_verifier(keyset: dict) -> str:
    script = _inline(SCRIPTS, "</script")
    style = _inline((STYLE,), "</style")
    policy = (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; img-src 'none'; "
              "connect-src 'none'; form-action 'none'; base-uri 'none'")
    keys = {entry["kid"]: entry["x"] for entry in keyset.get("keys", [])
            if entry.get("kty") == "OKP" and entry.get("crv") == "Ed25519"}
    # Markup: the application's own static files, checked above not to close their element.
    return render_template("certificates/offline_verifier.html", script=Markup(script), style=Markup(style),
                           policy=policy, keys=keys, keyset=keyset, made_at=utcnow().replace(microsecond=0),
                           public_url=current_app.config["PUBLIC_URL"])
