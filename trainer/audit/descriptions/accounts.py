"""Signing in and accounts: who signed in, and what administrators changed in accounts and grants."""
from __future__ import annotations

import re

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from trainer.audit.descriptions.core import SLOTS, Phrase, Ref, describes, fill, join

# --- grants and single sign-on identities, as recorded then and now --------------------------------------

# Older events recorded a grant as English words ("Commander — nation NPL"): read back into its parts.
_OLD_GRANT = [
    (re.compile(r"^(?P<role>.+?) — whole mission$"), "mission"),
    (re.compile(r"^(?P<role>.+?) — nation (?P<nation>\w+)$"), "nation"),
    (re.compile(r"^(?P<role>.+?) — unit (?P<unit_code>\S+) \((?P<nation>\w*)\) and sub-units$"), "unit"),
    (re.compile(r"^(?P<role>.+?) — own record$"), "self"),
    (re.compile(r"^(?P<role>.+?) — assigned exercises$"), "exercises"),
]


def _grant_values(grant) -> dict | None:
    if isinstance(grant, dict):
        return grant
    for pattern, scope in _OLD_GRANT:
        match = pattern.match(str(grant or ""))
        if match:
            values = match.groupdict()
            values["role"] = values["role"].lower().replace(" ", "_")
            return {**values, "scope": scope}
    return None


def grant_phrase(e, grant) -> Phrase | Ref:
    """A grant in words: "commander of Nepal"."""
    from trainer.auth.labels import role_label

    values = _grant_values(grant)
    if values is None:
        return Ref(str(grant))
    role = role_label(values.get("role", "")).lower()
    scope = values.get("scope")
    if scope == "mission":
        return fill(_("%(role)s of the whole mission", **SLOTS), role=role)
    if scope == "nation":
        return fill(_("%(role)s of %(nation)s", **SLOTS), role=role, nation=e.ref("nation", values.get("nation")))
    if scope == "unit":
        unit = e.ref("unit", values["unit"]) if values.get("unit") else Ref(values.get("unit_code", ""))
        return fill(_("%(role)s of %(unit)s and its sub-units", **SLOTS), role=role, unit=unit)
    if scope == "self":
        return fill(_("%(role)s over their own record", **SLOTS), role=role)
    return fill(_("%(role)s of the exercises they evaluate", **SLOTS), role=role)


def identity_phrase(identity) -> Phrase | Ref:
    if not isinstance(identity, dict):
        return Ref(str(identity or ""))
    if identity.get("subject"):
        return fill(_("subject %(code)s at %(issuer)s", **SLOTS), code=identity["subject"],
                    issuer=identity.get("issuer", ""))
    return fill(_("%(key)s %(code)s at %(issuer)s", **SLOTS), key=identity.get("claim", ""),
                code=identity.get("value", ""), issuer=identity.get("issuer", ""))


# --- signing in ------------------------------------------------------------------------------------------

@describes("auth.login", _l("Signed in"), "sign_in")
def login(e):
    return fill(_("%(actor)s signed in.", **SLOTS), actor=e.actor)


@describes("auth.logout", _l("Signed out"), "sign_in")
def logout(e):
    return fill(_("%(actor)s signed out, ending all of their sessions.", **SLOTS), actor=e.actor)


@describes("auth.password_changed", _l("Own password changed"), "sign_in")
def password_changed(e):
    return fill(_("%(actor)s changed their password.", **SLOTS), actor=e.actor)


@describes("auth.sso_login", _l("Signed in through single sign-on"), "sign_in")
def sso_login(e):
    if e.value("subject_recorded"):
        return fill(_("%(actor)s signed in through single sign-on for the first time; the provider's subject "
                      "%(code)s was recorded in the account's link.", **SLOTS), actor=e.actor, code=e.value("subject"))
    return fill(_("%(actor)s signed in through single sign-on.", **SLOTS), actor=e.actor)


@describes("auth.sso_refused", _l("Single sign-on refused"), "sign_in")
def sso_refused(e):
    reason, issuer = e.value("reason"), e.value("issuer", "")
    subject = e.value("subject", "")
    if reason == "account_disabled":
        return fill(_("Single sign-on refused %(user)s: the account is disabled.", **SLOTS),
                    user=e.subject("user"))
    if reason == "unknown_identity":
        return fill(_("Single sign-on refused subject %(code)s at %(issuer)s: no account is linked to this "
                      "identity.", **SLOTS), code=subject, issuer=issuer)
    if reason == "email_not_verified":
        return fill(_("Single sign-on refused subject %(code)s at %(issuer)s: the provider has not verified its "
                      "e-mail address, so it cannot find an account.", **SLOTS), code=subject, issuer=issuer)
    return fill(_("Single sign-on refused an answer from %(issuer)s that did not verify (%(code)s).", **SLOTS),
                issuer=issuer, code=reason or "")


# --- accounts ----------------------------------------------------------------------------------------------

@describes("user.create", _l("Account created"), "accounts")
def user_create(e):
    grants = [grant_phrase(e, g) for g in (e.value("grants") or [])]
    if grants:
        return fill(_("%(actor)s created the account %(user)s with the grants %(grant)s.", **SLOTS),
                    actor=e.actor, user=e.subject("user"), grant=join(grants, "; "))
    return fill(_("%(actor)s created the account %(user)s.", **SLOTS), actor=e.actor, user=e.subject("user"))


@describes("user.grant_add", _l("Grant added"), "accounts")
def grant_add(e):
    return fill(_("%(actor)s granted %(grant)s to %(user)s.", **SLOTS), actor=e.actor,
                grant=grant_phrase(e, e.details.get("after")), user=e.subject("user"))


@describes("user.grant_remove", _l("Grant removed"), "accounts")
def grant_remove(e):
    return fill(_("%(actor)s removed the grant %(grant)s from %(user)s.", **SLOTS), actor=e.actor,
                grant=grant_phrase(e, e.details.get("before")), user=e.subject("user"))


@describes("user.disable", _l("Account disabled"), "accounts")
def disable(e):
    return fill(_("%(actor)s disabled the account of %(user)s and ended its sessions.", **SLOTS), actor=e.actor,
                user=e.subject("user"))


@describes("user.enable", _l("Account enabled"), "accounts")
def enable(e):
    return fill(_("%(actor)s enabled the account of %(user)s again.", **SLOTS), actor=e.actor, user=e.subject("user"))


@describes("user.password_reset", _l("Password reset"), "accounts")
def password_reset(e):
    return fill(_("%(actor)s replaced the password of %(user)s with a one-time password.", **SLOTS), actor=e.actor,
                user=e.subject("user"))


def _language(code) -> str:
    from trainer.i18n import KNOWN

    return KNOWN.get(code, (code or "—",))[0]


@describes("user.profile", _l("Profile changed"), "accounts")
def profile(e):
    before, after = e.before or {}, e.after or {}
    language = "language" in after and before.get("language") != after.get("language")
    zone = "timezone" in after and before.get("timezone") != after.get("timezone")
    values = {"actor": e.actor, "before": _language(before.get("language")), "after": _language(after.get("language")),
              "old": before.get("timezone") or "—", "new": after.get("timezone") or "—"}
    if language and zone:
        return fill(_("%(actor)s changed their language from %(before)s to %(after)s and their time zone from "
                      "%(old)s to %(new)s.", **SLOTS), **values)
    if language:
        return fill(_("%(actor)s changed their language from %(before)s to %(after)s.", **SLOTS), **values)
    if zone:
        return fill(_("%(actor)s changed their time zone from %(old)s to %(new)s.", **SLOTS), **values)
    return fill(_("%(actor)s saved their profile (name shown, language and time zone).", **SLOTS), **values)


@describes("user.bulk_create", _l("Trainee accounts created"), "accounts")
def bulk_create(e):
    count = e.count_of(e.value("count"))
    values = {"actor": e.actor, "count": e.number(count)}
    if e.row.object_type == "units":
        return fill(ngettext("%(actor)s created %(count)s trainee account for the people of %(unit)s.",
                             "%(actor)s created %(count)s trainee accounts for the people of %(unit)s.", count,
                             **SLOTS), unit=e.subject("unit"), **values)
    return fill(ngettext("%(actor)s created %(count)s trainee account for people chosen on the personnel list.",
                         "%(actor)s created %(count)s trainee accounts for people chosen on the personnel list.",
                         count, **SLOTS), **values)


@describes("user.sso_link", _l("Single sign-on identity linked"), "accounts")
def sso_link(e):
    return fill(_("%(actor)s linked the account of %(user)s to the single sign-on identity %(identity)s.", **SLOTS),
                actor=e.actor, user=e.subject("user"), identity=identity_phrase(e.details.get("after")))


@describes("user.sso_unlink", _l("Single sign-on identity unlinked"), "accounts")
def sso_unlink(e):
    return fill(_("%(actor)s removed the link of %(user)s to the single sign-on identity %(identity)s.", **SLOTS),
                actor=e.actor, user=e.subject("user"), identity=identity_phrase(e.details.get("before")))


@describes("calendar.token.regenerate", _l("Calendar feed address replaced"), "accounts")
def calendar_token(e):
    return fill(_("%(actor)s replaced their personal calendar feed address; the old address stopped working.",
                  **SLOTS), actor=e.actor)
