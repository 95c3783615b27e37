"""What readiness reminders say, in each recipient's language: notifications are stored text, so each is worded
when it is created, with the recipient's language forced (English by default)."""
from __future__ import annotations

from collections import defaultdict

from flask_babel import force_locale, gettext as _, ngettext
from sqlalchemy import select

from trainer.auth.models import User
from trainer.extensions import db
from trainer.readiness.wording import day as word_day, reader_language


def word_rows(rows: list[dict]) -> None:
    """Set each row's subject and body from its "words", in its recipient's language (English by default)."""
    languages = dict(db.session.execute(select(User.id, User.language).where(
        User.id.in_({r["user_id"] for r in rows}))).all())
    by_language: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_language[languages.get(row["user_id"]) or "en"].append(row)
    for language, items in by_language.items():
        with force_locale(language):
            for row in items:
                row["subject"], row["body"] = (str(text) for text in row["words"]())


def _title(title, fallback: str) -> str:
    """A module's or profile's title (a dict by language) in the language being written."""
    if isinstance(title, dict):
        return title.get(reader_language()) or title.get("en") or next(iter(title.values()), fallback)
    return title or fallback


def _name(person) -> str:
    return f"{person.given_names_latin} {person.family_name_latin}"


def module_words(e: dict, days: int, titles: dict, person):
    """(subject, body) of a module's expiry, to the person (`person` None) or about them to an officer."""
    def words():
        code = e["requirement"]
        facts = {"what": f"{code} {_title(titles.get(code), '')}".strip(), "version": e["module_version"],
                 "date": word_day(e["end_on"])}
        if e["cut"] == "superseded":
            body = _("%(what)s (version %(version)s) stops counting after %(date)s: a new major version requires "
                     "retraining. Complete it again before then to stay ready.", **facts)
        else:
            body = _("%(what)s (version %(version)s) stops counting after %(date)s: it expires. Complete it again "
                     "before then to stay ready.", **facts)
        if person is None:
            return ngettext("Your %(code)s expires in %(num)d day", "Your %(code)s expires in %(num)d days", days,
                            code=code), body
        return ngettext("%(name)s (%(nation)s %(number)s): %(code)s expires in %(num)d day",
                        "%(name)s (%(nation)s %(number)s): %(code)s expires in %(num)d days", days,
                        name=_name(person), nation=person.nation_code, number=person.service_number, code=code), body
    return words


def exercise_words(e: dict, days: int, person):
    """(subject, body) of the exercise requirement's expiry, to the person (`person` None) or to an officer."""
    def words():
        body = _("The exercise requirement (%(profiles)s) stops being met after %(date)s: the last qualifying exercise "
                 "ended %(ended)s. Take part in an exercise with an adjudicated outcome that counts before then to "
                 "stay ready.", profiles=", ".join(_title(title, code) for title, code in e["profiles"]),
                 date=word_day(e["end_on"]), ended=word_day(e["ended_on"]))
        if person is None:
            return ngettext("Your exercise requirement expires in %(num)d day",
                            "Your exercise requirement expires in %(num)d days", days), body
        return ngettext("%(name)s (%(nation)s %(number)s): exercise requirement expires in %(num)d day",
                        "%(name)s (%(nation)s %(number)s): exercise requirement expires in %(num)d days", days,
                        name=_name(person), nation=person.nation_code, number=person.service_number), body
    return words


def nomination_words(exercise, count: int):
    def words():
        return (ngettext("%(code)s: %(num)d nomination waiting for confirmation",
                         "%(code)s: %(num)d nominations waiting for confirmation", count, code=exercise.code),
                ngettext("%(title)s: %(num)d nominated participant waits for the lead nation to confirm or decline them.",
                         "%(title)s: %(num)d nominated participants wait for the lead nation to confirm or decline them.",
                         count, title=exercise.title))
    return words


def improvement_words(item):
    def words():
        return (_("Overdue improvement item (%(code)s), due %(date)s", code=item.exercise_code, date=word_day(item.due_on)),
                _("Finding: %(finding)s\nCorrective action: %(action)s", finding=item.finding,
                  action=item.corrective_action))
    return words
