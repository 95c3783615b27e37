"""What a person is told about their part in an exercise: nominated, confirmed, declined or withdrawn.

Each message is written per recipient, in the language of their account (trainer.auth.notifications
renders it once per account), with the exercise's dates in its local time.
"""
from __future__ import annotations

import zoneinfo

from babel.dates import format_datetime
from flask_babel import get_locale

from trainer.auth.notifications import notify_people
from trainer.exercises.models import Exercise, Participant, ParticipantRole

DATE_PATTERN = "d MMM y HH:mm"


def _when(ex: Exercise) -> dict[str, str]:
    """The exercise's start and end in its local time, written for the language being rendered."""
    zone = zoneinfo.ZoneInfo(ex.timezone)
    locale = get_locale() or "en"
    return {"start": format_datetime(ex.start_at, DATE_PATTERN, tzinfo=zone, locale=locale),
            "end": format_datetime(ex.end_at, DATE_PATTERN, tzinfo=zone, locale=locale),
            "zone": ex.timezone}


def _facts(ex: Exercise, participant: Participant) -> dict[str, str]:
    return {"code": ex.code, "title": ex.title, "lead": ex.lead_nation_code,
            "role": ParticipantRole(participant.role).label.lower(), "place": ex.location_name or ex.timezone, **_when(ex)}


def _key(ex: Exercise, participant: Participant, what: str) -> str:
    """One notice per decision: a nomination made again after a decline is a new one."""
    at = participant.decided_at if what != "nominated" else participant.nominated_at
    return f"exercise:{ex.id}:participant:{participant.id}:{what}:{at:%Y%m%dT%H%M%S%f}" if at else \
        f"exercise:{ex.id}:participant:{participant.id}:{what}"


def _tell(ex: Exercise, participant: Participant, what: str, words, link: str | None = None) -> int:
    """Tell the participant's person about a step of their part: `words(gettext, facts)` gives the subject and
    the text, in the recipient's language."""
    return notify_people([participant.person_id], f"exercise.{what}", _key(ex, participant, what),
                         lambda gettext: words(gettext, _facts(ex, participant)), link=link)


def tell_nominated(ex: Exercise, participant: Participant) -> int:
    return _tell(ex, participant, "nominated", lambda gettext, facts: (
        gettext("Nominated for exercise %(code)s", **facts),
        gettext("You were nominated as %(role)s for %(code)s — %(title)s, from %(start)s to %(end)s "
                "(%(zone)s time), %(place)s. The lead nation (%(lead)s) confirms or declines the "
                "nomination; you will be told.", **facts)))


def tell_confirmed(ex: Exercise, participant: Participant) -> int:
    return _tell(ex, participant, "confirmed", lambda gettext, facts: (
        gettext("Confirmed for exercise %(code)s", **facts),
        gettext("Your part as %(role)s in %(code)s — %(title)s is confirmed: from %(start)s to %(end)s "
                "(%(zone)s time), %(place)s.", **facts)), link=f"/exercises/{ex.id}")


def tell_declined(ex: Exercise, participant: Participant) -> int:
    return _tell(ex, participant, "declined", lambda gettext, facts: (
        gettext("Nomination for exercise %(code)s declined", **facts),
        gettext("The lead nation (%(lead)s) declined your nomination as %(role)s for %(code)s — %(title)s "
                "(from %(start)s to %(end)s, %(zone)s time). Your training officer can tell you more.", **facts)))


def tell_withdrawn(ex: Exercise, participant: Participant) -> int:
    return _tell(ex, participant, "withdrawn", lambda gettext, facts: (
        gettext("Withdrawn from exercise %(code)s", **facts),
        gettext("You no longer take part as %(role)s in %(code)s — %(title)s (from %(start)s to %(end)s, "
                "%(zone)s time): you were withdrawn. Your training officer can tell you more.", **facts)))
