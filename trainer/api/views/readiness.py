"""Readiness as of any date, through the readiness pages' own services: a person's for a profile, and a
unit's or a nation's with the figures the dashboard shows."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_smorest import Blueprint

from trainer.api.http import actor
from trainer.api.schemas import readiness as schemas
from trainer.db import utc_today
from trainer.errors import Invalid
from trainer.readiness import pages
from trainer.readiness.aggregate import EXPIRY_WINDOWS
from trainer.readiness.guidance import next_step
from trainer.readiness.models import Thresholds
from trainer.readiness.profiles import forecast_refusal, parse_day, requirement_label

blp = Blueprint("api_readiness", __name__, url_prefix="/api/v1", description="Readiness as of a date.")


def _day(value: dt.date | None, default: dt.date | None, field: str) -> dt.date | None:
    """A date of the request, held to the dates readiness may be asked for (as the pages do)."""
    return parse_day(value.isoformat(), default, field=f"query.{field}") if value is not None else default


def _dates(args) -> tuple[dt.date, dt.date | None]:
    """The request's as-of date (today by default) and forecast date, which must be after it."""
    as_of = _day(args.get("as_of"), utc_today(), "as_of")
    forecast = _day(args.get("forecast"), None, "forecast")
    refusal = forecast_refusal(as_of, forecast)
    if refusal:
        raise Invalid(refusal, errors=[("query.forecast", refusal)])
    return as_of, forecast


def _tally(tally, thresholds: Thresholds) -> dict | None:
    if tally is None:
        return None
    level = thresholds.level(tally.percent)
    return {"people": tally.total, "ready": tally.ready, "percent": tally.percent,
            "level": level.value if level else None}


def _unit_node(node, thresholds: Thresholds, assessed: dict) -> dict:
    latest = assessed.get(node.id)
    return {"id": node.id, "nation_code": node.nation_code, "code": node.code, "name": node.name,
            "parent_id": node.parent_id, "figures": _tally(node.tally, thresholds),
            "forecast": _tally(node.forecast, thresholds),
            "assessed": {"level": latest.assessed_level, "computed_level": latest.computed_level,
                         "as_of": latest.as_of, "reason": latest.reason} if latest is not None else None,
            "children": [_unit_node(child, thresholds, assessed) for child in node.children]}


def _figures(page: pages.ScopePage, roots, assessed: dict) -> dict:
    thresholds = page.summary.thresholds
    summary = page.summary
    return {
        "profile_code": page.profile_code, "profile_title": summary.profile.title, "as_of": page.as_of,
        "forecast_on": page.forecast, "profile_assigned": summary.profile_assigned,
        "thresholds": {"green": thresholds.green, "amber": thresholds.amber},
        "total": _tally(summary.total, thresholds), "forecast_total": _tally(page.forecast_total, thresholds),
        "expiring": [{"within_days": days, "people": summary.expiring.get(days, 0)} for days in EXPIRY_WINDOWS],
        "gaps": [{"requirement": label, "state": state, "people": people} for label, state, people in summary.gaps],
        "trend": [{"on": day, **_tally(tally, thresholds)} for day, tally in summary.trend],
        "nations": [{"code": code, "name": name, **_tally(tally, thresholds)} for code, name, tally in summary.nations],
        "units": [_unit_node(node, thresholds, assessed) for node in roots],
    }


def _thresholds() -> Thresholds:
    return Thresholds.from_config(current_app.config)


@blp.route("/units/<int:unit_id>/readiness")
@blp.arguments(schemas.ScopeArgs, location="query")
@blp.response(200, schemas.ScopeReadinessSchema)
def unit_readiness(args, unit_id: int):
    """A unit's readiness as of a date

    The figures of the unit's page and the dashboard: people and ready (with the level by the configured
    thresholds) for the unit and each sub-unit, evidence lapsing within 30/60/90 days, the most frequent
    gaps, the last six month-ends, and a forecast date beside.
    """
    as_of, forecast = _dates(args)
    page = pages.scope_page(actor(), profile=args.get("profile"), as_of=as_of, forecast=forecast,
                            thresholds=_thresholds(), unit_id=unit_id)
    assessed = {page.unit.id: page.history[0]} if page.history else {}
    return _figures(page, [page.node] if page.node is not None else [], assessed)


@blp.route("/nations/<nation_code>/readiness")
@blp.arguments(schemas.ScopeArgs, location="query")
@blp.response(200, schemas.ScopeReadinessSchema)
def nation_readiness(args, nation_code: str):
    """A nation's readiness as of a date

    The nation's units in the token's reach, with the dashboard's figures (see the unit readiness).
    """
    as_of, forecast = _dates(args)
    page = pages.scope_page(actor(), profile=args.get("profile"), as_of=as_of, forecast=forecast,
                            thresholds=_thresholds(), nation=nation_code or "-")
    return _figures(page, page.summary.roots, page.assessed)


@blp.route("/people/<int:person_id>/readiness")
@blp.arguments(schemas.ReadinessArgs, location="query")
@blp.response(200, schemas.PersonReadinessSchema)
def person_readiness(args, person_id: int):
    """A person's readiness for a profile as of a date

    Each requirement with its state (met, waived, expiring, expired, missing, superseded, on hold), the
    reason in words, until when it holds, and what to do next.
    """
    page = pages.person_page(actor(), person_id, profile=args.get("profile"),
                             as_of=_day(args.get("as_of"), utc_today(), "as_of"))
    result = page.result
    return {
        "person_id": page.person.id, "profile_code": page.profile_code, "profile_title": page.spec.title,
        "assigned_profiles": page.assigned, "as_of": result.as_of, "ready": result.ready,
        "valid_until": result.valid_until,
        "requirements": [{"kind": r.kind, "key": r.key, "label": requirement_label(page.spec, r.key), "state": r.state,
                          "met": r.met, "reason": r.reason, "valid_until": r.valid_until,
                          "next_step": next_step(r, page.spec), "evidence": r.evidence}
                         for r in result.requirements],
        "waivers": [{"id": w.id, "requirement": w.requirement, "granted_on": w.granted_on, "expires_on": w.expires_on,
                     "revoked": w.revoked_at is not None} for w in page.waivers],
    }
