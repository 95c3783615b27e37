"""What each readiness page reads, in one call per page: the dashboard, a unit, a person, the export and
the deployment form. Each builds the profile's reach once and hands it to every query of the page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import exists, func, select

from trainer.auth import scoping
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.org.labels import nation_name
from trainer.org.models import Nation, Person, Unit
from trainer.readiness import aggregate, engine, figures_cache, listing, services
from trainer.readiness.guidance import evidence_details, next_step, profiles_for_person
from trainer.readiness.models import Thresholds
from trainer.readiness.profiles import PROFILE_CONDITION_UNKNOWN, choose_profile, profile_condition


@dataclass
class ScopePage:
    """The dashboard (unit None) or one unit's page: figures, trend, forecast and, for a unit, one page of
    its people."""
    profiles: list[tuple[str, str]]
    profile_code: str
    as_of: dt.date
    forecast: dt.date | None
    summary: aggregate.ScopeReadiness
    forecast_total: aggregate.Tally | None
    unit: Unit | None = None
    assessed: dict = field(default_factory=dict)
    history: list = field(default_factory=list)
    page: object = None
    members: list = field(default_factory=list)
    people: dict = field(default_factory=dict)
    unit_of: dict = field(default_factory=dict)
    nation: tuple[str, str] | None = None     # (code, name) when the dashboard shows one nation
    without_profile: int = 0                  # people posted in the unit on the date whom the profile does not reach
    sort: str = "ready"
    descending: bool = False
    figures_digest: str | None = None         # the same for the same figures (figures_cache.cached_with_digest)

    @cached_property
    def _shown(self) -> tuple[list[aggregate.UnitNode], int]:
        return shown_rows(self.summary.roots)

    @property
    def rows(self) -> list[aggregate.UnitNode]:
        """The unit tree's rows the page lists: every unit, or for a tree of more than TREE_ROWS units its upper
        levels (as many as fit), each unit's page listing the units below it."""
        return self._shown[0]

    @property
    def units_not_listed(self) -> int:
        return self._shown[1]

    @property
    def node(self) -> aggregate.UnitNode | None:
        return self.summary.units.get(self.unit.id) if self.unit is not None else None


TREND_POINTS = 6  # the month-ends a page's trend shows
TREE_ROWS = 400  # a longer unit tree shows its upper levels; a unit's page shows the levels below it


def shown_rows(roots: list[aggregate.UnitNode], limit: int | None = None) -> tuple[list[aggregate.UnitNode], int]:
    """(rows, units left out): the tree flattened, down to the deepest level that keeps it within `limit` rows
    (TREE_ROWS by default; the top level always)."""
    limit = TREE_ROWS if limit is None else limit
    rows = aggregate.flatten(roots)
    if len(rows) <= limit:
        return rows, 0
    per_depth: dict[int, int] = {}
    for node in rows:
        per_depth[node.depth] = per_depth.get(node.depth, 0) + 1
    deepest, listed = 0, 0
    for depth in sorted(per_depth):
        listed += per_depth[depth]
        if listed > limit and depth > 0:
            break
        deepest = depth
    shown = [node for node in rows if node.depth <= deepest]
    return shown, len(rows) - len(shown)


def _forecast_total(summary: aggregate.ScopeReadiness) -> aggregate.Tally | None:
    roots = summary.roots
    if not roots or roots[0].forecast is None:
        return None
    total = aggregate.Tally()
    for node in roots:
        total.total += node.forecast.total
        total.ready += node.forecast.ready
    return total


def scope_page(actor, *, profile: str | None, as_of: dt.date, forecast: dt.date | None, thresholds: Thresholds,
               unit_id=None, page_number: int = 1, nation: str | None = None, sort: str | None = None,
               descending: bool = False) -> ScopePage:
    """The dashboard of the actor's scope (or of one nation in it), or (with unit_id) one unit's page with a page
    of its people sorted by `sort` (listing.SORTS). The figures come from the shared cache while the data they
    depend on has not changed (figures_cache.py); the list of people is always read afresh. `forecast` is after
    `as_of` (profiles.forecast_refusal)."""
    unit = scoping.get_scoped(actor, "unit", unit_id, "readiness.view") if unit_id is not None else None
    chosen = get_nation(actor, nation) if nation and unit is None else None
    profiles, spec = choose_profile(profile, actor)
    profile_code = spec.code
    condition = profile_condition(profile_code, within=unit) if unit is not None else PROFILE_CONDITION_UNKNOWN

    def compute():
        reach = profile_condition(profile_code) if condition is PROFILE_CONDITION_UNKNOWN else condition
        summary = aggregate.scope_readiness(actor, spec, as_of, unit=unit, forecast_on=forecast,
                                            trend_count=TREND_POINTS, with_people=False, thresholds=thresholds,
                                            condition=reach, nation=chosen[0] if chosen else None)
        without = 0
        if unit is not None and reach is not None:  # people posted here whom the profile does not reach
            posted = db.session.scalar(select(func.count()).select_from(
                aggregate.members_select(actor, as_of, unit=unit).subquery())) or 0
            without = max(0, posted - summary.total.total)
        return (summary, without), {**figures_cache.summary_figures(summary), "without_profile": without}

    key = figures_cache.key_for(actor, "readiness.view", page="scope", profile=profile_code, as_of=as_of,
                                forecast=forecast, unit=unit.id if unit is not None else None,
                                nation=chosen[0] if chosen else None, trend=TREND_POINTS)
    (summary, without), digest = figures_cache.cached_with_digest(key, compute, lambda figures: (
        figures_cache.summary_from(figures, spec, thresholds), figures["without_profile"]))
    result = ScopePage(profiles, profile_code, as_of, forecast, summary, _forecast_total(summary), unit=unit,
                       nation=chosen, without_profile=without, figures_digest=digest)
    if unit is None:
        result.assessed = services.latest_assessed([n.id for n in result.rows], profile_code)
    else:
        result.sort = sort if sort in listing.SORTS else "ready"
        result.descending = descending
        result.page, result.members, result.people, result.unit_of = listing.member_page(
            actor, spec, as_of, unit, page_number, condition=condition, sort=result.sort, descending=descending)
        result.history = services.assessed_history(unit.id, profile_code)
    return result


def get_nation(actor, code: str | None) -> tuple[str, str]:
    """(code, name) of a nation with units in the actor's readiness scope; any other is not found."""
    found = db.session.execute(
        select(Nation.code, Nation.name).where(Nation.code == (code or "").strip().upper(), exists().where(
            Unit.nation_code == Nation.code, scoping.scope_condition(actor, "unit", "readiness.view")))).first()
    if found is None:
        raise NotFound()
    return found.code, nation_name(found.code, fallback=found.name)


@dataclass
class PersonPage:
    person: Person
    profiles: list[tuple[str, str]]
    assigned: list[str]
    profile_code: str
    spec: engine.ProfileSpec
    result: object
    details: dict
    steps: dict
    waivers: list
    can_waive: bool


def person_page(actor, person_id, *, profile: str | None, as_of: dt.date) -> PersonPage:
    """One person's readiness for a profile (theirs by default) on a date, with the evidence behind each
    requirement, what to do next, and their waivers."""
    person = scoping.get_scoped(actor, "person", person_id, "readiness.view_person")
    assigned = profiles_for_person(person)
    profiles, spec = choose_profile(profile or (assigned[0] if assigned else None))
    profile_code = spec.code
    result = engine.evaluate_person(person.id, spec, as_of)
    return PersonPage(person, profiles, assigned, profile_code, spec, result, evidence_details(result),
                      {r.key: next_step(r, spec) for r in result.requirements},
                      services.list_waivers(actor, person.id),
                      scoping.in_scope(actor, "person", person, "waiver.grant"))


@dataclass
class ExportData:
    summary: aggregate.ScopeReadiness
    people: dict
    unit: Unit | None
    profile_code: str
    nation: tuple[str, str] | None = None


def export_data(actor, *, profile: str | None, as_of: dt.date, unit_id, thresholds: Thresholds,
                nation: str | None = None) -> ExportData:
    """Everything a readiness report holds for the actor's scope (or one unit's subtree, or one nation's units):
    figures and every person's standing."""
    unit = scoping.get_scoped(actor, "unit", unit_id, "readiness.view") if unit_id else None
    chosen = get_nation(actor, nation) if nation and unit is None else None
    _profiles, spec = choose_profile(profile, actor)
    summary = aggregate.scope_readiness(actor, spec, as_of, unit=unit, thresholds=thresholds,
                                        nation=chosen[0] if chosen else None)
    return ExportData(summary, listing.people_rows(summary.people.keys()), unit, spec.code, chosen)


def report_scope(actor, *, profile: str | None, as_of: dt.date, unit_id, thresholds: Thresholds,
                 nation: str | None = None):
    """(figures, whom to list) of the PDF report of the actor's scope (or one unit's subtree, or one nation's units):
    the figures from the shared cache when nothing changed, the people read as the report is written
    (report_rows.py)."""
    from trainer.readiness.report_rows import ReportScope

    unit = scoping.get_scoped(actor, "unit", unit_id, "readiness.view") if unit_id else None
    chosen = get_nation(actor, nation) if nation and unit is None else None
    _profiles, spec = choose_profile(profile, actor)
    profile_code = spec.code
    condition = profile_condition(profile_code)

    def compute():
        summary = aggregate.scope_readiness(actor, spec, as_of, unit=unit, with_people=False, thresholds=thresholds,
                                            condition=condition, nation=chosen[0] if chosen else None)
        return summary, figures_cache.summary_figures(summary)

    key = figures_cache.key_for(actor, "readiness.view", page="report", profile=profile_code, as_of=as_of,
                                unit=unit.id if unit is not None else None, nation=chosen[0] if chosen else None)
    summary = figures_cache.cached(key, compute, lambda figures: figures_cache.summary_from(figures, spec, thresholds))
    return ExportData(summary, {}, unit, profile_code, chosen), ReportScope(actor, spec, as_of, unit=unit,
                                                                             nation=chosen[0] if chosen else None,
                                                                             condition=condition)


def deployment_units(actor) -> list:
    """(id, nation, code, name) of the units the actor may send on a deployment."""
    return list(db.session.execute(select(Unit.id, Unit.nation_code, Unit.code, Unit.name).where(
        scoping.scope_condition(actor, "unit", "deployment.manage")).order_by(Unit.nation_code, Unit.path)))


def get_person_for_waiver(actor, person_id) -> Person:
    return scoping.get_scoped(actor, "person", person_id, "waiver.grant")
