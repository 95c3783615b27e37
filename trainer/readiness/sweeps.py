"""The readiness stretches of a whole force, computed fast: the rules of states.py's reference functions
(module_changes judged by rules.module_state, sweep, timeline), on plain tuples and without a function call per
requirement and day. A full rebuild computes millions of stretches with these; tests/readiness/test_sweeps.py
holds them equal to the reference on every kind of history.

A span here is (start_on, end_on, is_completion, is_superseded); a requirement's changes are
[(first day, letter, valid until while met)], as in states.py."""
from __future__ import annotations

from trainer.readiness.states import FIRST_DAY, LAST_DAY, ONE_DAY, exercise_changes

NOTHING = ((FIRST_DAY, "m", None),)  # the changes of a module with nothing recorded
_UNSET = object()


def module_changes(spans: list[tuple]) -> list[tuple]:
    """states.module_changes on plain spans: on each day a span starts or ends, the covering completion with the
    latest end (met until its end), else the covering waiver with the latest end, else the last lapsed
    completion (superseded or expired), else missing; ties go to the first span, as in rules.module_state."""
    changes = _successive_completions(spans)
    if changes is not None:
        return changes
    days = {FIRST_DAY}
    for start, end, _, _ in spans:
        days.add(start)
        days.add(end + ONE_DAY if end < LAST_DAY else LAST_DAY)
    out: list[tuple] = []
    last_letter = last_until = _UNSET
    for day in sorted(days):
        met = waived = lapsed = None
        superseded = False
        for start, end, completion, cut in spans:
            if start <= day <= end:
                if completion:
                    if met is None or end > met:
                        met = end
                elif waived is None or end > waived:
                    waived = end
            elif completion and end < day and (lapsed is None or end > lapsed):
                lapsed, superseded = end, cut
        if met is not None:
            letter, until = ".", met
        elif waived is not None:
            letter, until = ".", waived
        elif lapsed is not None:
            letter, until = ("s" if superseded else "x"), None
        else:
            letter, until = "m", None
        if letter != last_letter or until != last_until:
            out.append((day, letter, until))
            last_letter, last_until = letter, until
    return out


def _successive_completions(spans: list[tuple]) -> list[tuple] | None:
    """module_changes() of the history most modules have: completions one after another, each ending before the
    next starts (a renewal cuts the one it renews short), inside the calendar. Missing until the first; met by each
    until its end; from the day after an end to the next start, lapsed (superseded or expired) by the one that
    ended. None for any other history."""
    out = [(FIRST_DAY, "m", None)]
    previous = lapsed = None
    for start, end, completion, cut in spans:
        if not completion or end < start or end >= LAST_DAY or start <= (previous or FIRST_DAY):
            return None
        if previous is not None and start != previous + ONE_DAY:
            out.append((previous + ONE_DAY, lapsed, None))
        out.append((start, ".", end))
        previous, lapsed = end, ("s" if cut else "x")
    if previous is None:
        return None
    out.append((previous + ONE_DAY, lapsed, None))
    return out


def sweep_into(out: list, person_id: int, code: str, requirements: list[list[tuple]], default_gaps: str) -> None:
    """states.sweep for a profile asking for at least one requirement, appending whole rows of readiness_states
    (person_id, code, start_on, end_on, ready, valid_until, gaps) to `out`. Being ready follows from the gaps, and
    the nothing-recorded state is the one whose gaps are all "m"."""
    count = len(requirements)
    events = sorted([(change[0], index, change[1], change[2])
                     for index, changes in enumerate(requirements) for change in changes])
    events.append((None, 0, "", None))  # closes the last day
    letters, untils = ["m"] * count, [None] * count
    everything = "." * count
    start = gaps = until = None
    day = events[0][0]
    for next_day, index, letter, valid_until in events:
        if next_day != day:  # every change of `day` is in: its state
            now = "".join(letters)
            now_until = min(untils) if now == everything else None
            if now != gaps or now_until != until:
                if gaps is not None and gaps != default_gaps:
                    out.append((person_id, code, start, day - ONE_DAY, gaps == everything, until, gaps))
                start, gaps, until = day, now, now_until
            if next_day is None:
                break
            day = next_day
        letters[index] = letter
        untils[index] = valid_until
    if gaps is not None and gaps != default_gaps:
        out.append((person_id, code, start, LAST_DAY, gaps == everything, until, gaps))


def stretch_rows(profiles, interval_rows, credit_rows, reach=None):
    """states.stretch_tuples: rows of readiness_states, person by person in the order of their ids."""
    spans: dict[int, dict[str, list[tuple]]] = {}
    for row in interval_rows:
        person_id, requirement, basis, start_on, end_on, cut = row[:6]
        mine = spans.get(person_id)
        if mine is None:
            mine = spans[person_id] = {}
        span = (start_on, end_on, basis == "completion", cut == "superseded")
        held = mine.get(requirement)
        if held is None:
            mine[requirement] = [span]
        else:
            held.append(span)
    credits: dict[int, list[tuple]] = {}
    for person_id, kind, rating, ended_on in credit_rows:
        credits.setdefault(person_id, []).append((kind, rating, ended_on))
    plans = []
    for profile in profiles:
        if profile.ready_by_default:  # nothing to store: ready (screening apart) whatever is recorded
            continue
        wanted = frozenset(profile.modules) | ({"exercise"} if profile.has_exercise else frozenset())
        exercise = ((profile.exercise_types, frozenset(profile.good_ratings()), profile.within_months)
                    if profile.has_exercise else None)
        plans.append((profile.code, profile.modules, wanted, exercise, profile.default_gaps))
    empty: dict = {}
    for person_id in sorted(spans.keys() | credits.keys()):
        mine = spans.get(person_id, empty)
        held = credits.get(person_id, ())
        reached = reach.profiles_of(person_id) if reach is not None else None
        modules: dict[str, list[tuple]] = {}
        exercises: dict[tuple, list[tuple]] = {}
        out: list[tuple] = []
        for code, wanted_modules, wanted, exercise, default_gaps in plans:
            if reached is not None and code not in reached:
                continue
            if wanted.isdisjoint(mine) and not (exercise is not None and held):
                continue
            requirements = []
            for module in wanted_modules:
                changes = modules.get(module)
                if changes is None:
                    own = mine.get(module)
                    changes = modules[module] = NOTHING if own is None else module_changes(own)
                requirements.append(changes)
            if exercise is not None:
                changes = exercises.get(exercise)
                if changes is None:
                    changes = exercises[exercise] = _exercise(exercise, held, mine.get("exercise", ()))
                requirements.append(changes)
            sweep_into(out, person_id, code, requirements, default_gaps)
        yield from out


def _exercise(exercise: tuple, credits, spans: list[tuple]) -> list[tuple]:
    """The exercise requirement's changes (states.exercise_changes, judged by rules.exercise_state)."""
    types, good, months = exercise
    days = sorted({ended for kind, rating, ended in credits if kind in types and rating in good})
    waivers = [(start, end) for start, end, completion, _ in spans if not completion]
    return exercise_changes(days, waivers, months)
