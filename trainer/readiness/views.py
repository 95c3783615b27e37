"""Readiness pages: the commander's dashboard, unit and person drill-down, waivers, deployments, exports."""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import NamedTuple

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, gettext as _, ngettext
from flask_login import current_user
from markupsafe import Markup

from trainer.auth.policy import has_ability, roles_with
from trainer.db import utc_today, utcnow
from trainer.errors import Conflict, Invalid, NotFound
from trainer.forms import apply_errors
from trainer.i18n import marking
from trainer.readiness import charts, exports, html, pages, report_pdf, services, wording
from trainer.readiness.html import thresholds as _thresholds
from trainer.readiness.forms import AssessForm, DeploymentForm, RevokeWaiverForm, WaiverForm
from trainer.readiness.profiles import NoProfile, forecast_refusal, list_profiles, parse_day, requirement_label
from trainer.streaming import stream_in_request_context

bp = Blueprint("readiness", __name__, url_prefix="/readiness")


def needs_profiles(view):
    """Until a readiness profile has been imported there is nothing to measure: say so plainly (the page's service
    finds it out as it reads the profiles)."""
    import functools

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NoProfile:
            return render_template("readiness/no_profile.html")
    return wrapper


for _helper in (html.level_badge_html, html.nation_rows_html, html.unit_rows_html, html.state_badge_html,
                html.member_rows_html):
    bp.add_app_template_global(_helper)


def _dates():
    """The page's date and its forecast date, each with why it is not shown: a date that cannot be read (the
    page shows today, or no forecast, with the reason beside the field), a forecast not after the page's date."""
    unreadable = False
    try:
        as_of, as_of_note = parse_day(request.args.get("as_of"), utc_today()), None
    except Invalid as exc:
        as_of, as_of_note, unreadable = utc_today(), exc.message, True
    try:
        forecast = parse_day(request.args.get("forecast"), None, field="forecast")
        refusal = forecast_refusal(as_of, forecast)
    except Invalid as exc:
        forecast, refusal, unreadable = None, exc.message, True
    return Dates(as_of, as_of_note, None if refusal else forecast, refusal, 422 if unreadable else 200)


class Dates(NamedTuple):
    as_of: dt.date
    as_of_note: str | None
    forecast: dt.date | None
    forecast_note: str | None
    status: int  # 422 when a date could not be read (the page is shown, as of today, with the reason)


BARS_SHOWN = 20


def _charts(page: pages.ScopePage):
    """The bar chart (the least ready units first, each linking to its page: on a unit's page its sub-units, not
    the unit itself) and the trend chart."""
    thresholds = _thresholds()
    summary, forecast = page.summary, page.forecast
    if page.unit is not None:
        bars = [n for n in summary.units.values() if n.parent_id == page.unit.id and n.tally.total]
    else:
        bars = [n for n in summary.units.values() if n.depth <= 1 and n.tally.total]
    shown, left_out = charts.worst_first(bars, BARS_SHOWN)
    query = {"profile": page.profile_code, "as_of": page.as_of.isoformat(),
             "forecast": forecast.isoformat() if forecast else None}
    note = ngettext("%(num)d more unit is not shown; every unit is in the table below.",
                    "%(num)d more units are not shown; every unit is in the table below.",
                    len(left_out)) if left_out else ""
    bar_html = charts.bar_chart(
        [(f"{n.nation_code} {n.code}", n.tally.percent, url_for("readiness.unit", unit_id=n.id, **query))
         for n in shown], green=thresholds.green, amber=thresholds.amber, note=note,
        title=_("Percentage ready by unit as of %(date)s, least ready first", date=wording.day(summary.as_of))) \
        if bars or page.unit is None else ""  # a unit page whose sub-units count nobody says so instead
    trend_svg = charts.trend_chart([(_month_label(d), t.percent) for d, t in summary.trend],
                                   green=thresholds.green, amber=thresholds.amber,
                                   title=_("Percentage ready at the last six month-ends"),
                                   forecast=(_month_label(forecast, with_day=True), page.forecast_total.percent)
                                   if forecast else None)
    # Every label and value in them is escaped as it is drawn (charts.py).
    return Markup(bar_html), Markup(trend_svg)


def _month_label(day: dt.date, with_day: bool = False) -> str:
    """Two short lines under a point of the trend: "Mar" and "2026" (or "15 Mar" for a forecast day)."""
    return format_date(day, "dd MMM" if with_day else "MMM") + "\n" + format_date(day, "y")


def _scope_page(template: str, scope: pages.ScopePage, **extra):
    return render_template(template, summary=scope.summary, profiles=scope.profiles, profile_code=scope.profile_code,
                           as_of=scope.as_of, forecast=scope.forecast,
                           figures_html=_figures_html(scope, extra.get("assessed") or {}, extra.get("nation")),
                           **extra)


def _figures_html(scope: pages.ScopePage, assessed: dict, nation) -> Markup:
    """The cards, charts, unit tree and gaps of a page (templates/readiness/_figures.html), drawn once per
    figures and everything else they are drawn with: a view of unchanged data is served what the last one drew."""
    thresholds = _thresholds()
    spec = scope.summary.profile
    unit_page = scope.unit is not None

    def draw() -> str:
        bar_html, trend_svg = _charts(scope)
        return current_app.jinja_env.get_template("readiness/_figures.html").render(
            unit_page=unit_page, summary=scope.summary, profile_code=scope.profile_code, as_of=scope.as_of,
            forecast=scope.forecast, forecast_total=scope.forecast_total, rows=scope.rows,
            units_not_listed=scope.units_not_listed, bar_html=bar_html, trend_svg=trend_svg,
            points=scope.summary.trend, thresholds=(thresholds.green, thresholds.amber), assessed=assessed,
            nation=nation)

    if scope.figures_digest is None:
        return Markup(draw())
    key = (scope.figures_digest, unit_page, scope.unit.id if unit_page else None, nation, str(get_locale()),
           request.script_root, thresholds, scope.profile_code, scope.as_of, scope.forecast, pages.TREE_ROWS,
           spec.title, tuple(sorted(spec.module_titles.items())),
           tuple(sorted((unit_id, a.assessed.value, a.as_of) for unit_id, a in assessed.items())))
    return html.drawn(key, draw)


@bp.route("/")
@needs_profiles
def index():
    as_of, as_of_note, forecast, forecast_note, status = _dates()
    page = pages.scope_page(current_user, profile=request.args.get("profile") or None, as_of=as_of,
                            forecast=forecast, thresholds=_thresholds(), nation=request.args.get("nation") or None)
    return _scope_page("readiness/index.html", page, assessed=page.assessed, nation=page.nation,
                       forecast_note=forecast_note, as_of_note=as_of_note), status


@bp.route("/units/<int:unit_id>")
@needs_profiles
def unit(unit_id: int):
    return _unit_view(unit_id, request.args.get("profile") or None)


def _unit_view(unit_id: int, profile: str | None, assess_form=None, status: int = 200):
    as_of, as_of_note, forecast, forecast_note, dates_status = _dates()
    status = max(status, dates_status)
    number = request.args.get("page", "1")
    page = pages.scope_page(current_user, profile=profile, as_of=as_of,
                            forecast=forecast, thresholds=_thresholds(), unit_id=unit_id,
                            page_number=int(number) if number.isdigit() else 1, sort=request.args.get("sort"),
                            descending=request.args.get("dir") == "desc")
    if assess_form is None and has_ability(current_user, "unit.assess"):
        assess_form = AssessForm(formdata=None)
    return _scope_page("readiness/unit.html", page, unit=page.unit, node=page.node, members=page.members,
                       people=page.people, page=page.page, unit_of=page.unit_of, history=page.history,
                       without_profile=page.without_profile, sort=page.sort, descending=page.descending,
                       assess_form=assess_form, forecast_note=forecast_note, as_of_note=as_of_note), status


@bp.route("/units/<int:unit_id>/assess", methods=["POST"])
def unit_assess(unit_id: int):
    form = AssessForm()
    profile_code = request.args.get("profile") or ""
    as_of = parse_day(request.args.get("as_of"), utc_today())
    try:
        services.record_assessed_level(current_user, unit_id, profile_code=profile_code,
                                       assessed_level=form.assessed_level.data or "", reason=form.reason.data or "",
                                       as_of=as_of, thresholds=_thresholds())
    except (Invalid, Conflict) as error:
        apply_errors(form, error)
        return _unit_view(unit_id, profile_code or None, assess_form=form, status=error.status)
    flash(_("Assessed level recorded beside the computed one."), "success")
    return redirect(url_for("readiness.unit", unit_id=unit_id, profile=profile_code, as_of=as_of.isoformat()))


@bp.route("/people/<int:person_id>")
@needs_profiles
def person(person_id: int):
    return _person_view(person_id, request.args.get("profile") or None)


def _person_view(person_id: int, profile: str | None, waiver_form=None, status: int = 200):
    """The person page; after a refused waiver or revocation, with the form as it was sent and its errors."""
    as_of = parse_day(request.args.get("as_of"), utc_today())
    page = pages.person_page(current_user, person_id, profile=profile, as_of=as_of)
    if page.can_waive:
        waiver_form = waiver_form or WaiverForm(formdata=None)
        waiver_form.requirement.choices = services.known_requirements()
    else:
        waiver_form = None
    spec = page.spec
    return render_template("readiness/person.html", person=page.person, result=page.result, spec=spec, as_of=as_of,
                           profiles=page.profiles, assigned=page.assigned, profile_code=page.profile_code,
                           details=page.details, steps=page.steps, waivers=page.waivers, waiver_form=waiver_form,
                           revoke_form=RevokeWaiverForm(formdata=None), can_waive=page.can_waive,
                           # commanders in scope may certify: the same roles and scope as waivers
                           can_certify=page.can_waive, is_today=as_of == utc_today(),
                           label=lambda key: requirement_label(spec, key)), status


@bp.route("/people/<int:person_id>/waivers", methods=["POST"])
def waiver_new(person_id: int):
    person = pages.get_person_for_waiver(current_user, person_id)
    form = WaiverForm()
    try:
        services.grant_waiver(current_user, person, requirement=request.form.get("requirement", ""),
                              authority=request.form.get("authority", ""), reason=request.form.get("reason", ""),
                              expires_on=request.form.get("expires_on", ""))
    except (Invalid, Conflict) as error:
        apply_errors(form, error)
        return _person_view(person_id, request.args.get("profile") or None, waiver_form=form, status=error.status)
    flash(_("Requirement waived. It shows as waived until the expiry or until revoked."), "success")
    return redirect(url_for("readiness.person", person_id=person.id, profile=request.args.get("profile") or None))


@bp.route("/waivers/<int:waiver_id>/revoke", methods=["POST"])
def waiver_revoke(waiver_id: int):
    try:
        waiver = services.revoke_waiver(current_user, waiver_id, reason=request.form.get("reason", ""))
    except (Invalid, Conflict) as error:
        apply_errors(None, error)
        return _person_view(services.get_waiver(current_user, waiver_id).person_id, None, status=error.status)
    flash(_("Waiver revoked."), "success")
    return redirect(url_for("readiness.person", person_id=waiver.person_id))


@bp.route("/deployments")
def deployments():
    return render_template("readiness/deployments.html", deployments=services.list_deployments(current_user))


@bp.route("/deployments/new", methods=["GET", "POST"])
def deployment_new():
    form = DeploymentForm()
    form.profile_code.choices = list_profiles()
    form.unit_ids.choices = [(str(u.id), f"{u.nation_code} {u.code} — {u.name}")
                             for u in pages.deployment_units(current_user)]
    if request.method == "POST":
        try:
            deployment = services.create_deployment(
                current_user, mission=request.form.get("mission", ""), departure_on=request.form.get("departure_on", ""),
                return_on=request.form.get("return_on", ""), profile_code=request.form.get("profile_code", ""),
                unit_ids=request.form.getlist("unit_ids"), notes=request.form.get("notes", ""))
        except Invalid as error:
            apply_errors(form, Invalid("", errors=error.errors))
            return render_template("readiness/deployment_new.html", form=form, error=error.message), 422
        flash(_("Deployment created."), "success")
        return redirect(url_for("readiness.deployment", deployment_id=deployment.id))
    return render_template("readiness/deployment_new.html", form=form, error=None)


@bp.route("/deployments/<int:deployment_id>")
def deployment(deployment_id: int):
    deployment = services.get_deployment(current_user, deployment_id)
    data = services.deployment_readiness(current_user, deployment)
    spec = data["spec"]
    return render_template("readiness/deployment.html", deployment=deployment, data=data,
                           label=lambda key: requirement_label(spec, key))


@bp.route("/deployments/<int:deployment_id>/people/<int:person_id>/remove", methods=["POST"])
def deployment_member_remove(deployment_id: int, person_id: int):
    services.remove_deployment_member(current_user, deployment_id, person_id)
    flash(_("Removed from the deployment."), "success")
    return redirect(url_for("readiness.deployment", deployment_id=deployment_id))


EXPORT_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/export.<fmt>")
@needs_profiles
def export(fmt: str):
    if fmt not in EXPORT_TYPES:
        raise NotFound()
    as_of = parse_day(request.args.get("as_of"), utc_today())  # an export of another day than asked: refused
    markings = exports.Markings(marking("CLASSIFICATION_MARKING"), marking("RELEASABILITY_MARKING"))
    arguments = {"profile": request.args.get("profile") or None, "as_of": as_of,
                 "unit_id": request.args.get("unit") or None, "thresholds": _thresholds(),
                 "nation": request.args.get("nation") or None}
    if fmt == "pdf":  # written as it is read: the first pages leave before the last are drawn
        data, _scope = pages.report_scope(current_user, **arguments)  # a unit, nation or profile not found: 404 now
        body = stream_in_request_context(lambda: _pdf_chunks(arguments, markings))
    else:
        data = pages.export_data(current_user, **arguments)
        body = (exports.to_csv if fmt == "csv" else partial(exports.to_xlsx, markings=markings))(data.summary,
                                                                                              data.people)
    unit, profile_code = data.unit, data.profile_code
    name = f"readiness-{profile_code}-{as_of.isoformat()}" + (f"-{unit.nation_code}-{unit.code}" if unit else "") + \
        (f"-{data.nation[0]}" if data.nation else "")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return Response(body, content_type=EXPORT_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'})


def _pdf_chunks(arguments: dict, markings):
    data, scope = pages.report_scope(current_user, **arguments)
    thresholds = arguments["thresholds"]
    return report_pdf.stream_pdf(data.summary, scope, scope_text=_scope_text(data.unit, data.nation),
                                 markings=markings, generated_at=utcnow(), green=thresholds.green,
                                 amber=thresholds.amber)


def _scope_text(unit, nation) -> str:
    """What a report covers, in words: one unit's subtree, one nation, or the reader's grants."""
    if unit is not None:
        return _("%(nation)s %(code)s — %(name)s and its sub-units", nation=unit.nation_code, code=unit.code,
                 name=unit.name)
    if nation is not None:
        return _("%(name)s (%(code)s): every unit in your scope", name=nation[1], code=nation[0])
    return "; ".join(_grant_words(g) for g in current_user.grants_for(*roles_with("readiness.view")))


def _grant_words(grant) -> str:
    from trainer.enums import Role, ScopeKind

    role, kind = Role(grant.role).label, ScopeKind(grant.scope_kind)
    if kind is ScopeKind.MISSION:
        return _("%(role)s — whole mission", role=role)
    if kind is ScopeKind.NATION:
        return _("%(role)s — nation %(code)s", role=role, code=grant.nation_code)
    if kind is ScopeKind.UNIT and grant.unit is not None:
        return _("%(role)s — unit %(nation)s %(code)s and its sub-units", role=role, nation=grant.unit.nation_code,
                 code=grant.unit.code)
    return grant.describe()
