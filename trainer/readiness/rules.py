"""Pure readiness rules: how one requirement's state on a date follows from its intervals.

No Flask and no database here: the engine feeds these functions plain values. Each state comes with why, as a
reason code and its facts (dates, versions, codes); trainer.readiness.wording puts them into words when they are
read, in the reader's language.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from trainer.calendar_months import add_months


class State:
    MET = "met"
    WAIVED = "waived"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"
    SUPERSEDED = "superseded"
    ON_HOLD = "on_hold"

    COUNTS_AS_MET = frozenset({MET, WAIVED, EXPIRING})
    ALL = (MET, WAIVED, EXPIRING, EXPIRED, MISSING, SUPERSEDED, ON_HOLD)


class Why(NamedTuple):
    """Why a requirement is in its state: a reason code (wording.REASONS) and its facts, worded when read."""
    code: str
    facts: dict


@dataclass(frozen=True)
class Span:
    """A covered stretch, inclusive at both ends."""

    start_on: dt.date
    end_on: dt.date
    basis: str                      # completion | waiver
    source_id: int
    cut: str | None = None          # "superseded" when a new major version ended it early
    module_version: str | None = None
    completed_on: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass
class RequirementStatus:
    kind: str                       # module | exercise | screening
    key: str                        # module code, "exercise" or "screening"
    state: str
    why: Why | str | None           # a reason to word, or one already in words
    valid_until: dt.date | None = None
    evidence: dict | None = None

    @property
    def met(self) -> bool:
        return self.state in State.COUNTS_AS_MET

    @property
    def reason(self) -> str:
        """Why, in the reader's language (worded where the language is known, outside this pure module)."""
        if self.why is None or isinstance(self.why, str):
            return self.why or ""
        from trainer.readiness.wording import word_reason

        return word_reason(self.why)

    @property
    def label(self) -> str:
        """The state in a word, in the reader's language."""
        from trainer.readiness.wording import state_label

        return state_label(self.state)


@dataclass
class PersonReadiness:
    person_id: int
    profile_code: str
    as_of: dt.date
    requirements: list[RequirementStatus] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def gaps(self) -> list[RequirementStatus]:
        return [r for r in self.requirements if not r.met]

    @property
    def valid_until(self) -> dt.date | None:
        """The last day on which everything stays covered (earliest end of the evidence)."""
        ends = [r.valid_until for r in self.requirements if r.valid_until is not None]
        return min(ends) if ends else None


def module_state(spans, as_of: dt.date):
    """(state, span) of one module requirement on `as_of`: the covering completion (MET), else the covering
    waiver (WAIVED), else the last lapsed completion (SUPERSEDED or EXPIRED), else (MISSING, None).
    The core of module_status, without the wording; `spans` need only start_on, end_on, basis and cut."""
    completion = waiver = last = None
    for s in spans:
        if s.start_on <= as_of <= s.end_on:
            if s.basis == "completion":
                if completion is None or s.end_on > completion.end_on:
                    completion = s
            elif waiver is None or s.end_on > waiver.end_on:
                waiver = s
        elif s.basis == "completion" and s.end_on < as_of and (last is None or s.end_on > last.end_on):
            last = s
    if completion is not None:
        return State.MET, completion
    if waiver is not None:
        return State.WAIVED, waiver
    if last is not None:
        return (State.SUPERSEDED if last.cut == "superseded" else State.EXPIRED), last
    return State.MISSING, None


def module_status(code: str, title: str, spans: list[Span], as_of: dt.date, warning_days: int) -> RequirementStatus:
    """State of one module requirement on `as_of` from that person's spans for the module."""
    state, span = module_state(spans, as_of)
    completion = span if state == State.MET else None
    waiver = span if state == State.WAIVED else None
    if completion is not None:
        evidence = _evidence(code, completion)
        days_left = (completion.end_on - as_of).days
        facts = {"title": title, "completed": completion.completed_on, "version": completion.module_version,
                 "until": completion.end_on}
        if days_left < warning_days:
            why = "module.retrain_soon" if completion.cut == "superseded" else "module.expiring"
            return RequirementStatus("module", code, State.EXPIRING, Why(why, {**facts, "days": days_left}),
                                     completion.end_on, evidence)
        return RequirementStatus("module", code, State.MET, Why("module.met", facts), completion.end_on, evidence)
    if waiver is not None:
        return RequirementStatus("module", code, State.WAIVED, Why("module.waived", {"title": title, "until": waiver.end_on}),
                                 waiver.end_on, {"waiver_id": waiver.source_id, "expires_on": waiver.end_on.isoformat()})
    if state in (State.SUPERSEDED, State.EXPIRED):
        last = span
        if state == State.SUPERSEDED:
            return RequirementStatus("module", code, State.SUPERSEDED, Why("module.superseded", {
                "title": title, "version": last.module_version, "since": last.end_on + dt.timedelta(days=1)}),
                None, _evidence(code, last))
        return RequirementStatus("module", code, State.EXPIRED, Why("module.expired", {"title": title, "ended": last.end_on}),
                                 None, _evidence(code, last))
    future = [s for s in spans if s.basis == "completion" and s.start_on > as_of]
    if future:
        return RequirementStatus("module", code, State.MISSING, Why("module.completed_later", {
            "title": title, "date": as_of, "later": min(s.start_on for s in future)}))
    ended = max((s.end_on for s in spans if s.basis == "waiver" and s.end_on < as_of), default=None)
    if ended is not None:
        return RequirementStatus("module", code, State.MISSING, Why("module.waiver_ended", {"title": title, "ended": ended}))
    return RequirementStatus("module", code, State.MISSING, Why("module.missing", {"title": title}))


def _evidence(code: str, span: Span) -> dict:
    return {"completion_id": span.source_id, "module_code": code, "module_version": span.module_version,
            "completed_on": span.completed_on.isoformat() if span.completed_on else None,
            "valid_until": span.end_on.isoformat()}


def screening_status(screening: str) -> RequirementStatus:
    if screening == "cleared":
        return RequirementStatus("screening", "screening", State.MET, Why("screening.cleared", {}))
    if screening == "hold":
        return RequirementStatus("screening", "screening", State.ON_HOLD, Why("screening.hold", {}))
    return RequirementStatus("screening", "screening", State.MISSING, Why("screening.pending", {}))


@lru_cache(maxsize=1)
def _rating_rank() -> dict[str, int]:
    """Each rating's place, best first (listing the enum for every person took a report longer than its rules)."""
    from trainer.enums import Rating

    return {r.value: index for index, r in enumerate(Rating)}


def exercise_status(credits: list[dict], as_of: dt.date, *, types: list[str], within_months: int,
                    min_outcome: str, warning_days: int, waiver: dict | None = None,
                    waiver_ended_on: dt.date | None = None) -> RequirementStatus:
    """State of the exercise requirement from a person's credits (dicts with ended_on, type, rating, ...)."""
    rank = _rating_rank()
    eligible = [c for c in credits if c["exercise_type"] in types
                and rank[c["rating"]] <= rank[min_outcome] and c["ended_on"] <= as_of]
    state, best, until = exercise_state([c["ended_on"] for c in eligible], as_of, within_months=within_months,
                                        waiver_until=waiver["expires_on"] if waiver is not None else None)
    if state == State.MET:
        best = next(c for c in eligible if c["ended_on"] == best)
        evidence = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in best.items()}
        facts = {"code": best["exercise_code"], "type": best["exercise_type"], "rating": best["rating"],
                 "ended": best["ended_on"], "until": until}
        if (until - as_of).days < warning_days:
            return RequirementStatus("exercise", "exercise", State.EXPIRING,
                                     Why("exercise.expiring", {**facts, "days": (until - as_of).days}), until, evidence)
        return RequirementStatus("exercise", "exercise", State.MET, Why("exercise.met", facts), until, evidence)
    if state == State.WAIVED:
        return RequirementStatus("exercise", "exercise", State.WAIVED, Why("exercise.waived", {"until": waiver["expires_on"]}),
                                 waiver["expires_on"], {"waiver_id": waiver["id"]})
    if state == State.EXPIRED:
        last = max(eligible, key=lambda c: c["ended_on"])
        return RequirementStatus("exercise", "exercise", State.EXPIRED, Why("exercise.expired", {
            "code": last["exercise_code"], "ended": last["ended_on"], "months": within_months, "date": as_of}), None)
    facts = {"types": tuple(types), "outcome": min_outcome, "months": within_months, "date": as_of}
    if waiver_ended_on:
        return RequirementStatus("exercise", "exercise", State.MISSING,
                                 Why("exercise.waiver_ended", {**facts, "ended": waiver_ended_on}))
    return RequirementStatus("exercise", "exercise", State.MISSING, Why("exercise.missing", facts))


def exercise_state(ended: list[dt.date], as_of: dt.date, *, within_months: int, waiver_until: dt.date | None):
    """(state, end date of the best current exercise, valid until) of the exercise requirement on `as_of`.

    `ended` are the end dates of the person's qualifying exercises (right type, rated well enough); one
    counts from its end date for `within_months` calendar months. Else a waiver covering `as_of` (WAIVED, its
    expiry), else EXPIRED when a qualifying exercise ended earlier, else MISSING. The core of exercise_status."""
    best = None
    for day in ended:
        if day <= as_of and add_months(day, within_months) >= as_of and (best is None or day > best):
            best = day
    if best is not None:
        return State.MET, best, add_months(best, within_months)
    if waiver_until is not None:
        return State.WAIVED, None, waiver_until
    if any(day <= as_of for day in ended):
        return State.EXPIRED, None, None
    return State.MISSING, None, None
