"""Single sign-on accounts: an administrator links an account to a person at the OpenID Connect
provider, and a sign-in through the provider finds the account by that link.

Nothing here creates an account or a grant: a person the provider vouches for who is not linked to an
account is refused, and only the refusal is recorded (in the audit log).
"""
from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.auth.models import IdentityLink, User
from trainer.auth.passwords import hash_password
from trainer.auth.services import take_from_account
from trainer.db import utcnow
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db

# Why a sign-in through the provider was refused (the audit record's reason).
UNKNOWN_IDENTITY = "unknown_identity"
EMAIL_NOT_VERIFIED = "email_not_verified"
ACCOUNT_DISABLED = "account_disabled"


def normalise_claim_value(value) -> str:
    """A claim value as links compare it: Unicode-normalised, trimmed, case-insensitive."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().lower()


def claim_value(claims: dict, claim: str) -> tuple[str | None, str | None]:
    """The matching claim's normalised value from the provider's claims, or (None, why not).
    An e-mail address counts only when the provider says it verified it."""
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip():
        return None, UNKNOWN_IDENTITY
    if claim == "email" and claims.get("email_verified") not in (True, "true"):
        return None, EMAIL_NOT_VERIFIED
    return normalise_claim_value(value), None


# --- administration --------------------------------------------------------------------------


def list_identity_links(actor, user: User) -> list[IdentityLink]:
    """The account's links, for an administrator (the policy lets only admins manage accounts)."""
    return list(db.session.scalars(select(IdentityLink).where(IdentityLink.user_id == user.id)
                                   .order_by(IdentityLink.issuer, IdentityLink.id)))


def _owner_of(condition) -> str | None:
    return db.session.scalar(select(User.username).join(IdentityLink, IdentityLink.user_id == User.id).where(condition))


def link_identity(actor, user: User, *, issuer: str, claim: str, subject: str | None = None,
                  value: str | None = None) -> IdentityLink:
    """Link the account to a person at the provider `issuer`, by their subject or by the value of `claim`."""
    issuer = (issuer or "").strip()
    subject = (subject or "").strip() or None
    value = normalise_claim_value(value) or None
    parts = urlsplit(issuer)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(issuer) > 500:
        raise Invalid(_("The issuer is the provider's address, e.g. https://sso.example.org/realms/mission."),
                      errors=[("issuer", _("Enter the provider's issuer URL."))])
    if bool(subject) == bool(value):
        raise Invalid(_("Give either the subject or the %(claim)s value, not both.", claim=claim),
                      errors=[("subject", _("Give the subject or the %(claim)s value.", claim=claim))])
    if (subject and len(subject) > 255) or (value and len(value) > 320):
        raise Invalid(_("That value is too long."), errors=[("subject" if subject else "value", _("Too long."))])
    if db.session.scalar(select(IdentityLink.id).where(IdentityLink.user_id == user.id, IdentityLink.issuer == issuer)):
        raise Conflict(_("This account is already linked to an identity at this provider: remove that link first."))
    if subject:
        taken = _owner_of((IdentityLink.issuer == issuer) & (IdentityLink.subject == subject))
    else:
        taken = _owner_of((IdentityLink.issuer == issuer) & (IdentityLink.claim == claim)
                          & (IdentityLink.claim_value == value))
    if taken:
        raise Conflict(_("That identity is already linked to the account %(name)s.", name=taken),
                       errors=[("subject" if subject else "value", _("Linked to %(name)s.", name=taken))])
    link = IdentityLink(user_id=user.id, issuer=issuer, subject=subject,
                        claim=None if subject else claim, claim_value=value)
    db.session.add(link)
    db.session.flush()
    record_event(actor, "user.sso_link", user, after=link.record())
    return link


def get_identity_link(actor, user: User, link_id: int) -> IdentityLink:
    """One of the account's links (for an administrator, who reaches every account)."""
    link = db.session.scalar(select(IdentityLink).where(IdentityLink.id == link_id, IdentityLink.user_id == user.id))
    if link is None:
        raise NotFound()
    return link


def unlink_identity(actor, user: User, link_id: int) -> None:
    """Remove one of the account's links; its sessions end, so a sign-in through the removed link stops too."""
    take_from_account(actor, user, "user.sso_unlink", get_identity_link(actor, user, link_id), db.session.delete)


# --- signing in ------------------------------------------------------------------------------


@dataclass
class SsoSignIn:
    """The account a sign-in through the provider opens, or why it opens none."""

    user: User | None
    refused: str | None = None


def _find_link(identity, match_claim: str) -> tuple[IdentityLink | None, str | None]:
    link = db.session.scalar(select(IdentityLink).where(IdentityLink.issuer == identity.issuer,
                                                        IdentityLink.subject == identity.subject))
    if link is not None:
        return link, None
    value, problem = claim_value(identity.claims, match_claim)
    if value is None:
        return None, problem
    # A link made by the claim's value holds no subject yet; once it has one, only that subject counts.
    link = db.session.scalar(select(IdentityLink).where(
        IdentityLink.issuer == identity.issuer, IdentityLink.claim == match_claim,
        IdentityLink.claim_value == value, IdentityLink.subject.is_(None)))
    return link, (None if link else UNKNOWN_IDENTITY)


def _refuse(identity, match_claim: str, reason: str, user: User | None = None) -> SsoSignIn:
    details = {"issuer": identity.issuer, "subject": identity.subject, "reason": reason,
               match_claim: str(identity.claims.get(match_claim) or "")[:320]}
    if user is not None:
        record_event(None, "auth.sso_refused", user, after=details)
    else:
        record_event(None, "auth.sso_refused", object_type="identity", object_id=identity.subject[:64], after=details)
    return SsoSignIn(user=None, refused=reason)


def record_failed_sign_in(issuer: str, reason: str, detail: str) -> None:
    """An answer from the provider that did not verify (an ID token with a bad signature, for another
    client, expired, or with another nonce): nobody is signed in, and the attempt is audited."""
    record_event(None, "auth.sso_refused", object_type="identity", object_id="",
                 after={"issuer": issuer, "reason": reason, "detail": detail[:300]})


def sign_in_with_identity(settings, identity, match_claim: str) -> SsoSignIn:
    """The account linked to the person the provider vouched for (`identity`), if any and if enabled.

    The first sign-in through a link made by the claim's value records the provider's subject in it.
    An account still waiting for its one-time password to be replaced has that password retired: its
    owner signed in through the provider instead, and an administrator can issue a new one if needed.
    """
    link, problem = _find_link(identity, match_claim)
    if link is None:
        return _refuse(identity, match_claim, problem)
    user = link.user
    if user.disabled:
        return _refuse(identity, match_claim, ACCOUNT_DISABLED, user)
    bound = link.subject is None
    if bound:
        link.subject = identity.subject
    now = utcnow()
    link.last_used_at = user.last_login_at = now
    retired = user.must_change_password
    if retired:
        user.password_hash = hash_password(settings.hasher, secrets.token_urlsafe(32))
        user.must_change_password = False
    record_event(user, "auth.sso_login", user, after={"issuer": identity.issuer, "subject": identity.subject,
                                                      "subject_recorded": bound, "one_time_password_retired": retired})
    db.session.flush()
    return SsoSignIn(user=user)
