"""The curricula catalogue (modules, versions, profiles) and the admin pack upload."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import SubmitField

from trainer.curricula import services
from trainer.curricula.loader import MAX_ZIP_BYTES
from trainer.curricula.markdown import render_markdown
from trainer.curricula.models import pick
from trainer.enums import ExerciseType, Rating

bp = Blueprint("curricula", __name__, url_prefix="/curricula")


def reader_language() -> str:
    language = getattr(current_user, "language", None) if current_user.is_authenticated else None
    return language if language in ("en", "fr") else "en"


@bp.app_template_filter("tr")
def translate(value) -> str:
    """A pack text field in the reader's language (English when there is no translation)."""
    return pick(value, reader_language())


@bp.app_template_filter("lesson_html")
def lesson_html(text: str) -> Markup:
    return Markup(render_markdown(text))


class UploadForm(FlaskForm):
    archive = FileField("Pack as a zip file",
                        description="A zip of one pack folder (pack.yaml, module folders) or of a whole curricula "
                                    "folder (packs/ and profiles/). At most 5 MiB.")
    submit = SubmitField("Validate and import")


@bp.route("/")
def index():
    modules = services.list_current_modules()
    versions = services.version_numbers()
    return render_template("curricula/index.html", packs=services.list_packs(), modules=modules, versions=versions,
                           profiles=services.list_profiles(), title="Curricula")


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
                           read=read, title=f"{module.code} {pick(module.title, reader_language())}")


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
            flash("Choose a zip file to upload.", "danger")
        elif not upload.filename.lower().endswith(".zip"):
            flash("The pack must be a .zip file.", "danger")
        else:
            data = upload.stream.read(MAX_ZIP_BYTES + 1)
            report = services.import_zip(current_user, data, upload.filename.rsplit("/", 1)[-1][:100])
            if report.ok:
                flash("Imported. " + report.summary(), "success")
            else:
                current_app.logger.info("pack upload refused with %d problems", len(report.problems))
    status = 422 if report is not None and not report.ok else 200
    return render_template("curricula/upload.html", form=form, report=report, title="Upload a pack"), status
