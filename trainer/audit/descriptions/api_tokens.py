"""API tokens: who made or revoked a token for the JSON API."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from trainer.audit.descriptions.core import SLOTS, describes, fill


@describes("api_token.create", _l("API token made"), "accounts")
def api_token_create(e):
    if e.value("read_only"):
        template = _("%(actor)s made the read-only API token “%(key)s” (%(code)s…) for %(user)s.", **SLOTS)
    else:
        template = _("%(actor)s made the API token “%(key)s” (%(code)s…) for %(user)s.", **SLOTS)
    return fill(template, actor=e.actor, key=e.value("name"), code=e.value("prefix"), user=e.value("user"))


@describes("api_token.revoke", _l("API token revoked"), "accounts")
def api_token_revoke(e):
    return fill(_("%(actor)s revoked the API token “%(key)s” (%(code)s…).", **SLOTS), actor=e.actor,
                key=e.value("name"), code=e.value("prefix"))
