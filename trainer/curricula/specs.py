"""What a curriculum is made of once read: packs, modules (lessons, questions), profiles, the problems found
and the warnings given. Pure: no Flask, no database."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

MAX_FILE_BYTES = 256 * 1024
MAX_ZIP_BYTES = 5 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNCOMPRESSED = 50 * 1024 * 1024

PACK_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
MODULE_CODE = re.compile(r"^[A-Z]{2,5}-[0-9]{2}$")
PROFILE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
VERSION = re.compile(r"^(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$")
SLUG = re.compile(r"^(?=.{1,80}$)[a-z0-9]+(-[a-z0-9]+)*$")                 # lessons.slug is 80 characters
QUESTION_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,40}$")                   # questions.key is 40 characters
SOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
LANGUAGES = ("en", "fr")
ANSWERS = "ABCD"
OUTCOMES = ("P", "S")



# --- results --------------------------------------------------------------------------------

def N_(message: str) -> str:
    """Marks a message for translation; it is worded in the reader's language where it is shown."""
    return message


def _worded(value):
    return value if isinstance(value, (int, float)) else str(value)


class Message:
    """A sentence kept as its message id (marked with N_) and its parameters, worded with gettext in the
    language of whoever reads it: the page's language on the web, the operator's in the CLI. Parameters that
    are themselves a Message or a Joined are worded too; the others (file names, codes, keys) are data."""
    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params):
        self.msgid, self.params = msgid, params

    def __str__(self) -> str:
        from flask_babel import gettext  # at display time: outside an application it leaves the English

        return gettext(self.msgid, **{k: _worded(v) for k, v in self.params.items()})

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and (self.msgid, self.params) == (other.msgid, other.params)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.msgid!r}, **{self.params!r})"


class Joined:
    """Worded parts joined by a separator (a list inside a sentence)."""

    def __init__(self, separator: str, parts):
        self.separator, self.parts = separator, list(parts)

    def __str__(self) -> str:
        return self.separator.join(str(p) for p in self.parts)

    def __eq__(self, other) -> bool:
        return isinstance(other, Joined) and (self.separator, self.parts) == (other.separator, other.parts)


class Problem(Message):
    """A problem (or a warning) in a file, at a line when there is one."""
    __slots__ = ("file", "line")

    def __init__(self, file: str, line: int | None, msgid: str, /, **params):
        super().__init__(msgid, **params)
        self.file, self.line = file, line

    @property
    def message(self) -> str:
        return Message.__str__(self)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Problem) and (self.file, self.line) == (other.file, other.line) \
            and Message.__eq__(self, other)

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.msgid))

    def __repr__(self) -> str:
        return f"Problem({self.file!r}, {self.line!r}, {self.msgid!r}, **{self.params!r})"


@dataclass
class LessonSpec:
    slug: str
    title: dict
    minutes: int
    body_en: str
    body_fr: str | None
    sources: list[dict]  # [{"id": "S3", "text": "..."}]


@dataclass
class QuestionSpec:
    key: str
    stem: dict
    options: list[dict]
    correct: int  # 0..3, in the order written
    explanation: dict
    source: str
    must_pass: bool
    # Which of the module's learning objectives (1-based) the question tests, and whether it asks for a
    # bare fact (a date, symbol or document number) rather than a decision. Left out of the content
    # hash when unset, so that adding these fields did not change the hash of existing versions.
    objectives: list[int] = field(default_factory=list)
    recall: bool = False

    def canonical(self) -> dict:
        values = vars(self).copy()
        for key in ("objectives", "recall"):
            if not values[key]:
                del values[key]
        return values


@dataclass
class ModuleSpec:
    code: str
    version: str
    title: dict
    summary: dict
    audience: list[str]
    validity_months: int
    pass_mark: int
    questions_per_attempt: int
    retrain_on_major: bool
    prerequisites: list[str]
    objectives: list[dict]
    lessons: list[LessonSpec]
    questions: list[QuestionSpec]
    pack_code: str
    file: str
    code_line: int | None = None
    version_line: int | None = None
    prerequisites_line: int | None = None
    # A module deliberately kept in English only (its French, if any, may be partial).
    english_only: bool = False

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    @property
    def minor(self) -> int:
        return int(self.version.split(".")[1])

    def canonical(self) -> dict:
        return {
            "code": self.code, "version": self.version, "title": self.title, "summary": self.summary,
            "audience": self.audience, "validity_months": self.validity_months, "pass_mark": self.pass_mark,
            "questions_per_attempt": self.questions_per_attempt, "retrain_on_major": self.retrain_on_major,
            "prerequisites": self.prerequisites, "objectives": self.objectives,
            "lessons": [vars(lesson) for lesson in self.lessons],
            "questions": [q.canonical() for q in self.questions],
        } | ({"english_only": True} if self.english_only else {})

    @property
    def content_hash(self) -> str:
        return content_hash(self.canonical())


@dataclass
class PackSpec:
    code: str
    title: dict
    summary: dict
    sources: dict[str, str]
    module_codes: list[str]
    file: str

    @property
    def content_hash(self) -> str:
        return content_hash({"code": self.code, "title": self.title, "summary": self.summary,
                             "sources": self.sources, "modules": self.module_codes})


@dataclass
class ProfileSpec:
    code: str
    title: dict
    summary: dict
    audience: str | None
    required_modules: list[str]
    exercise_types: list[str]
    exercise_within_months: int | None
    exercise_min_outcome: str | None
    screening_required: bool
    warning_days: int
    file: str
    required_line: int | None = None

    def canonical(self) -> dict:
        return {k: v for k, v in vars(self).items() if k not in ("file", "required_line")}

    @property
    def content_hash(self) -> str:
        return content_hash(self.canonical())


@dataclass
class Curriculum:
    packs: list[PackSpec] = field(default_factory=list)
    modules: list[ModuleSpec] = field(default_factory=list)
    profiles: list[ProfileSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)   # reported, but the curriculum still imports

    @property
    def ok(self) -> bool:
        return not self.problems


def content_hash(value) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
