"""Nations, units and personnel (list, search, create, edit, transfer), roster import."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("org", __name__)
