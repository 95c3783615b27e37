"""The enumerations that several domains share, defined once.

Rating scales are separate enumerations and are never converted into each other.
"""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry their label: `DRAFT = "draft", _l("Draft")`. The label is a lazy string,
    read in the reader's language when shown; the stored value is the first item alone."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.lazy_label = label
        return member

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @property
    def position(self) -> int:
        """The member's place in the order the members are declared, from 0."""
        return list(type(self)).index(self)

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """(value, lazy label) pairs, for form choices built at import."""
        return [(member.value, member.lazy_label) for member in cls]


class ParticipantRole(LabelledEnum):
    """The part a person holds in one exercise (not an account's role)."""
    PLAYER = "player", _l("Player")
    CONTROLLER = "controller", _l("Controller")
    EVALUATOR = "evaluator", _l("Evaluator")
    LEAD_EVALUATOR = "lead_evaluator", _l("Lead evaluator")
    OBSERVER = "observer", _l("Observer")
    TRUSTED_AGENT = "trusted_agent", _l("Trusted agent")
    EXERCISE_DIRECTOR = "exercise_director", _l("Exercise director")


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


class ExerciseType(LabelledEnum):
    """HSEEP exercise types. Military names map onto them (see MILITARY_ALIASES)."""

    SEMINAR = "seminar", _l("Seminar")
    WORKSHOP = "workshop", _l("Workshop")
    TABLETOP = "tabletop", _l("Tabletop exercise (TTX)")
    GAME = "game", _l("Game")
    DRILL = "drill", _l("Drill")
    FUNCTIONAL = "functional", _l("Functional exercise (FE) / CPX")
    FULL_SCALE = "full_scale", _l("Full-scale exercise (FSE) / FTX, LIVEX")

    @property
    def discussion_based(self) -> bool:
        return self in {ExerciseType.SEMINAR, ExerciseType.WORKSHOP, ExerciseType.TABLETOP, ExerciseType.GAME}

# Military exercise names and the HSEEP type each maps to.
MILITARY_ALIASES = {
    "CPX": ExerciseType.FUNCTIONAL,
    "FTX": ExerciseType.FULL_SCALE,
    "LIVEX": ExerciseType.FULL_SCALE,
}


class Rating(LabelledEnum):
    """HSEEP performance ratings for exercise objectives, best first."""

    P = "P", _l("Performed without challenges")
    S = "S", _l("Performed with some challenges")
    M = "M", _l("Performed with major challenges")
    U = "U", _l("Unable to be performed")

    @property
    def definition(self) -> str:
        return str(RATING_DEFINITIONS[self])

    @property
    def needs_narrative(self) -> bool:
        return self in {Rating.M, Rating.U}

    @property
    def rank(self) -> int:
        """0 for P (best) to 3 for U (worst)."""
        return self.position

    def at_least(self, minimum: "Rating") -> bool:
        return self.rank <= minimum.rank


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
