"""A full rebuild computes every stretch with the fast code of sweeps.py; it must give exactly the stretches of the
reference (states.timeline: each requirement judged by the engine's rules on each of its change dates, then swept
together), on every kind of history: renewals, overlaps, new major versions, waivers granted and revoked,
exercises in and out of their window, and dates at the ends of the calendar."""
import datetime as dt
import random

from trainer.readiness import states
from trainer.readiness.intervals import interval_tuples
from trainer.readiness.reach import Reach

MODULES = ("HR-01", "HR-02", "SEA", "CIV")
PROFILES = [
    states.Profile("ALL", ("HR-01", "HR-02", "SEA"), ("functional", "live"), 6, "S"),
    states.Profile("TWICE", ("CIV", "HR-01", "CIV"), (), None, None),          # a module named twice counts once
    states.Profile("EXERCISE", (), ("functional",), 1, "P"),
    states.Profile("OPEN", (), (), None, None),                                 # asks for nothing
    states.Profile("BAD-OUTCOME", ("SEA",), ("functional",), 3, "Z"),          # no rating is good enough
]
EPOCH = dt.date(2024, 1, 1)


def _day(rng, spread=900):
    return EPOCH + dt.timedelta(days=rng.randrange(-spread, spread))


def _history(rng, person_id, ids):
    """Random completions (id, person, module, major, version, completed_on, valid_until), waivers (id, person,
    requirement, granted_on, expires_on, revoked_at) and credits (person, type, rating, ended_on)."""
    completions, waivers, credits = [], [], []
    for _ in range(rng.choice((0, 1, 1, 2, 3, 5))):
        done = _day(rng)
        until = done + dt.timedelta(days=rng.choice((0, 30, 200, 365, 730)))
        completions.append((next(ids), person_id, rng.choice(MODULES), rng.choice((1, 1, 2)), "1.0", done, until))
    if rng.random() < 0.1:  # the same day twice, or a completion valid to the end of the calendar
        done = _day(rng)
        completions.append((next(ids), person_id, "HR-01", 1, "1.0", done, done + dt.timedelta(days=100)))
        completions.append((next(ids), person_id, "HR-01", 1, "1.1", done, states.LAST_DAY))
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        granted = _day(rng)
        revoked = None
        if rng.random() < 0.3:
            revoked = dt.datetime.combine(granted + dt.timedelta(days=rng.randrange(-5, 60)), dt.time(12),
                                          tzinfo=dt.timezone.utc)
        waivers.append((next(ids), person_id, rng.choice(MODULES + ("exercise",)), granted,
                        granted + dt.timedelta(days=rng.choice((0, 20, 90))), revoked))
    for _ in range(rng.choice((0, 0, 1, 2, 4))):
        credits.append((person_id, rng.choice(("functional", "live", "tabletop")), rng.choice("PSMU"), _day(rng)))
    return completions, waivers, credits


def _reference(profiles, interval_rows, credit_rows, reach):
    """timeline() for every person and profile reaching them, person by person."""
    spans, credits = {}, {}
    for person_id, requirement, basis, start_on, end_on, cut, *_ in interval_rows:
        spans.setdefault(person_id, {}).setdefault(requirement, []).append(
            states._Span(start_on, end_on, basis, cut))
    for person_id, kind, rating, ended_on in credit_rows:
        credits.setdefault(person_id, []).append((kind, rating, ended_on))
    rows = []
    for person_id in sorted(spans.keys() | credits.keys()):
        for profile in profiles:
            if reach is not None and profile.code not in reach.profiles_of(person_id):
                continue
            good = profile.good_ratings()
            days = sorted({ended for kind, rating, ended in credits.get(person_id, ())
                           if kind in profile.exercise_types and rating in good})
            rows += [(person_id, profile.code, *row) for row in states.timeline(profile, spans.get(person_id, {}), days)]
    return rows


def test_the_fast_stretches_are_the_reference_stretches_on_random_histories():
    rng = random.Random(20261206)
    ids = iter(range(1, 10 ** 9))
    completions, waivers, credits = [], [], []
    for person_id in range(1, 1501):
        c, w, e = _history(rng, person_id, ids)
        completions += c
        waivers += w
        credits += e
    cutoffs = {"HR-01": [(2, EPOCH)], "SEA": [(2, EPOCH + dt.timedelta(days=200))]}  # new majors retrain
    interval_rows = interval_tuples(completions, waivers, cutoffs)
    for person_id in range(1, 1501, 7):  # spans no completion gives: touching, overlapping, at the calendar's ends
        start = _day(rng)
        for _ in range(rng.randrange(1, 4)):
            end = start + dt.timedelta(days=rng.choice((-1, 0, 5, 40)))
            interval_rows.append((person_id, "SEA", rng.choice(("completion", "completion", "waiver")),
                                  rng.choice((start, states.FIRST_DAY)), rng.choice((end, end, states.LAST_DAY)),
                                  rng.choice((None, "superseded")), 0, None, None, None))
            start = end + dt.timedelta(days=rng.choice((0, 1, 2)))
    rng.shuffle(interval_rows)  # the order rows come in from the database is not the order they were written in
    assert {row[5] for row in interval_rows} == {None, "superseded"}
    reach = Reach(frozenset({"ALL", "OPEN"}), {pid: frozenset(rng.sample([p.code for p in PROFILES], 2))
                                               for pid in range(1, 1501, 3)})

    for limit in (None, reach):
        fast = list(states.stretch_tuples(PROFILES, interval_rows, credits, limit))
        assert fast == _reference(PROFILES, interval_rows, credits, limit)
    # The histories gave every state: ready and not, and each kind of gap.
    assert {ready for *_, ready, _, _ in fast} == {True, False}
    assert {letter for *_, gaps in fast for letter in gaps} == {".", "m", "x", "s"}
    assert {code for _, code, *_ in fast} == {"ALL", "TWICE", "EXERCISE", "BAD-OUTCOME"}
