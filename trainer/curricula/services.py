"""Importing curricula into the database (all or nothing, idempotent) and reading them back."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from trainer.audit.services import record_event
from trainer.curricula.loader import N_, Curriculum, ModuleSpec, Problem, load_curricula, load_zip
from trainer.curricula.models import Lesson, Module, Pack, Question, ReadinessProfile
from trainer.curricula.reading import Languages, languages_of
from trainer.errors import NotFound
from trainer.extensions import db


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    modules_added: list[str] = field(default_factory=list)      # "HR-01 1.0"
    modules_unchanged: list[str] = field(default_factory=list)
    packs_changed: list[str] = field(default_factory=list)
    profiles_added: list[str] = field(default_factory=list)
    profiles_changed: list[str] = field(default_factory=list)
    profiles_unchanged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(self.modules_added or self.packs_changed or self.profiles_added or self.profiles_changed)

    def summary(self) -> str:
        if not self.ok:
            return ngettext("%(num)d problem; nothing was imported.", "%(num)d problems; nothing was imported.",
                            len(self.problems))
        return _("%(added)d module version(s) added, %(unchanged)d unchanged; %(p_added)d profile(s) added, "
                 "%(p_changed)d changed, %(p_unchanged)d unchanged; %(packs)d pack(s) added or changed.",
                 added=len(self.modules_added), unchanged=len(self.modules_unchanged),
                 p_added=len(self.profiles_added), p_changed=len(self.profiles_changed),
                 p_unchanged=len(self.profiles_unchanged), packs=len(self.packs_changed))


def known_module_codes() -> set[str]:
    return set(db.session.scalars(select(Module.code).distinct()))


def check_against_database(curriculum: Curriculum) -> list[Problem]:
    """The same code and version must never arrive with different content; versions only go up."""
    problems = []
    if not curriculum.modules:
        return problems
    codes = {m.code for m in curriculum.modules}
    existing = {(m.code, m.version): m for m in db.session.scalars(select(Module).where(Module.code.in_(codes)))}
    for spec in curriculum.modules:
        row = existing.get((spec.code, spec.version))
        if row is not None and row.content_hash != spec.content_hash:
            problems.append(Problem(spec.file, spec.version_line,
                                    N_("%(code)s version %(version)s is already imported with different content; "
                                       "raise the version (MINOR for corrections, MAJOR when people must retrain)"),
                                    code=spec.code, version=spec.version))
    return problems


def validate_paths(paths) -> Curriculum:
    curriculum = load_curricula(paths, known_modules=known_module_codes())
    curriculum.problems.extend(check_against_database(curriculum))
    return curriculum


def import_curriculum(actor, curriculum: Curriculum) -> ImportReport:
    """Write a validated curriculum. Nothing is written while there is any problem."""
    report = ImportReport(problems=list(curriculum.problems))
    if report.ok:
        report.problems.extend(check_against_database(curriculum))
    if not report.ok:
        return report
    for pack in curriculum.packs:
        row = db.session.get(Pack, pack.code)
        if row is None:
            db.session.add(Pack(code=pack.code, title=pack.title, summary=pack.summary, sources=pack.sources,
                                module_codes=pack.module_codes, content_hash=pack.content_hash))
            report.packs_changed.append(pack.code)
        elif row.content_hash != pack.content_hash:
            row.title, row.summary, row.sources = pack.title, pack.summary, pack.sources
            row.module_codes, row.content_hash = pack.module_codes, pack.content_hash
            report.packs_changed.append(pack.code)
    for spec in curriculum.modules:
        existing = db.session.scalar(select(Module).where(Module.code == spec.code, Module.version == spec.version))
        if existing is not None:
            report.modules_unchanged.append(f"{spec.code} {spec.version}")
            continue
        module = _add_module(spec)
        report.modules_added.append(f"{spec.code} {spec.version}")
        record_event(actor, "module.import", module, after={"code": spec.code, "version": spec.version,
                                                              "content_hash": spec.content_hash})
    for code in {m.code for m in curriculum.modules}:
        _mark_current(code)
    for spec in curriculum.profiles:
        row = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == spec.code))
        values = spec.canonical()
        if row is None:
            row = ReadinessProfile(**values, content_hash=spec.content_hash)
            db.session.add(row)
            db.session.flush()
            report.profiles_added.append(spec.code)
            record_event(actor, "profile.import", row, after={"code": spec.code, "content_hash": spec.content_hash})
        elif row.content_hash != spec.content_hash:
            before = {"content_hash": row.content_hash, "required_modules": row.required_modules}
            for key, value in values.items():
                setattr(row, key, value)
            row.content_hash = spec.content_hash
            report.profiles_changed.append(spec.code)
            record_event(actor, "profile.update", row, before=before,
                         after={"content_hash": spec.content_hash, "required_modules": spec.required_modules})
        else:
            report.profiles_unchanged.append(spec.code)
    if report.changed:
        record_event(actor, "curricula.import", object_type="curricula", object_id="import",
                     after={"modules_added": report.modules_added, "profiles_added": report.profiles_added,
                            "profiles_changed": report.profiles_changed, "packs_changed": report.packs_changed}, checkpoint=True)
    db.session.flush()
    return report


def _add_module(spec: ModuleSpec) -> Module:
    module = Module(code=spec.code, version=spec.version, major=spec.major, minor=spec.minor,
                    content_hash=spec.content_hash, pack_code=spec.pack_code, title=spec.title, summary=spec.summary,
                    audience=spec.audience, validity_months=spec.validity_months, pass_mark=spec.pass_mark,
                    questions_per_attempt=spec.questions_per_attempt, retrain_on_major=spec.retrain_on_major,
                    prerequisites=spec.prerequisites, objectives=spec.objectives, is_current=False)
    for position, lesson in enumerate(spec.lessons, start=1):
        module.lessons.append(Lesson(position=position, slug=lesson.slug, title=lesson.title, minutes=lesson.minutes,
                                     body_en=lesson.body_en, body_fr=lesson.body_fr, sources=lesson.sources))
    for question in spec.questions:
        module.questions.append(Question(key=question.key, stem=question.stem, options=question.options,
                                         correct=question.correct, explanation=question.explanation,
                                         source=question.source, must_pass=question.must_pass))
    db.session.add(module)
    db.session.flush()
    return module


def _mark_current(code: str) -> None:
    rows = db.session.execute(select(Module.id, Module.major, Module.minor).where(Module.code == code)).all()
    newest = max(rows, key=lambda r: (r.major, r.minor)).id
    db.session.execute(update(Module).where(Module.code == code, Module.id != newest, Module.is_current.is_(True))
                       .values(is_current=False))
    db.session.execute(update(Module).where(Module.id == newest, Module.is_current.is_(False)).values(is_current=True))
    db.session.expire_all()


def import_paths(actor, paths) -> ImportReport:
    return import_curriculum(actor, load_curricula(paths, known_modules=known_module_codes()))


def import_zip(actor, data: bytes, filename: str) -> ImportReport:
    return import_curriculum(actor, load_zip(data, filename, known_modules=known_module_codes()))


# --- reads ----------------------------------------------------------------------------------

def list_current_modules() -> list[Module]:
    return list(db.session.scalars(select(Module).where(Module.is_current.is_(True)).order_by(Module.code)))


def list_versions(code: str) -> list[Module]:
    return list(db.session.scalars(select(Module).where(Module.code == code)
                                   .order_by(Module.major.desc(), Module.minor.desc())))


def version_numbers() -> dict[str, list[str]]:
    """Every module code -> its version numbers, newest first, in one query (for the catalogue page)."""
    versions: dict[str, list[str]] = {}
    for code, version in db.session.execute(select(Module.code, Module.version)
                                            .order_by(Module.code, Module.major.desc(), Module.minor.desc())):
        versions.setdefault(code, []).append(version)
    return versions


def get_module(code: str, version: str | None = None) -> Module:
    query = select(Module).where(Module.code == code)
    query = query.where(Module.version == version) if version else query.where(Module.is_current.is_(True))
    module = db.session.scalar(query)
    if module is None:
        raise NotFound(_("There is no module %(code)s version %(version)s.", code=code, version=version) if version
                       else _("There is no module %(code)s.", code=code))
    return module


@dataclass
class CatalogueEntry:
    module: Module
    lessons: int
    minutes: int
    languages: Languages


# A module version's rows are never changed once imported (a new version is a new row), so its lesson count,
# reading time and languages are worked out once per process, keyed by its id and content hash.
_TALLIES: dict[tuple[int, str], tuple[int, int, Languages]] = {}


def list_catalogue() -> list[CatalogueEntry]:
    """The current modules with their lesson count, reading time and languages (lesson bodies are not loaded; the
    lessons and questions of a module version are read once per process)."""
    modules = list_current_modules()
    missing = [m for m in modules if (m.id, m.content_hash) not in _TALLIES]
    if missing:
        _TALLIES.update(_tallies(missing))
    return [CatalogueEntry(m, *_TALLIES[(m.id, m.content_hash)]) for m in modules]


def _tallies(modules: list[Module]) -> dict[tuple[int, str], tuple[int, int, Languages]]:
    ids = [m.id for m in modules]
    lessons: dict[int, list] = {i: [] for i in ids}
    questions: dict[int, list] = {i: [] for i in ids}
    has_french = func.coalesce(func.length(Lesson.body_fr), 0) > 0
    for module_id, title, minutes, french in db.session.execute(
            select(Lesson.module_id, Lesson.title, Lesson.minutes, has_french).where(Lesson.module_id.in_(ids))):
        lessons[module_id].append(SimpleNamespace(title=title, minutes=minutes, body_fr=french))
    for module_id, stem, options in db.session.execute(
            select(Question.module_id, Question.stem, Question.options).where(Question.module_id.in_(ids))):
        questions[module_id].append(SimpleNamespace(stem=stem, options=options))
    return {(m.id, m.content_hash): (len(lessons[m.id]), sum(lesson.minutes for lesson in lessons[m.id]),
                                     languages_of(m, lessons=lessons[m.id], questions=questions[m.id]))
            for m in modules}


def list_packs() -> list[Pack]:
    return list(db.session.scalars(select(Pack).order_by(Pack.code)))


def list_profiles() -> list[ReadinessProfile]:
    return list(db.session.scalars(select(ReadinessProfile).order_by(ReadinessProfile.code)))


def get_profile(code: str) -> ReadinessProfile:
    profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == code))
    if profile is None:
        raise NotFound(_("There is no readiness profile %(code)s.", code=code))
    return profile
