"""Readiness pages: the commander's dashboard, unit and person drill-down, waivers, deployments, exports."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from trainer.auth.policy import has_ability, roles_with
from trainer.auth import scoping
from trainer.db import utcnow
from trainer.errors import Invalid, NotFound
from trainer.extensions import db
from trainer.readiness import aggregate, charts, engine, exports, listing, services
from trainer.readiness.forms import AssessForm, DeploymentForm, RevokeWaiverForm, WaiverForm
from trainer.readiness.guidance import evidence_details, next_step, profiles_for_person

bp = Blueprint("readiness", __name__, url_prefix="/readiness")


def needs_profiles(view):
    """Until a readiness profile has been imported there is nothing to measure: say so plainly."""
    import functools

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not aggregate.list_profiles():
            return render_template("readiness/no_profile.html")
        return view(*args, **kwargs)
    return wrapper


@bp.app_template_global("level_badge_html")
def level_badge_html(tally) -> Markup:
    """A tally's level with its symbol, percentage and words (never by colour alone). Rendered in Python: a
    dashboard draws it for every unit of a mission, several hundred times per page."""
    percent = tally.percent if tally is not None else None
    if percent is None:
        return Markup('<span class="level level-none">– no personnel</span>')
    level = aggregate.level_for(percent)
    # Every part is the app's own text (a level's value, symbol and label) or a number: nothing to escape.
    return Markup(f'<span class="level level-{level.value}"><span aria-hidden="true">{level.symbol}</span> '
                  f'{percent:.0f}% · {level.label}</span>')


STATE_SYMBOLS = {"met": "✔", "waived": "◆", "expiring": "▲", "expired": "✖", "missing": "✖", "superseded": "✖",
                 "on_hold": "⏸"}


@bp.app_template_global("state_badge_html")
def state_badge_html(status) -> Markup:
    """A requirement's state with its symbol and words; a unit page shows several for each of fifty people."""
    # A state, its symbol and its label are the app's own words: nothing to escape.
    return Markup(f'<span class="req-state req-{status.state}">{STATE_SYMBOLS[status.state]} {status.label}</span>')


@bp.app_template_global("gaps_html")
def gaps_html(gaps) -> Markup:
    """A person's unmet requirements as badges with their codes, comma-separated, in one call per row."""
    from markupsafe import escape

    return Markup(", ").join(Markup(f"{state_badge_html(g)} {escape(g.key)}") for g in gaps)


def _filters():
    today = dt.date.today()
    profile_code = aggregate.default_profile_code(request.args.get("profile") or None, current_user)
    as_of = aggregate.parse_day(request.args.get("as_of"), today)
    forecast = aggregate.parse_day(request.args.get("forecast"), None, field="forecast")
    return profile_code, as_of, forecast


def _thresholds():
    return current_app.config["READINESS_GREEN"], current_app.config["READINESS_AMBER"]


def _charts(summary, points, forecast_tally, forecast):
    green, amber = _thresholds()
    bars = [(f"{n.code}", n.tally.percent) for n in aggregate.flatten(summary.roots) if n.depth <= 1 and n.tally.total][:20]
    bar_svg = charts.bar_chart(bars, green=green, amber=amber, title=f"Percentage ready by unit as of {summary.as_of:%d %b %Y}")
    trend_svg = charts.trend_chart([(d.strftime("%b %Y"), t.percent) for d, t in points], green=green, amber=amber,
                                   title="Percentage ready at the last six month-ends",
                                   forecast=(forecast.strftime("%d %b %Y"), forecast_tally.percent) if forecast else None)
    return Markup(bar_svg), Markup(trend_svg)


def _forecast_total(summary) -> aggregate.Tally | None:
    roots = summary.roots
    if not roots or roots[0].forecast is None:
        return None
    total = aggregate.Tally()
    for node in roots:
        total.total += node.forecast.total
        total.ready += node.forecast.ready
    return total


@bp.route("/")
@needs_profiles
def index():
    profile_code, as_of, forecast = _filters()
    spec = engine.load_profile(profile_code)
    summary = aggregate.scope_readiness(current_user, spec, as_of, forecast_on=forecast, trend_count=6,
                                        with_people=False)
    points = summary.trend
    forecast_total = _forecast_total(summary)
    bar_svg, trend_svg = _charts(summary, points, forecast_total, forecast)
    assessed = services.latest_assessed(summary.units.keys(), profile_code)
    return render_template("readiness/index.html", summary=summary, profiles=aggregate.list_profiles(),
                           profile_code=profile_code, as_of=as_of, forecast=forecast, forecast_total=forecast_total,
                           rows=aggregate.flatten(summary.roots), bar_svg=bar_svg, trend_svg=trend_svg,
                           points=points, assessed=assessed, thresholds=_thresholds())


@bp.route("/units/<int:unit_id>")
def unit(unit_id: int):
    unit = scoping.get_scoped(current_user, "unit", unit_id, "readiness.view")
    if not aggregate.list_profiles():
        return render_template("readiness/no_profile.html")
    profile_code, as_of, forecast = _filters()
    spec = engine.load_profile(profile_code)
    summary = aggregate.scope_readiness(current_user, spec, as_of, unit=unit, forecast_on=forecast, trend_count=6,
                                        with_people=False)
    points = summary.trend
    forecast_total = _forecast_total(summary)
    bar_svg, trend_svg = _charts(summary, points, forecast_total, forecast)
    page = request.args.get("page", "1")
    page, members, people, unit_of = listing.member_page(current_user, spec, as_of, unit,
                                                           int(page) if page.isdigit() else 1)
    node = summary.units.get(unit.id)
    return render_template("readiness/unit.html", unit=unit, node=node, summary=summary, profiles=aggregate.list_profiles(),
                           profile_code=profile_code, as_of=as_of, forecast=forecast, forecast_total=forecast_total,
                           rows=aggregate.flatten(summary.roots), members=members, people=people, page=page,
                           unit_of=unit_of,
                           bar_svg=bar_svg, trend_svg=trend_svg, history=services.assessed_history(unit.id, profile_code),
                           assess_form=AssessForm() if has_ability(current_user, "unit.assess") else None,
                           thresholds=_thresholds())


@bp.route("/units/<int:unit_id>/assess", methods=["POST"])
def unit_assess(unit_id: int):
    form = AssessForm()
    profile_code = request.args.get("profile") or ""
    as_of = aggregate.parse_day(request.args.get("as_of"), dt.date.today())
    services.record_assessed_level(current_user, unit_id, profile_code=profile_code,
                                   assessed_level=form.assessed_level.data or "", reason=form.reason.data or "", as_of=as_of)
    db.session.commit()
    flash("Assessed level recorded beside the computed one.", "success")
    return redirect(url_for("readiness.unit", unit_id=unit_id, profile=profile_code, as_of=as_of.isoformat()))


@bp.route("/people/<int:person_id>")
def person(person_id: int):
    person = scoping.get_scoped(current_user, "person", person_id, "readiness.view_person")
    if not aggregate.list_profiles():
        return render_template("readiness/no_profile.html")
    as_of = aggregate.parse_day(request.args.get("as_of"), dt.date.today())
    assigned = profiles_for_person(person)
    requested = request.args.get("profile") or (assigned[0] if assigned else None)
    profile_code = aggregate.default_profile_code(requested)
    result = engine.evaluate_person(person.id, profile_code, as_of)
    spec = engine.load_profile(profile_code)
    details = evidence_details(result)
    waivers = services.list_waivers(current_user, person.id)
    can_waive = scoping.in_scope(current_user, "person", person, "waiver.grant")
    waiver_form = None
    if can_waive:
        waiver_form = WaiverForm(formdata=None)
        waiver_form.requirement.choices = services.known_requirements()
    steps = {r.key: next_step(r, spec) for r in result.requirements}
    return render_template("readiness/person.html", person=person, result=result, spec=spec, as_of=as_of,
                           profiles=aggregate.list_profiles(), assigned=assigned, profile_code=profile_code,
                           details=details, steps=steps, waivers=waivers, waiver_form=waiver_form,
                           revoke_form=RevokeWaiverForm(formdata=None), can_waive=can_waive,
                           # commanders in scope may certify: the same roles and scope as waivers
                           can_certify=can_waive, is_today=as_of == dt.date.today(),
                           label=lambda key: aggregate.requirement_label(spec, key))


@bp.route("/people/<int:person_id>/waivers", methods=["POST"])
def waiver_new(person_id: int):
    person = scoping.get_scoped(current_user, "person", person_id, "waiver.grant")
    services.grant_waiver(current_user, person, requirement=request.form.get("requirement", ""),
                          authority=request.form.get("authority", ""), reason=request.form.get("reason", ""),
                          expires_on=request.form.get("expires_on", ""))
    db.session.commit()
    flash("Requirement waived. It shows as waived until the expiry or until revoked.", "success")
    return redirect(url_for("readiness.person", person_id=person.id, profile=request.args.get("profile") or None))


@bp.route("/waivers/<int:waiver_id>/revoke", methods=["POST"])
def waiver_revoke(waiver_id: int):
    waiver = services.revoke_waiver(current_user, waiver_id, reason=request.form.get("reason", ""))
    db.session.commit()
    flash("Waiver revoked.", "success")
    return redirect(url_for("readiness.person", person_id=waiver.person_id))


@bp.route("/deployments")
def deployments():
    return render_template("readiness/deployments.html", deployments=services.list_deployments(current_user))


@bp.route("/deployments/new", methods=["GET", "POST"])
def deployment_new():
    from sqlalchemy import select

    from trainer.org.models import Unit

    form = DeploymentForm()
    form.profile_code.choices = aggregate.list_profiles()
    units = db.session.execute(select(Unit.id, Unit.nation_code, Unit.code, Unit.name).where(
        scoping.scope_condition(current_user, "unit", "deployment.manage")).order_by(Unit.nation_code, Unit.path)).all()
    form.unit_ids.choices = [(str(u.id), f"{u.nation_code} {u.code} — {u.name}") for u in units]
    if request.method == "POST":
        try:
            deployment = services.create_deployment(
                current_user, mission=request.form.get("mission", ""), departure_on=request.form.get("departure_on", ""),
                return_on=request.form.get("return_on", ""), profile_code=request.form.get("profile_code", ""),
                unit_ids=request.form.getlist("unit_ids"), notes=request.form.get("notes", ""))
        except Invalid as error:
            db.session.rollback()
            for name, message in error.errors:
                getattr(form, name).errors = list(getattr(form, name).errors or []) + [message]
            return render_template("readiness/deployment_new.html", form=form, error=error.message), 422
        db.session.commit()
        flash("Deployment created.", "success")
        return redirect(url_for("readiness.deployment", deployment_id=deployment.id))
    return render_template("readiness/deployment_new.html", form=form, error=None)


@bp.route("/deployments/<int:deployment_id>")
def deployment(deployment_id: int):
    deployment = services.get_deployment(current_user, deployment_id)
    data = services.deployment_readiness(current_user, deployment)
    spec = data["spec"]
    return render_template("readiness/deployment.html", deployment=deployment, data=data,
                           label=lambda key: aggregate.requirement_label(spec, key))


@bp.route("/deployments/<int:deployment_id>/people/<int:person_id>/remove", methods=["POST"])
def deployment_member_remove(deployment_id: int, person_id: int):
    services.remove_deployment_member(current_user, deployment_id, person_id)
    db.session.commit()
    flash("Removed from the deployment.", "success")
    return redirect(url_for("readiness.deployment", deployment_id=deployment_id))


EXPORT_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/export.<fmt>")
@needs_profiles
def export(fmt: str):
    if fmt not in EXPORT_TYPES:
        raise NotFound()
    profile_code, as_of, _ = _filters()
    unit = None
    if request.args.get("unit"):
        unit = scoping.get_scoped(current_user, "unit", request.args.get("unit"), "readiness.view")
    summary = aggregate.scope_readiness(current_user, profile_code, as_of, unit=unit)
    people = listing.people_rows(summary.people.keys())
    classification = current_app.config.get("CLASSIFICATION_MARKING", "")
    name = f"readiness-{profile_code}-{as_of.isoformat()}" + (f"-{unit.nation_code}-{unit.code}" if unit else "")
    if fmt == "csv":
        body = exports.to_csv(summary, people)
    elif fmt == "xlsx":
        body = exports.to_xlsx(summary, people, classification=classification)
    else:
        green, amber = _thresholds()
        scope_text = (f"{unit.nation_code} {unit.code} — {unit.name} and its sub-units" if unit else
                      "; ".join(g.describe() for g in current_user.grants_for(*roles_with("readiness.view"))))
        body = exports.to_pdf(summary, people, scope_text=scope_text, classification=classification,
                              generated_at=utcnow(), green=green, amber=amber)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return Response(body, mimetype=EXPORT_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'})
