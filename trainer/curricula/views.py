"""The curricula catalogue (modules, versions, profiles) and the admin pack upload."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import SubmitField

from trainer.curricula import reading, services
from trainer.curricula.loader import MAX_ZIP_BYTES
from trainer.curricula.markdown import render_markdown
from trainer.enums import ExerciseType, Rating
from trainer.forms import Form

bp = Blueprint("curricula", __name__, url_prefix="/curricula")


@bp.app_template_filter("tr")
def translate(value) -> Markup:
    """A pack text field in the reader's language for the body of a page; when it has no translation, the
    English wrapped in an element that says so (lang="en"). The text is escaped."""
    from trainer.i18n import direction

    language = reading.reader_language()
    shown = reading.shown_language(value, language)
    if shown != language:
        if direction(shown) != direction(language):  # English inside a right-to-left page keeps its own order
            return Markup('<span lang="{}" dir="{}">{}</span>').format(shown, direction(shown),
                                                                        reading.text(value, language))
        return Markup('<span lang="{}">{}</span>').format(shown, reading.text(value, language))
    return escape(reading.text(value, language))


@bp.app_template_filter("tr_dir")
def translate_direction(value) -> Markup:
    """` dir="ltr"` for the element holding a pack text field (or a list of them) shown in a language written the
    other way than the page (English content inside an Arabic page), so that the block reads in its own
    direction; nothing otherwise."""
    from trainer.i18n import dir_attribute

    language = reading.reader_language()
    values = value if isinstance(value, (list, tuple)) else [value]
    shown = {reading.shown_language(v, language) for v in values}
    if len(shown) != 1:
        return Markup("")
    return dir_attribute(shown.pop(), language)


@bp.app_template_filter("tr_text")
def translate_text(value) -> str:
    """The same as plain text, for attributes and page titles."""
    return reading.text(value)


@bp.app_template_filter("lesson_html")
def lesson_html(text: str) -> Markup:
    return Markup(render_markdown(text))


@bp.app_template_filter("audience")
def audience(codes) -> str:
    """Who a module is for (military, police, civilian), in the reader's language and as its lists are written
    ("military, police, and civilian"; « militaires, police et civils »; «العسكريين والشرطة والمدنيين»)."""
    from babel.lists import format_list
    from flask_babel import get_locale

    names = [str(reading.AUDIENCE.get(code, code)) for code in codes or []]
    return format_list(names, locale=get_locale() or "en") if names else ""


class UploadForm(Form):
    archive = FileField(_l("Pack as a zip file"),
                        description=_l("A zip of one pack folder (pack.yaml, module folders) or of a whole curricula "
                                       "folder (packs/ and profiles/). At most 5 MiB."))
    submit = SubmitField(_l("Validate and import"))


@bp.route("/")
def index():
    return render_template("curricula/index.html", packs=services.list_packs(), entries=services.list_catalogue(),
                           versions=services.version_numbers(), profiles=services.list_profiles(),
                           language=reading.reader_language(), title=_("Curricula"))


@bp.route("/modules/<module_code>")
def module(module_code: str):
    return _module_page(services.get_module(module_code))


@bp.route("/modules/<module_code>/v/<version>")
def module_version(module_code: str, version: str):
    return _module_page(services.get_module(module_code, version))


def _module_page(module):
    from trainer.learning.attempts import lessons_read

    read = lessons_read(current_user.person_id, module)
    return render_template("curricula/module.html", module=module, versions=services.list_versions(module.code),
                           read=read, module_languages=reading.languages_of(module), language=reading.reader_language(),
                           title=f"{module.code} {reading.text(module.title)}")


@bp.route("/profiles/<profile_code>")
def profile(profile_code: str):
    profile = services.get_profile(profile_code)
    modules = {m.code: m for m in services.list_current_modules()}
    types = [ExerciseType(t) for t in profile.exercise_types if t in ExerciseType._value2member_map_]
    outcome = Rating(profile.exercise_min_outcome) if profile.exercise_min_outcome else None
    return render_template("curricula/profile.html", profile=profile, modules=modules, types=types,
                           outcome=outcome, title=profile.code)


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    form = UploadForm()
    report = None
    if form.validate_on_submit():
        upload = form.archive.data
        if not upload or not getattr(upload, "filename", ""):
            flash(_("Choose a zip file to upload."), "danger")
        elif not upload.filename.lower().endswith(".zip"):
            flash(_("The pack must be a .zip file."), "danger")
        else:
            data = upload.stream.read(MAX_ZIP_BYTES + 1)
            report = services.import_zip(current_user, data, upload.filename.rsplit("/", 1)[-1][:100])
            if report.ok:
                flash(_("Imported. %(summary)s", summary=report.summary()), "success")
            else:
                current_app.logger.info("pack upload refused with %d problems", len(report.problems))
    status = 422 if report is not None and not report.ok else 200
    return render_template("curricula/upload.html", form=form, report=report, title=_("Upload a pack")), status
