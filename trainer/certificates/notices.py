"""What a person is told about their certificates: one issued to them (alone or in a unit's batch) and one
revoked. Each account reads it in its own language (trainer.auth.notifications.notify_people)."""
from __future__ import annotations

import datetime as dt

from flask_babel import get_locale
from sqlalchemy import select

from trainer.auth.notifications import notify_people
from trainer.curricula.models import ReadinessProfile, pick
from trainer.extensions import db


def _profile_title(code: str) -> dict | str:
    profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == code))
    return profile.title if profile is not None else {}


def _title(title, code: str) -> str:
    locale = get_locale()
    return pick(title, locale.language if locale is not None else "en") or code


def _day(value: dt.date) -> str:
    from trainer.templating import format_date

    return format_date(value)


def notify_issued(cert) -> int:
    """Tell the holder that a certificate was issued to them, with its serial and last valid day."""
    title, code, serial, until = _profile_title(cert.profile_code), cert.profile_code, cert.serial, cert.valid_until

    def message(gettext):
        name = _title(title, code)
        subject = gettext("Readiness certificate issued: %(title)s", title=name)
        if until is None:
            return subject, gettext("Certificate %(serial)s certifies that you meet the readiness profile %(title)s "
                                    "(%(code)s). Download it, or its Open Badge, from its page.",
                                    serial=serial, title=name, code=code)
        return subject, gettext("Certificate %(serial)s certifies that you meet the readiness profile %(title)s "
                                "(%(code)s). It is valid through %(date)s. Download it, or its Open Badge, from its "
                                "page.", serial=serial, title=name, code=code, date=_day(until))

    return notify_people([cert.person_id], "certificate", f"certificate:issued:{serial}", message,
                         link=f"/certificates/{cert.id}")


def notify_batch_issued(person_ids: list[int], profile_code: str, batch_id: int) -> int:
    """Tell everyone a unit's batch certified (one notification each, written once per language)."""
    title = _profile_title(profile_code)

    def message(gettext):
        name = _title(title, profile_code)
        return (gettext("Readiness certificate issued: %(title)s", title=name),
                gettext("A readiness certificate for the profile %(title)s (%(code)s) was issued to you. "
                        "Your certificates page lists it with its serial and validity.",
                        title=name, code=profile_code))

    return notify_people(person_ids, "certificate", f"certificate:batch:{batch_id}", message, link="/certificates/")


def notify_revoked(cert) -> int:
    """Tell the holder that their certificate was revoked, and why."""
    title, code, serial, reason = (_profile_title(cert.profile_code), cert.profile_code, cert.serial,
                                   cert.revoked_reason or "")

    def message(gettext):
        name = _title(title, code)
        return (gettext("Readiness certificate revoked: %(serial)s", serial=serial),
                gettext("Certificate %(serial)s for the readiness profile %(title)s (%(code)s) was revoked and no "
                        "longer verifies. Reason given: %(reason)s", serial=serial, title=name, code=code,
                        reason=reason))

    return notify_people([cert.person_id], "certificate", f"certificate:revoked:{serial}", message,
                         link=f"/certificates/{cert.id}")
