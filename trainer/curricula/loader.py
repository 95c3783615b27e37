"""Reading and validating curriculum packs and readiness profiles (the format of curricula/README.md).

Pure: no Flask, no database. `load_curricula(paths)` returns every pack, module and profile it could
read plus every problem it found, each with its file and line. Callers decide what to do with them
(the CLI prints them, the importer refuses to write anything while there is one).
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from trainer.curricula.checks import cross_check
from trainer.curricula.markdown import render_markdown
from trainer.curricula.specs import (  # noqa: F401 - the loader's vocabulary, used by its callers
    ANSWERS, MAX_ZIP_BYTES, MAX_ZIP_MEMBERS, MODULE_CODE, OUTCOMES, PACK_CODE, PROFILE_CODE, QUESTION_ID, SLUG, SOURCE_ID,
    VERSION, Curriculum, LessonSpec, Message, ModuleSpec, N_, PackSpec, Problem, ProfileSpec, QuestionSpec,
)
from trainer.curricula.profiles import load_profile
from trainer.curricula.trees import FolderTree, Tree, ZipTree
from trainer.curricula.yamldoc import (  # noqa: F401 - parse_yaml for callers
    CODE_HINT, MODULE_CODES_HINT, Fields, check_text, document_fields, load_yaml, parse_yaml, read_text,
)
from trainer.enums import Category

# The longest source reference a question may give (a register id with its pinpoints).
MAX_SOURCE_LENGTH = 300

# --- packs and modules ----------------------------------------------------------------------

PACK_KEYS = {"code", "title", "summary", "modules", "sources"}
MODULE_KEYS = {"code", "version", "title", "summary", "audience", "validity_months", "pass_mark",
               "questions_per_attempt", "retrain_on_major", "prerequisites", "objectives", "lessons", "questions",
               "english_only"}
LESSON_KEYS = {"slug", "title", "minutes", "body", "body_fr", "sources"}
QUESTION_KEYS = {"id", "stem", "options", "answer", "explanation", "source", "must_pass", "objectives", "recall"}


def _safe_relative(value: str) -> bool:
    path = PurePosixPath(value)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in value and not value.startswith("~")


def load_pack(tree: Tree, base: str, result: Curriculum) -> None:
    problems = result.problems
    pack_rel = f"{base}/pack.yaml" if base else "pack.yaml"
    f = document_fields(tree, pack_rel, problems, PACK_KEYS, Message(N_("the pack")))
    if f is None:
        return
    doc = f.doc
    code = f.string("code", PACK_CODE, CODE_HINT)
    title = f.text("title")
    summary = f.text("summary", required=False)
    module_codes = f.string_list("modules", MODULE_CODE, MODULE_CODES_HINT, allow_empty=False) or []
    sources = f.required("sources")
    register: dict[str, str] = {}
    if sources is not None:
        if not isinstance(sources, dict) or not sources:
            f.error("sources", N_("sources must be a mapping of source ids to their descriptions"))
        else:
            for key, text in sources.items():
                if not isinstance(key, str) or not SOURCE_ID.fullmatch(key) or not isinstance(text, str) or not text.strip():
                    problems.append(Problem(doc.file, doc.key_line("sources", key),
                                            N_("source %(key)s needs an id (letters, digits, dots, dashes) and a "
                                               "description"), key=repr(key)))
                else:
                    register[key] = text.strip()
    # Every module folder must be listed, and every listed module must have a folder.
    folders = [n for n in tree.listdir(base) if tree.is_file(f"{base}/{n}/module.yaml" if base else f"{n}/module.yaml")]
    for name in folders:
        if name not in module_codes:
            problems.append(Problem(doc.file, doc.line("modules"),
                                    N_("module folder %(name)s is not listed in modules"), name=name))
    if code is None or title is None:
        return
    pack = PackSpec(code=code, title=title, summary=summary or {}, sources=register, module_codes=module_codes,
                    file=doc.file)
    result.packs.append(pack)
    for index, module_code in enumerate(module_codes):
        folder = f"{base}/{module_code}" if base else module_code
        if not tree.is_file(f"{folder}/module.yaml"):
            problems.append(Problem(doc.file, doc.line("modules", index) or doc.line("modules"),
                                    N_("module %(code)s is listed but %(file)s does not exist"), code=module_code,
                                    file=tree.name(folder + '/module.yaml')))
            continue
        module = load_module(tree, folder, pack, problems)
        if module is not None:
            result.modules.append(module)


def load_module(tree: Tree, folder: str, pack: PackSpec, problems: list[Problem]) -> ModuleSpec | None:
    f = document_fields(tree, f"{folder}/module.yaml", problems, MODULE_KEYS, Message(N_("the module")))
    if f is None:
        return None
    doc = f.doc
    before = len(problems)
    code = f.string("code", MODULE_CODE, Message(N_("2 to 5 capital letters, a dash and two digits, e.g. HR-01")))
    folder_name = PurePosixPath(folder).name
    if code is not None and code != folder_name:
        f.error("code", N_("code %(code)s does not match its folder name %(folder)s"), code=code, folder=folder_name)
    version = _module_version(f)
    title = f.text("title")
    summary = f.text("summary")
    audience = f.string_list("audience", allow_empty=False)
    if audience:
        wrong = [a for a in audience if a not in {c.value for c in Category}]
        if wrong:
            f.error("audience", N_("audience %(audience)s is not one of military, police, civilian"), audience=repr(wrong[0]))
    validity = f.integer("validity_months", 1, 120)
    pass_mark = f.integer("pass_mark", 1, 100)
    per_attempt = f.integer("questions_per_attempt", 1, 200)
    retrain = f.boolean("retrain_on_major")
    english_only = f.boolean("english_only", required=False, default=False)
    prerequisites = f.string_list("prerequisites", MODULE_CODE, MODULE_CODES_HINT) or []
    if code and code in prerequisites:
        f.error("prerequisites", N_("%(code)s cannot be its own prerequisite"), code=code)
    objectives = _objectives(f, doc, problems)
    lessons = _load_lessons(tree, folder, doc, f, pack, problems)
    questions = _module_questions(tree, folder, f, pack, problems, per_attempt, len(objectives))
    if len(problems) > before or questions is None:
        return None
    return ModuleSpec(code=code, version=version, title=title, summary=summary, audience=audience,
                      validity_months=validity, pass_mark=pass_mark, questions_per_attempt=per_attempt,
                      retrain_on_major=retrain, prerequisites=prerequisites, objectives=objectives,
                      lessons=lessons, questions=questions, pack_code=pack.code, file=doc.file,
                      code_line=doc.key_line("code"), version_line=doc.key_line("version"),
                      prerequisites_line=doc.key_line("prerequisites"), english_only=bool(english_only))


def _module_version(f) -> str | None:
    """The module's version, MAJOR.MINOR as quoted text (an unquoted 1.10 would be read as the number 1.1)."""
    version = f.values.get("version")
    if isinstance(version, float):
        f.error("version", N_("version must be quoted text such as \"%(version)s\" (unquoted, 1.10 would read as 1.1)"),
                version=version)
        return None
    return f.string("version", VERSION, Message(N_('MAJOR.MINOR in quotes, e.g. "1.0"')))


def _objectives(f, doc, problems: list[Problem]) -> list:
    """The module's learning objectives: a non-empty list of texts, each checked."""
    objectives = []
    raw_objectives = f.required("objectives")
    if raw_objectives is None:
        return objectives
    if not isinstance(raw_objectives, list) or not raw_objectives:
        f.error("objectives", N_("objectives must be a non-empty list"))
        return objectives
    for i, item in enumerate(raw_objectives):
        text = check_text(item, lambda m, i=i: problems.append(
            Problem(doc.file, doc.line("objectives", i), N_("objective %(number)d: %(problem)s"), number=i + 1,
                    problem=m)))
        if text:
            objectives.append(text)
    return objectives


def _module_questions(tree, folder: str, f, pack: PackSpec, problems: list[Problem], per_attempt: int | None,
                      objective_count: int) -> list | None:
    """The module's question bank (None when its file is broken), checked against the module: enough questions
    for an attempt, the must-pass ones fitting in it, and only objectives the module has."""
    questions_file = f.string("questions")
    if questions_file is None:
        return []
    if not _safe_relative(questions_file):
        f.error("questions", N_("questions must be a file inside the module folder"))
        return []
    questions = _load_questions(tree, f"{folder}/{questions_file}", pack, problems)
    if questions is None or per_attempt is None:
        return questions
    if per_attempt > len(questions):
        f.error("questions_per_attempt",
                N_("questions_per_attempt is %(per_attempt)d but the bank has only %(count)d questions"),
                per_attempt=per_attempt, count=len(questions))
    for question in questions:
        beyond = [n for n in question.objectives if n > objective_count]
        if beyond:
            f.error("questions", N_("question %(key)s names objective %(number)d, but the module has "
                                    "%(count)d objectives"), key=question.key, number=beyond[0],
                    count=objective_count)
    must = sum(1 for q in questions if q.must_pass)
    if must > per_attempt:
        f.error("questions_per_attempt",
                N_("%(must)d must-pass questions do not fit in %(per_attempt)d questions per attempt"),
                must=must, per_attempt=per_attempt)
    return questions


def _load_lessons(tree, folder, doc, f, pack, problems) -> list[LessonSpec]:
    raw = f.required("lessons")
    lessons: list[LessonSpec] = []
    if raw is None:
        return lessons
    if not isinstance(raw, list) or not raw:
        f.error("lessons", N_("lessons must be a non-empty list"))
        return lessons
    slugs = set()
    for i, _ in enumerate(raw):
        lf = Fields(doc, ("lessons", i), problems, LESSON_KEYS, Message(N_("lesson %(number)d"), number=i + 1))
        if not lf.ok:
            continue
        slug = lf.string("slug", SLUG, Message(N_("lower-case letters, digits and dashes, at most 80 characters")))
        if slug in slugs:
            lf.error("slug", N_("lesson slug %(slug)s is used twice in this module"), slug=repr(slug))
        slugs.add(slug)
        title = lf.text("title")
        minutes = lf.integer("minutes", 1, 600)
        sources = lf.string_list("sources", allow_empty=False) or []
        for source in sources:
            if source not in pack.sources:
                lf.error("sources", N_("source %(source)s is not in the pack's source register (%(file)s)"),
                         source=repr(source), file=pack.file)
        bodies = {}
        for key, required in (("body", True), ("body_fr", False)):
            rel = lf.string(key, required=required)
            if rel is None:
                continue
            if not _safe_relative(rel):
                lf.error(key, N_("%(key)s must be a file inside the module folder"), key=key)
                continue
            path = f"{folder}/{rel}"
            if not tree.is_file(path):
                lf.error(key, N_("lesson file %(file)s does not exist"), file=tree.name(path))
                continue
            text = read_text(tree, path, problems)
            if text is None:
                continue
            if not text.strip():
                problems.append(Problem(tree.name(path), 1, N_("the lesson body is empty")))
                continue
            try:
                render_markdown(text)
            except Exception as exc:  # noqa: BLE001 - any renderer failure is a content problem
                problems.append(Problem(tree.name(path), 1, N_("Markdown does not render: %(error)s"),
                                        error=exc.__class__.__name__))
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
        problems.append(Problem(doc.file, doc.line(), N_("the question bank must be a non-empty list of questions")))
        return None
    before = len(problems)
    questions, keys = [], set()
    for i, _ in enumerate(doc.data):
        qf = Fields(doc, (i,), problems, QUESTION_KEYS, Message(N_("question %(number)d"), number=i + 1))
        if not qf.ok:
            continue
        key = qf.string("id", QUESTION_ID, Message(N_("1 to 40 characters on one line")))
        if key is not None:
            if key in keys:
                qf.error("id", N_("question id %(key)s is used twice in this bank"), key=repr(key))
            keys.add(key)
        stem = qf.text("stem")
        explanation = qf.text("explanation")
        options = []
        raw = qf.required("options")
        if raw is not None:
            if not isinstance(raw, list):
                qf.error("options", N_("a question needs exactly 4 options (found none)"))
            elif len(raw) != 4:
                qf.error("options", N_("a question needs exactly 4 options (found %(count)d)"), count=len(raw))
            else:
                for j, option in enumerate(raw):
                    text = check_text(option, lambda m, j=j, i=i: problems.append(
                        Problem(doc.file, doc.line(i, "options", j), N_("option %(letter)s: %(problem)s"),
                                letter=ANSWERS[j], problem=m)))
                    options.append(text)
        answer = qf.required("answer")
        correct = None
        if answer is not None:
            if not isinstance(answer, str) or answer not in ANSWERS:
                qf.error("answer", N_("answer must be one of A, B, C or D (found %(answer)s)"), answer=repr(answer))
            else:
                correct = ANSWERS.index(answer)
        source = qf.string("source")
        if source is not None and not source.strip():
            qf.error("source", N_("source is empty: name an entry of the pack's source register (%(file)s)"),
                     file=pack.file)
        elif source is not None and source.split()[0] not in pack.sources:
            qf.error("source", N_("source %(source)s is not in the pack's source register (%(file)s)"),
                     source=repr(source.split()[0]), file=pack.file)
        elif source is not None and len(source) > MAX_SOURCE_LENGTH:
            qf.error("source", N_("the source reference is %(length)d characters long; at most %(limit)d (keep the "
                                  "pinpoint short and put the full citation in the pack's register)"),
                     length=len(source), limit=MAX_SOURCE_LENGTH)
        must_pass = qf.boolean("must_pass", required=False, default=False)
        recall = qf.boolean("recall", required=False, default=False)
        objective_numbers = qf.values.get("objectives", [])
        if not isinstance(objective_numbers, list) or not all(
                isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in objective_numbers):
            qf.error("objectives", N_("objectives must be a list of objective numbers, e.g. [1, 3]"))
            objective_numbers = None
        if None not in (key, stem, explanation, correct, source, must_pass, recall, objective_numbers) \
                and len(options) == 4 and all(options):
            questions.append(QuestionSpec(key=key, stem=stem, options=options, correct=correct,
                                          explanation=explanation, source=source, must_pass=must_pass,
                                          objectives=objective_numbers, recall=recall))
    return questions if len(problems) == before else None


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
        result.problems.append(Problem(tree.label, None, N_("no pack.yaml or profiles/*.yaml found here")))


def load_curricula(paths: list[str | Path], known_modules: set[str] = frozenset()) -> Curriculum:
    """Read and check every pack and profile under the given folders (or zip files)."""
    result = Curriculum()
    seen = set()
    for raw in paths:
        path = Path(raw)
        if path.is_file() and path.suffix == ".zip":
            if path.stat().st_size > MAX_ZIP_BYTES:
                result.problems.append(Problem(str(path), None, N_("the zip file is larger than %(limit)d MiB"),
                                               limit=MAX_ZIP_BYTES // (1024 * 1024)))
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
            result.problems.append(Problem(str(path), None, N_("no such folder or file")))
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
