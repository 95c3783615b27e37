"""Exercise pages; the URL map is in blueprint.py."""
from trainer.exercises.views.blueprint import bp

__all__ = ["bp"]
