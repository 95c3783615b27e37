"""Access-matrix builders for the auth domain's URL parameters that name a part of an account."""
from __future__ import annotations


def _identity_link(world, params) -> int:
    """A single sign-on link of the account in params (its user_id)."""
    from trainer.auth.models import IdentityLink

    link = IdentityLink(user_id=params["user_id"], issuer=f"https://sso{world.next()}.example.org",
                        subject=f"matrix-subject-{world.next()}")
    world.db.session.add(link)
    world.db.session.commit()
    return link.id


PARAM_BUILDERS = {"link_id": _identity_link}
