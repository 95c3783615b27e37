"""The enumerations that several domains share, defined once.

Rating scales are separate enumerations and are never converted into each other.
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class ParticipantRole(StrEnum):
    """The part a person holds in one exercise (not an account's role)."""
    PLAYER = "player"
    CONTROLLER = "controller"
    EVALUATOR = "evaluator"
    LEAD_EVALUATOR = "lead_evaluator"
    OBSERVER = "observer"
    TRUSTED_AGENT = "trusted_agent"
    EXERCISE_DIRECTOR = "exercise_director"

    @property
    def label(self) -> str:
        return str(PARTICIPANT_ROLE_LABELS[self])


PARTICIPANT_ROLE_LABELS = {
    ParticipantRole.PLAYER: _l("Player"),
    ParticipantRole.CONTROLLER: _l("Controller"),
    ParticipantRole.EVALUATOR: _l("Evaluator"),
    ParticipantRole.LEAD_EVALUATOR: _l("Lead evaluator"),
    ParticipantRole.OBSERVER: _l("Observer"),
    ParticipantRole.TRUSTED_AGENT: _l("Trusted agent"),
    ParticipantRole.EXERCISE_DIRECTOR: _l("Exercise director"),
}


class Role(StrEnum):
    ADMIN = "admin"
    TRAINING_OFFICER = "training_officer"
    EVALUATOR = "evaluator"
    COMMANDER = "commander"
    TRAINEE = "trainee"

    @property
    def label(self) -> str:
        from trainer.auth.labels import role_label

        return role_label(self)


class ScopeKind(StrEnum):
    MISSION = "mission"   # everything
    NATION = "nation"     # one nation (ISO 3166-1 alpha-3)
    UNIT = "unit"         # a unit and its sub-units
    SELF = "self"         # a trainee's own linked person
    EXERCISES = "exercises"  # an evaluator: the exercises where their person is a confirmed evaluator


class Category(StrEnum):
    MILITARY = "military"
    POLICE = "police"
    CIVILIAN = "civilian"


class Screening(StrEnum):
    PENDING = "pending"
    CLEARED = "cleared"
    HOLD = "hold"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    LEFT_SERVICE = "left_service"


class UnitKind(StrEnum):
    CONTINGENT = "contingent"
    BATTALION = "battalion"
    COMPANY = "company"
    PLATOON = "platoon"
    FORMED_POLICE_UNIT = "formed_police_unit"
    STAFF = "staff"
    TRAINING_CENTRE = "training_centre"


class ExerciseType(StrEnum):
    """HSEEP exercise types. Military names map onto them (see MILITARY_ALIASES)."""

    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    TABLETOP = "tabletop"
    GAME = "game"
    DRILL = "drill"
    FUNCTIONAL = "functional"
    FULL_SCALE = "full_scale"

    @property
    def label(self) -> str:
        return str(EXERCISE_TYPE_LABELS[self])

    @property
    def discussion_based(self) -> bool:
        return self in {ExerciseType.SEMINAR, ExerciseType.WORKSHOP, ExerciseType.TABLETOP, ExerciseType.GAME}


EXERCISE_TYPE_LABELS = {
    ExerciseType.SEMINAR: _l("Seminar"),
    ExerciseType.WORKSHOP: _l("Workshop"),
    ExerciseType.TABLETOP: _l("Tabletop exercise (TTX)"),
    ExerciseType.GAME: _l("Game"),
    ExerciseType.DRILL: _l("Drill"),
    ExerciseType.FUNCTIONAL: _l("Functional exercise (FE) / CPX"),
    ExerciseType.FULL_SCALE: _l("Full-scale exercise (FSE) / FTX, LIVEX"),
}

# Military exercise names and the HSEEP type each maps to.
MILITARY_ALIASES = {
    "CPX": ExerciseType.FUNCTIONAL,
    "FTX": ExerciseType.FULL_SCALE,
    "LIVEX": ExerciseType.FULL_SCALE,
}


class Rating(StrEnum):
    """HSEEP performance ratings for exercise objectives, best first."""

    P = "P"
    S = "S"
    M = "M"
    U = "U"

    @property
    def label(self) -> str:
        return str(RATING_LABELS[self])

    @property
    def definition(self) -> str:
        return str(RATING_DEFINITIONS[self])

    @property
    def needs_narrative(self) -> bool:
        return self in {Rating.M, Rating.U}

    @property
    def rank(self) -> int:
        """0 for P (best) to 3 for U (worst)."""
        return list(Rating).index(self)

    def at_least(self, minimum: "Rating") -> bool:
        return self.rank <= minimum.rank


RATING_LABELS = {
    Rating.P: _l("Performed without challenges"),
    Rating.S: _l("Performed with some challenges"),
    Rating.M: _l("Performed with major challenges"),
    Rating.U: _l("Unable to be performed"),
}

RATING_DEFINITIONS = {
    Rating.P: _l(
        "The targets and critical tasks associated with the capability were completed in a manner that "
        "achieved the objective(s) and did not negatively impact the performance of other activities. "
        "Performance did not contribute to additional health and/or safety risks, and was conducted in "
        "accordance with applicable plans, policies, procedures, regulations and laws."
    ),
    Rating.S: _l(
        "The targets and critical tasks were completed in a manner that achieved the objective(s) and did "
        "not negatively impact other activities or add health and/or safety risks, and were conducted in "
        "accordance with applicable plans, policies, procedures, regulations and laws. However, opportunities "
        "to enhance effectiveness and/or efficiency were identified."
    ),
    Rating.M: _l(
        "The targets and critical tasks were completed in a manner that achieved the objective(s), but some "
        "or all of the following were observed: a negative impact on other activities, added health and/or "
        "safety risks, or conduct not in accordance with applicable plans, policies, procedures, regulations "
        "and laws."
    ),
    Rating.U: _l("The targets and critical tasks associated with the capability were not performed in a manner "
                 "that achieved the objective(s)."),
}

# Ratings that count towards readiness when adjudicated.
CREDITING_RATINGS = frozenset({Rating.P, Rating.S})
