"""Demo curricula: the shipped packs and profiles, plus an older major version of one module so that
the demo shows completions that a new major version has made stop counting."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from trainer import ROOT
from trainer.curricula import services
from trainer.curricula.models import Lesson, Module, Question
from trainer.errors import Invalid

# The module given a synthetic older major version (1.0, before the 2.0 rewrite) in the demo.
OLD_MAJOR_MODULE = "HR-04"
OLD_VERSION = "1.0"


def seed(ctx) -> None:
    report = services.import_paths(None, [str(ROOT / "curricula")])
    if not report.ok:
        raise Invalid("\n".join([_("The curricula folder does not validate; fix it first:"),
                                  *map(str, report.problems)]))
    add_older_major_version(OLD_MAJOR_MODULE, OLD_VERSION)


def add_older_major_version(code: str, version: str) -> Module | None:
    """A copy of the current module as an older version (not current), for demo completions against it."""
    if db_module(code, version) is not None:
        return db_module(code, version)
    current = services.get_module(code)
    old = Module(code=code, version=version, major=int(version.split(".")[0]), minor=int(version.split(".")[1]),
                 content_hash="demo-older-version-" + current.content_hash[:40], pack_code=current.pack_code,
                 title=current.title, summary=current.summary, audience=current.audience,
                 validity_months=current.validity_months, pass_mark=current.pass_mark,
                 questions_per_attempt=current.questions_per_attempt, retrain_on_major=current.retrain_on_major,
                 prerequisites=current.prerequisites, objectives=current.objectives, is_current=False,
                 imported_at=current.imported_at)
    for lesson in current.lessons:
        old.lessons.append(Lesson(position=lesson.position, slug=lesson.slug, title=lesson.title, minutes=lesson.minutes,
                                  body_en=lesson.body_en, body_fr=lesson.body_fr, sources=lesson.sources))
    for q in current.questions:
        old.questions.append(Question(key=q.key, stem=q.stem, options=q.options, correct=q.correct,
                                      explanation=q.explanation, source=q.source, must_pass=q.must_pass))
    from trainer.extensions import db

    db.session.add(old)
    db.session.flush()
    return old


def db_module(code: str, version: str) -> Module | None:
    from trainer.extensions import db

    return db.session.scalar(select(Module).where(Module.code == code, Module.version == version))
