"""Sign-in, sign-out, password and profile; account administration. The URL map is in blueprint.py."""
from trainer.auth.views.blueprint import bp

__all__ = ["bp"]
