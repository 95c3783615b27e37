"""The organisation's pages; the URL map is in blueprint.py."""
from trainer.org.views.blueprint import bp

__all__ = ["bp"]
