"""Access-matrix objects for the API's URL parameters: one's own personal access token (someone else's is
out of scope for everyone, admins included), and a nation by its code (another nation is out of scope)."""
from __future__ import annotations


def _api_token(world):
    from tests.auth.test_access_matrix import Objects
    from trainer.api.tokens import create_token

    other = world.make_user("admin", "mission", username=f"token.owner{world.next()}")
    theirs, _ = create_token(other, other, name="someone else's")
    world.db.session.commit()
    if world.actor is None:
        return Objects(inside={"api_token_id": theirs.id})
    mine, _ = create_token(world.actor, world.actor, name="mine")
    world.db.session.commit()
    return Objects(inside={"api_token_id": mine.id}, outside={"api_token_id": theirs.id})


def _nation_code(world):
    from tests.auth.test_access_matrix import Objects

    return Objects(inside={"nation_code": world.nation_in},
                   outside=None if world.reaches_everything else {"nation_code": world.nation_out})


BUILDERS = {"api_token": _api_token, "nation_code": _nation_code}
