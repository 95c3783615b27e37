"""Reading and validating curriculum packs and readiness profiles (the format of curricula/README.md).

Pure: no Flask, no database. `load_curricula(paths)` returns every pack, module and profile it could
read plus every problem it found, each with its file and line. Callers decide what to do with them
(the CLI prints them, the importer refuses to write anything while there is one).
"""
from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from trainer.curricula.markdown import render_markdown
from trainer.enums import Category, ExerciseType

MAX_FILE_BYTES = 256 * 1024
MAX_ZIP_BYTES = 5 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNCOMPRESSED = 50 * 1024 * 1024

PACK_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
MODULE_CODE = re.compile(r"^[A-Z]{2,5}-[0-9]{2}$")
PROFILE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
VERSION = re.compile(r"^(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
LANGUAGES = ("en", "fr")
ANSWERS = "ABCD"
OUTCOMES = ("P", "S")


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


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
        }

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

    @property
    def ok(self) -> bool:
        return not self.problems


def content_hash(value) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- where files come from: a folder or a zip -------------------------------------------------

class Tree:
    """Read-only access to files by relative POSIX path, with the size limit applied on every read."""

    label: str

    def is_file(self, rel: str) -> bool: raise NotImplementedError
    def is_dir(self, rel: str) -> bool: raise NotImplementedError
    def listdir(self, rel: str) -> list[str]: raise NotImplementedError
    def size(self, rel: str) -> int: raise NotImplementedError
    def read_bytes(self, rel: str) -> bytes: raise NotImplementedError

    def name(self, rel: str) -> str:
        return f"{self.label}/{rel}" if rel else self.label


class FolderTree(Tree):
    def __init__(self, root: Path, label: str | None = None):
        self.root = root
        self.label = label or str(root).rstrip("/")

    def _path(self, rel: str) -> Path:
        return self.root / rel if rel else self.root

    def is_file(self, rel):
        return self._path(rel).is_file()

    def is_dir(self, rel):
        return self._path(rel).is_dir()

    def listdir(self, rel):
        return sorted(p.name for p in self._path(rel).iterdir())

    def size(self, rel):
        return self._path(rel).stat().st_size

    def read_bytes(self, rel):
        with open(self._path(rel), "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)


class ZipTree(Tree):
    """A zip upload. Members are checked before anything is read: no absolute paths, no `..`, no
    links, a bounded count and bounded sizes (zip bombs and zip-slip never get anywhere)."""

    def __init__(self, archive: zipfile.ZipFile, label: str, prefix: str = ""):
        self.archive = archive
        self.label = label
        self.prefix = prefix
        self.files: dict[str, zipfile.ZipInfo] = {}
        self.dirs: set[str] = {""}

    @classmethod
    def open(cls, data: bytes, label: str) -> tuple["ZipTree | None", list[Problem]]:
        import io

        if len(data) > MAX_ZIP_BYTES:
            return None, [Problem(label, None, f"the zip file is larger than {MAX_ZIP_BYTES // (1024 * 1024)} MiB")]
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            return None, [Problem(label, None, f"not a readable zip file ({exc})")]
        problems = []
        if len(infos) > MAX_ZIP_MEMBERS:
            return None, [Problem(label, None, f"the zip holds {len(infos)} entries; at most {MAX_ZIP_MEMBERS} are allowed")]
        if sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
            return None, [Problem(label, None, f"the zip expands to more than {MAX_ZIP_UNCOMPRESSED // (1024 * 1024)} MiB")]
        tree = cls(archive, label)
        for info in infos:
            name = info.filename.replace("\\", "/")
            path = PurePosixPath(name)
            mode = (info.external_attr >> 16) & 0o170000
            if name.startswith("/") or ".." in path.parts or (path.parts and ":" in path.parts[0]):
                problems.append(Problem(label, None, f"entry {name!r} points outside the pack; refused"))
                continue
            if mode == 0o120000:
                problems.append(Problem(label, None, f"entry {name!r} is a symbolic link; refused"))
                continue
            if path.parts and path.parts[0] == "__MACOSX":
                continue
            clean = "/".join(p for p in path.parts if p not in ("", "."))
            if info.is_dir():
                tree.dirs.add(clean)
            else:
                tree.files[clean] = info
            parts = clean.split("/")
            for i in range(1, len(parts)):
                tree.dirs.add("/".join(parts[:i]))
        if problems:
            return None, problems
        # A zip of a folder usually has that folder at its top: look inside it.
        top = {name.split("/")[0] for name in tree.files}
        if len(top) == 1 and not tree.is_file("pack.yaml") and tree.is_dir(next(iter(top))):
            tree.prefix = next(iter(top))
        return tree, []

    def _full(self, rel: str) -> str:
        return f"{self.prefix}/{rel}".strip("/") if self.prefix else rel

    def name(self, rel: str) -> str:
        return f"{self.label}:{self._full(rel)}"

    def is_file(self, rel):
        return self._full(rel) in self.files

    def is_dir(self, rel):
        return self._full(rel) in self.dirs

    def listdir(self, rel):
        base = self._full(rel)
        prefix = f"{base}/" if base else ""
        names = {n[len(prefix):].split("/")[0] for n in list(self.files) + list(self.dirs)
                 if n.startswith(prefix) and n != base}
        return sorted(n for n in names if n)

    def size(self, rel):
        return self.files[self._full(rel)].file_size

    def read_bytes(self, rel):
        with self.archive.open(self.files[self._full(rel)]) as handle:
            return handle.read(MAX_FILE_BYTES + 1)


# --- YAML without aliases, with line numbers -------------------------------------------------

class NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases: they allow "billion laughs" expansion and make
    files harder to review."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (& and *) are not allowed in curriculum files", event.start_mark)
        return super().compose_node(parent, index)


class Doc:
    """A parsed YAML document: its data and its node tree, to find the line of any key."""

    def __init__(self, data, node, file: str):
        self.data = data
        self.node = node
        self.file = file

    def node_at(self, *keys):
        node = self.node
        for key in keys:
            if node is None:
                return None
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key] if 0 <= key < len(node.value) else None
            else:
                return None
        return node

    def line(self, *keys) -> int | None:
        """The line of the value at keys; the nearest existing parent's line when it is missing."""
        for n in range(len(keys), -1, -1):
            node = self.node_at(*keys[:n])
            if node is not None:
                if n < len(keys) and isinstance(node, yaml.MappingNode):
                    return node.start_mark.line + 1
                return node.start_mark.line + 1
        return 1

    def key_line(self, *keys) -> int | None:
        """The line of the key itself (for a missing value, the mapping's first line)."""
        parent = self.node_at(*keys[:-1])
        if isinstance(parent, yaml.MappingNode):
            for k, _ in parent.value:
                if isinstance(k, yaml.ScalarNode) and k.value == keys[-1]:
                    return k.start_mark.line + 1
            return parent.start_mark.line + 1
        return self.line(*keys)


def _duplicate_keys(node, file: str, problems: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    problems.append(Problem(file, key.start_mark.line + 1, f"key {key.value!r} appears twice"))
                seen.add(key.value)
            _duplicate_keys(value, file, problems)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _duplicate_keys(item, file, problems)


def read_text(tree: Tree, rel: str, problems: list[Problem]) -> str | None:
    name = tree.name(rel)
    if not tree.is_file(rel):
        problems.append(Problem(name, None, "file not found"))
        return None
    if tree.size(rel) > MAX_FILE_BYTES:
        problems.append(Problem(name, None, f"file is larger than {MAX_FILE_BYTES // 1024} KiB ({tree.size(rel)} bytes)"))
        return None
    data = tree.read_bytes(rel)
    if len(data) > MAX_FILE_BYTES:
        problems.append(Problem(name, None, f"file is larger than {MAX_FILE_BYTES // 1024} KiB"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, "not valid UTF-8 text"))
        return None
    return text


def parse_yaml(text: str, file: str, problems: list[Problem]) -> Doc | None:
    loader = NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "invalid YAML"
        problems.append(Problem(file, mark.line + 1 if mark else None, f"YAML error: {detail}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(file, None, f"YAML error: {exc}"))
        return None
    except (RecursionError, ValueError, TypeError) as exc:
        problems.append(Problem(file, None, f"YAML error: {exc.__class__.__name__}"))
        return None
    finally:
        loader.dispose()
    if node is not None:
        _duplicate_keys(node, file, problems)
    return Doc(data, node, file)


def load_yaml(tree: Tree, rel: str, problems: list[Problem]) -> Doc | None:
    text = read_text(tree, rel, problems)
    if text is None:
        return None
    return parse_yaml(text, tree.name(rel), problems)


# --- field checks ---------------------------------------------------------------------------

class Fields:
    """Checks on one YAML mapping; every problem carries the file and the key's line."""

    def __init__(self, doc: Doc, base: tuple, problems: list[Problem], allowed: set[str], what: str):
        self.doc, self.base, self.problems, self.what = doc, base, problems, what
        value = doc.data
        for key in base:
            value = value[key] if value is not None else None
        self.ok = isinstance(value, dict)
        self.values = value if self.ok else {}
        if not self.ok:
            self.error(None, f"{what} must be a mapping of keys to values")
            return
        for key in self.values:
            if key not in allowed:
                self.problems.append(Problem(doc.file, doc.key_line(*base, key),
                                             f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})"))

    def error(self, key, message: str) -> None:
        line = self.doc.key_line(*self.base, key) if key is not None else self.doc.line(*self.base)
        self.problems.append(Problem(self.doc.file, line, message))

    def has(self, key) -> bool:
        return key in self.values

    def required(self, key):
        if key not in self.values or self.values[key] is None:
            self.error(key, f"missing required field {key!r} in {self.what}")
            return None
        return self.values[key]

    def text(self, key, required=True) -> dict | None:
        value = self.required(key) if required else self.values.get(key)
        if value is None:
            return None if required else {}
        return check_text(value, lambda m: self.error(key, f"{key}: {m}"))

    def string(self, key, pattern=None, hint="", required=True) -> str | None:
        value = self.required(key) if required else self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(key, f"{key} must be text{(' ' + hint) if hint else ''}")
            return None
        if pattern is not None and not pattern.match(value):
            self.error(key, f"{key} {value!r} is not valid{(': ' + hint) if hint else ''}")
            return None
        return value

    def integer(self, key, low, high, required=True, default=None) -> int | None:
        value = self.required(key) if required else self.values.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(key, f"{key} must be a whole number from {low} to {high} (found {value!r})")
            return None
        return value

    def boolean(self, key, required=True, default=None) -> bool | None:
        value = self.required(key) if required else self.values.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"{key} must be true or false (found {value!r})")
            return None
        return value

    def string_list(self, key, pattern=None, hint="", required=True, allow_empty=True) -> list[str] | None:
        value = self.required(key) if required else self.values.get(key, [])
        if value is None:
            return None if required else []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, f"{key} must be a list of text values")
            return None
        if not allow_empty and not value:
            self.error(key, f"{key} must name at least one entry")
            return None
        bad = [v for v in value if pattern is not None and not pattern.match(v)]
        if bad:
            self.error(key, f"{key}: {', '.join(map(repr, bad))} not valid{(': ' + hint) if hint else ''}")
            return None
        if len(set(value)) != len(value):
            self.error(key, f"{key} lists the same entry twice")
            return None
        return value


def check_text(value, report) -> dict | None:
    if isinstance(value, str):
        if not value.strip():
            report("must not be empty")
            return None
        return {"en": value}
    if isinstance(value, dict):
        unknown = [k for k in value if k not in LANGUAGES]
        if unknown:
            report(f"unknown language {unknown[0]!r} (use en, and optionally fr)")
            return None
        if not isinstance(value.get("en"), str) or not value["en"].strip():
            report("the English text (en) is required")
            return None
        if "fr" in value and (not isinstance(value["fr"], str) or not value["fr"].strip()):
            report("the French text (fr) must be non-empty text when given")
            return None
        return {k: value[k] for k in LANGUAGES if k in value}
    report("must be text, or a mapping with en (and optionally fr)")
    return None


# --- packs and modules ----------------------------------------------------------------------

PACK_KEYS = {"code", "title", "summary", "modules", "sources"}
MODULE_KEYS = {"code", "version", "title", "summary", "audience", "validity_months", "pass_mark",
               "questions_per_attempt", "retrain_on_major", "prerequisites", "objectives", "lessons", "questions"}
LESSON_KEYS = {"slug", "title", "minutes", "body", "body_fr", "sources"}
QUESTION_KEYS = {"id", "stem", "options", "answer", "explanation", "source", "must_pass", "objectives", "recall"}
PROFILE_KEYS = {"code", "title", "summary", "audience", "required_modules", "exercise", "screening_required",
                "warning_days"}
EXERCISE_KEYS = {"types", "within_months", "min_outcome"}


def _safe_relative(value: str) -> bool:
    path = PurePosixPath(value)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in value and not value.startswith("~")


def load_pack(tree: Tree, base: str, result: Curriculum) -> None:
    problems = result.problems
    pack_rel = f"{base}/pack.yaml" if base else "pack.yaml"
    doc = load_yaml(tree, pack_rel, problems)
    if doc is None:
        return
    f = Fields(doc, (), problems, PACK_KEYS, "the pack")
    if not f.ok:
        return
    code = f.string("code", PACK_CODE, "capital letters, digits and dashes")
    title = f.text("title")
    summary = f.text("summary", required=False)
    module_codes = f.string_list("modules", MODULE_CODE, "module codes such as HR-01", allow_empty=False) or []
    sources = f.required("sources")
    register: dict[str, str] = {}
    if sources is not None:
        if not isinstance(sources, dict) or not sources:
            f.error("sources", "sources must be a mapping of source ids to their descriptions")
        else:
            for key, text in sources.items():
                if not isinstance(key, str) or not SOURCE_ID.match(key) or not isinstance(text, str) or not text.strip():
                    problems.append(Problem(doc.file, doc.key_line("sources", key),
                                            f"source {key!r} needs an id (letters, digits, dots, dashes) and a description"))
                else:
                    register[key] = text.strip()
    # Every module folder must be listed, and every listed module must have a folder.
    folders = [n for n in tree.listdir(base) if tree.is_file(f"{base}/{n}/module.yaml" if base else f"{n}/module.yaml")]
    for name in folders:
        if name not in module_codes:
            problems.append(Problem(doc.file, doc.line("modules"), f"module folder {name} is not listed in modules"))
    if code is None or title is None:
        return
    pack = PackSpec(code=code, title=title, summary=summary or {}, sources=register, module_codes=module_codes,
                    file=doc.file)
    result.packs.append(pack)
    for index, module_code in enumerate(module_codes):
        folder = f"{base}/{module_code}" if base else module_code
        if not tree.is_file(f"{folder}/module.yaml"):
            problems.append(Problem(doc.file, doc.line("modules", index) or doc.line("modules"),
                                    f"module {module_code} is listed but {tree.name(folder + '/module.yaml')} does not exist"))
            continue
        module = load_module(tree, folder, pack, problems)
        if module is not None:
            result.modules.append(module)


def load_module(tree: Tree, folder: str, pack: PackSpec, problems: list[Problem]) -> ModuleSpec | None:
    doc = load_yaml(tree, f"{folder}/module.yaml", problems)
    if doc is None:
        return None
    f = Fields(doc, (), problems, MODULE_KEYS, "the module")
    if not f.ok:
        return None
    before = len(problems)
    code = f.string("code", MODULE_CODE, "2 to 5 capital letters, a dash and two digits, e.g. HR-01")
    folder_name = PurePosixPath(folder).name
    if code is not None and code != folder_name:
        f.error("code", f"code {code} does not match its folder name {folder_name}")
    version = f.values.get("version")
    if isinstance(version, float):
        f.error("version", f"version must be quoted text such as \"{version}\" (unquoted, 1.10 would read as 1.1)")
        version = None
    else:
        version = f.string("version", VERSION, 'MAJOR.MINOR in quotes, e.g. "1.0"')
    title = f.text("title")
    summary = f.text("summary")
    audience = f.string_list("audience", allow_empty=False)
    if audience:
        wrong = [a for a in audience if a not in {c.value for c in Category}]
        if wrong:
            f.error("audience", f"audience {wrong[0]!r} is not one of military, police, civilian")
    validity = f.integer("validity_months", 1, 120)
    pass_mark = f.integer("pass_mark", 1, 100)
    per_attempt = f.integer("questions_per_attempt", 1, 200)
    retrain = f.boolean("retrain_on_major")
    prerequisites = f.string_list("prerequisites", MODULE_CODE, "module codes such as HR-01") or []
    if code and code in prerequisites:
        f.error("prerequisites", f"{code} cannot be its own prerequisite")
    objectives = []
    raw_objectives = f.required("objectives")
    if raw_objectives is not None:
        if not isinstance(raw_objectives, list) or not raw_objectives:
            f.error("objectives", "objectives must be a non-empty list")
        else:
            for i, item in enumerate(raw_objectives):
                text = check_text(item, lambda m, i=i: problems.append(
                    Problem(doc.file, doc.line("objectives", i), f"objective {i + 1}: {m}")))
                if text:
                    objectives.append(text)
    lessons = _load_lessons(tree, folder, doc, f, pack, problems)
    questions = []
    questions_file = f.string("questions")
    if questions_file is not None:
        if not _safe_relative(questions_file):
            f.error("questions", "questions must be a file inside the module folder")
        else:
            questions = _load_questions(tree, f"{folder}/{questions_file}", pack, problems)
            if questions is not None and per_attempt is not None:
                if per_attempt > len(questions):
                    f.error("questions_per_attempt",
                            f"questions_per_attempt is {per_attempt} but the bank has only {len(questions)} questions")
                for question in questions:
                    beyond = [n for n in question.objectives if n > len(objectives)]
                    if beyond:
                        f.error("questions", f"question {question.key} names objective {beyond[0]}, but the module "
                                             f"has {len(objectives)} objectives")
                must = sum(1 for q in questions if q.must_pass)
                if must > per_attempt:
                    f.error("questions_per_attempt",
                            f"{must} must-pass questions do not fit in {per_attempt} questions per attempt")
    if len(problems) > before or questions is None:
        return None
    return ModuleSpec(code=code, version=version, title=title, summary=summary, audience=audience,
                      validity_months=validity, pass_mark=pass_mark, questions_per_attempt=per_attempt,
                      retrain_on_major=retrain, prerequisites=prerequisites, objectives=objectives,
                      lessons=lessons, questions=questions, pack_code=pack.code, file=doc.file,
                      code_line=doc.key_line("code"), version_line=doc.key_line("version"),
                      prerequisites_line=doc.key_line("prerequisites"))


def _load_lessons(tree, folder, doc, f, pack, problems) -> list[LessonSpec]:
    raw = f.required("lessons")
    lessons: list[LessonSpec] = []
    if raw is None:
        return lessons
    if not isinstance(raw, list) or not raw:
        f.error("lessons", "lessons must be a non-empty list")
        return lessons
    slugs = set()
    for i, _ in enumerate(raw):
        lf = Fields(doc, ("lessons", i), problems, LESSON_KEYS, f"lesson {i + 1}")
        if not lf.ok:
            continue
        slug = lf.string("slug", SLUG, "lower-case letters, digits and dashes")
        if slug in slugs:
            lf.error("slug", f"lesson slug {slug!r} is used twice in this module")
        slugs.add(slug)
        title = lf.text("title")
        minutes = lf.integer("minutes", 1, 600)
        sources = lf.string_list("sources", allow_empty=False) or []
        for source in sources:
            if source not in pack.sources:
                lf.error("sources", f"source {source!r} is not in the pack's source register ({pack.file})")
        bodies = {}
        for key, required in (("body", True), ("body_fr", False)):
            rel = lf.string(key, required=required)
            if rel is None:
                continue
            if not _safe_relative(rel):
                lf.error(key, f"{key} must be a file inside the module folder")
                continue
            path = f"{folder}/{rel}"
            if not tree.is_file(path):
                lf.error(key, f"lesson file {tree.name(path)} does not exist")
                continue
            text = read_text(tree, path, problems)
            if text is None:
                continue
            if not text.strip():
                problems.append(Problem(tree.name(path), 1, "the lesson body is empty"))
                continue
            try:
                render_markdown(text)
            except Exception as exc:  # noqa: BLE001 - any renderer failure is a content problem
                problems.append(Problem(tree.name(path), 1, f"Markdown does not render: {exc.__class__.__name__}"))
                continue
            bodies[key] = text
        if slug and title and minutes and "body" in bodies and sources:
            lessons.append(LessonSpec(slug=slug, title=title, minutes=minutes, body_en=bodies["body"],
                                      body_fr=bodies.get("body_fr"),
                                      sources=[{"id": s, "text": pack.sources.get(s, "")} for s in sources]))
    return lessons


def _load_questions(tree, rel, pack, problems) -> list[QuestionSpec] | None:
    doc = load_yaml(tree, rel, problems)
    if doc is None:
        return None
    if not isinstance(doc.data, list) or not doc.data:
        problems.append(Problem(doc.file, doc.line(), "the question bank must be a non-empty list of questions"))
        return None
    before = len(problems)
    questions, keys = [], set()
    for i, _ in enumerate(doc.data):
        qf = Fields(doc, (i,), problems, QUESTION_KEYS, f"question {i + 1}")
        if not qf.ok:
            continue
        key = qf.string("id")
        if key is not None:
            if key in keys:
                qf.error("id", f"question id {key!r} is used twice in this bank")
            keys.add(key)
        stem = qf.text("stem")
        explanation = qf.text("explanation")
        options = []
        raw = qf.required("options")
        if raw is not None:
            if not isinstance(raw, list) or len(raw) != 4:
                qf.error("options", f"a question needs exactly 4 options (found {len(raw) if isinstance(raw, list) else 'none'})")
            else:
                for j, option in enumerate(raw):
                    text = check_text(option, lambda m, j=j, i=i: problems.append(
                        Problem(doc.file, doc.line(i, "options", j), f"option {ANSWERS[j]}: {m}")))
                    options.append(text)
        answer = qf.required("answer")
        correct = None
        if answer is not None:
            if not isinstance(answer, str) or answer not in ANSWERS:
                qf.error("answer", f"answer must be one of A, B, C or D (found {answer!r})")
            else:
                correct = ANSWERS.index(answer)
        source = qf.string("source")
        if source is not None and source.split()[0] not in pack.sources:
            qf.error("source", f"source {source.split()[0]!r} is not in the pack's source register ({pack.file})")
        must_pass = qf.boolean("must_pass", required=False, default=False)
        recall = qf.boolean("recall", required=False, default=False)
        objective_numbers = qf.values.get("objectives", [])
        if not isinstance(objective_numbers, list) or not all(
                isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in objective_numbers):
            qf.error("objectives", "objectives must be a list of objective numbers, e.g. [1, 3]")
            objective_numbers = None
        if None not in (key, stem, explanation, correct, source, must_pass, recall, objective_numbers) \
                and len(options) == 4 and all(options):
            questions.append(QuestionSpec(key=key, stem=stem, options=options, correct=correct,
                                          explanation=explanation, source=source, must_pass=must_pass,
                                          objectives=objective_numbers, recall=recall))
    return questions if len(problems) == before else None


# --- profiles -------------------------------------------------------------------------------

def load_profile(tree: Tree, rel: str, result: Curriculum) -> None:
    problems = result.problems
    doc = load_yaml(tree, rel, problems)
    if doc is None:
        return
    f = Fields(doc, (), problems, PROFILE_KEYS, "the profile")
    if not f.ok:
        return
    before = len(problems)
    code = f.string("code", PROFILE_CODE, "capital letters, digits and dashes")
    title = f.text("title")
    summary = f.text("summary", required=False)
    audience = f.string("audience", required=False)
    if audience is not None and audience not in {c.value for c in Category}:
        f.error("audience", f"audience {audience!r} is not one of military, police, civilian")
    required = f.string_list("required_modules", MODULE_CODE, "module codes such as HR-01", allow_empty=False)
    screening = f.boolean("screening_required")
    warning = f.integer("warning_days", 0, 365)
    types, within, outcome = [], None, None
    if f.has("exercise"):
        ef = Fields(doc, ("exercise",), problems, EXERCISE_KEYS, "the exercise requirement")
        if ef.ok:
            types = ef.string_list("types", allow_empty=False) or []
            valid_types = {t.value for t in ExerciseType}
            for t in types:
                if t not in valid_types:
                    ef.error("types", f"exercise type {t!r} is not an HSEEP type ({', '.join(sorted(valid_types))})")
            within = ef.integer("within_months", 1, 120)
            outcome = ef.string("min_outcome")
            if outcome is not None and outcome not in OUTCOMES:
                ef.error("min_outcome", f"min_outcome must be P or S (found {outcome!r}); only P and S count")
    if len(problems) > before:
        return
    result.profiles.append(ProfileSpec(
        code=code, title=title, summary=summary or {}, audience=audience, required_modules=required,
        exercise_types=types, exercise_within_months=within, exercise_min_outcome=outcome,
        screening_required=screening, warning_days=warning, file=doc.file,
        required_line=doc.key_line("required_modules")))


# --- the whole set --------------------------------------------------------------------------

def _discover(tree: Tree, result: Curriculum) -> None:
    """Accept a curricula root (packs/ and profiles/), a packs folder, one pack, or a profiles folder."""
    found = False
    if tree.is_file("pack.yaml"):
        load_pack(tree, "", result)
        return
    for packs_dir in ("packs", ""):
        if packs_dir and not tree.is_dir(packs_dir):
            continue
        for name in tree.listdir(packs_dir):
            base = f"{packs_dir}/{name}" if packs_dir else name
            if tree.is_file(f"{base}/pack.yaml"):
                found = True
                load_pack(tree, base, result)
    for profiles_dir in ("profiles",) + (("",) if tree.label.rstrip("/").endswith("profiles") else ()):
        if profiles_dir and not tree.is_dir(profiles_dir):
            continue
        for name in tree.listdir(profiles_dir):
            rel = f"{profiles_dir}/{name}" if profiles_dir else name
            if name.endswith((".yaml", ".yml")) and tree.is_file(rel):
                found = True
                load_profile(tree, rel, result)
    if not found:
        result.problems.append(Problem(tree.label, None, "no pack.yaml or profiles/*.yaml found here"))


def cross_check(result: Curriculum, known_modules: set[str] = frozenset()) -> None:
    """Checks across files: unique codes, prerequisites and profile references, cycles."""
    problems = result.problems
    by_code: dict[str, ModuleSpec] = {}
    for module in result.modules:
        other = by_code.get(module.code)
        if other is not None:
            problems.append(Problem(module.file, module.code_line,
                                    f"module code {module.code} is already used in {other.file}:{other.code_line}"))
            continue
        by_code[module.code] = module
    packs: dict[str, PackSpec] = {}
    for pack in result.packs:
        if pack.code in packs:
            problems.append(Problem(pack.file, 1, f"pack code {pack.code} is already used in {packs[pack.code].file}"))
        packs[pack.code] = pack
    profiles: dict[str, ProfileSpec] = {}
    for profile in result.profiles:
        if profile.code in profiles:
            problems.append(Problem(profile.file, 1, f"profile code {profile.code} is already used in {profiles[profile.code].file}"))
        profiles[profile.code] = profile
    available = set(by_code) | set(known_modules)
    for module in by_code.values():
        for prerequisite in module.prerequisites:
            if prerequisite not in available:
                problems.append(Problem(module.file, module.prerequisites_line,
                                        f"prerequisite {prerequisite} is not a known module"))
    for cycle in _cycles({c: m.prerequisites for c, m in by_code.items()}):
        first = by_code[cycle[0]]
        problems.append(Problem(first.file, first.prerequisites_line,
                                "prerequisites form a cycle: " + " -> ".join(cycle + [cycle[0]])))
    for profile in result.profiles:
        for code in profile.required_modules:
            if code not in available:
                problems.append(Problem(profile.file, profile.required_line,
                                        f"profile {profile.code} requires {code}, which is not a known module"))


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle once, found by depth-first search."""
    white, grey, black = 0, 1, 2
    colour = {node: white for node in graph}
    cycles, stack = [], []
    seen_sets = set()

    def visit(node):
        colour[node] = grey
        stack.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if colour[nxt] == grey:
                cycle = stack[stack.index(nxt):]
                key = frozenset(cycle)
                if key not in seen_sets:
                    seen_sets.add(key)
                    cycles.append(list(cycle))
            elif colour[nxt] == white:
                visit(nxt)
        stack.pop()
        colour[node] = black

    for node in sorted(graph):
        if colour[node] == white:
            visit(node)
    return cycles


def load_curricula(paths: list[str | Path], known_modules: set[str] = frozenset()) -> Curriculum:
    """Read and check every pack and profile under the given folders (or zip files)."""
    result = Curriculum()
    seen = set()
    for raw in paths:
        path = Path(raw)
        if path.is_file() and path.suffix == ".zip":
            if path.stat().st_size > MAX_ZIP_BYTES:
                result.problems.append(Problem(str(path), None, "the zip file is larger than 5 MiB"))
                continue
            tree, problems = ZipTree.open(path.read_bytes(), str(path))
            result.problems.extend(problems)
            if tree is not None:
                _discover(tree, result)
            continue
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            tree = FolderTree(path.parent, str(path.parent))
            if path.name == "pack.yaml":
                _discover(tree, result)
            else:
                load_profile(tree, path.name, result)
            continue
        if not path.is_dir():
            result.problems.append(Problem(str(path), None, "no such folder or file"))
            continue
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        _discover(FolderTree(path, str(raw).rstrip("/") or "."), result)
    cross_check(result, known_modules)
    return result


def load_zip(data: bytes, label: str, known_modules: set[str] = frozenset()) -> Curriculum:
    result = Curriculum()
    tree, problems = ZipTree.open(data, label)
    result.problems.extend(problems)
    if tree is not None:
        _discover(tree, result)
        cross_check(result, known_modules)
    return result

