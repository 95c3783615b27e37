"""Readiness profiles read from their YAML files (the format of curricula/README.md). Pure: no Flask, no database."""
from __future__ import annotations

from trainer.curricula.specs import MODULE_CODE, N_, OUTCOMES, PROFILE_CODE, Curriculum, Message, ProfileSpec
from trainer.curricula.trees import Tree
from trainer.curricula.yamldoc import CODE_HINT, MODULE_CODES_HINT, Fields, document_fields
from trainer.enums import Category, ExerciseType

PROFILE_KEYS = {"code", "title", "summary", "audience", "required_modules", "exercise", "screening_required",
                "warning_days"}
EXERCISE_KEYS = {"types", "within_months", "min_outcome"}


def load_profile(tree: Tree, rel: str, result: Curriculum) -> None:
    problems = result.problems
    f = document_fields(tree, rel, problems, PROFILE_KEYS, Message(N_("the profile")))
    if f is None:
        return
    doc = f.doc
    before = len(problems)
    code = f.string("code", PROFILE_CODE, CODE_HINT)
    title = f.text("title")
    summary = f.text("summary", required=False)
    audience = f.string("audience", required=False)
    if audience is not None and audience not in {c.value for c in Category}:
        f.error("audience", N_("audience %(audience)s is not one of military, police, civilian"), audience=repr(audience))
    required = f.string_list("required_modules", MODULE_CODE, MODULE_CODES_HINT, allow_empty=False)
    screening = f.boolean("screening_required")
    warning = f.integer("warning_days", 0, 365)
    types, within, outcome = [], None, None
    if f.has("exercise"):
        ef = Fields(doc, ("exercise",), problems, EXERCISE_KEYS, Message(N_("the exercise requirement")))
        if ef.ok:
            types = ef.string_list("types", allow_empty=False) or []
            valid_types = {t.value for t in ExerciseType}
            for t in types:
                if t not in valid_types:
                    ef.error("types", N_("exercise type %(type)s is not an HSEEP type (%(types)s)"), type=repr(t),
                             types=", ".join(sorted(valid_types)))
            within = ef.integer("within_months", 1, 120)
            outcome = ef.string("min_outcome")
            if outcome is not None and outcome not in OUTCOMES:
                ef.error("min_outcome", N_("min_outcome must be P or S (found %(outcome)s); only P and S count"),
                         outcome=repr(outcome))
    if len(problems) > before:
        return
    result.profiles.append(ProfileSpec(
        code=code, title=title, summary=summary or {}, audience=audience, required_modules=required,
        exercise_types=types, exercise_within_months=within, exercise_min_outcome=outcome,
        screening_required=screening, warning_days=warning, file=doc.file,
        required_line=doc.key_line("required_modules")))
