"""The interface language: chosen in a signed-in user's profile; for visitors, by the switcher on the
public pages or else the browser's Accept-Language. Dates, numbers and percentages are formatted by Babel
for that language. Strings are marked with gettext (`_`) in Python and templates; the catalogues live in
translations/<language>/LC_MESSAGES/messages.po (see the Makefile's translation targets).

Which languages are offered is configuration (TRAINER_LANGUAGES, default "en,fr"): a language joins the
list once its catalogue covers the interface. Arabic ships with a catalogue for the trainee's pages and
the public verify page, to show that a right-to-left language is only a catalogue away.
"""
from __future__ import annotations

from functools import lru_cache

from flask import current_app, has_app_context, has_request_context, request, session
from flask_babel import Babel, format_decimal, format_percent, get_locale, get_translations, lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

# Every language trainer knows how to show: its own name and its writing direction.
KNOWN = {"en": ("English", "ltr"), "fr": ("Français", "ltr"), "ar": ("العربية", "rtl")}
DEFAULT = "en"

babel = Babel()


def enabled_languages() -> list[str]:
    configured = current_app.config.get("LANGUAGES") or "en,fr"
    if isinstance(configured, str):
        configured = [code.strip() for code in configured.split(",")]
    return [code for code in configured if code in KNOWN] or [DEFAULT]


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT
    enabled = enabled_languages()
    if current_user and current_user.is_authenticated and current_user.language in enabled:
        return current_user.language
    chosen = session.get("language")
    if chosen in enabled:
        return chosen
    return request.accept_languages.best_match(enabled) or DEFAULT


def select_timezone() -> str | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.timezone or "UTC"
    return "UTC"


def language() -> str:
    """The language the interface is shown in now: the request's, or the one forced for a recipient
    (flask_babel.force_locale) while a notification or e-mail is written outside a request."""
    locale = get_locale() if has_app_context() else None
    return locale.language if locale is not None else DEFAULT


def operator_language() -> str:
    """The language of the person at the command line, from the environment as gettext reads it (LANGUAGE,
    LC_ALL, LC_MESSAGES, then LANG: the first one set decides), when trainer offers it; English otherwise."""
    import os

    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if not value:
            continue
        for part in value.split(":"):
            code = part.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in KNOWN and (not has_app_context() or code in enabled_languages()):
                return code
        return DEFAULT
    return DEFAULT


# The handling markings' default wordings (config.DEFAULTS), in the reader's language. An installation's own
# marking is printed as it set it.
DEFAULT_MARKINGS = {"CLASSIFICATION_MARKING": _l("UNCLASSIFIED"),
                    "RELEASABILITY_MARKING": _l("RELEASABLE TO PARTICIPATING NATIONS")}


def marking(name: str) -> str:
    """The marking `name` (CLASSIFICATION_MARKING or RELEASABILITY_MARKING) that pages and exports print: the
    installation's text, or the default's wording in the reader's language when the installation set none."""
    from trainer.config import DEFAULTS

    value = current_app.config.get(name, "")
    return str(DEFAULT_MARKINGS[name]) if value == DEFAULTS[name] else value


def direction(code: str | None = None) -> str:
    return KNOWN.get(code or language(), KNOWN[DEFAULT])[1]


def dir_attribute(code: str, page: str | None = None) -> Markup:
    """` dir="ltr"` (or rtl) for an element in language `code` whose writing direction differs from the page's
    (English inside an Arabic page); nothing when they agree."""
    wanted = direction(code)
    return Markup(' dir="{}"').format(wanted) if wanted != direction(page) else Markup("")


def in_language(text: str, code: str, page: str | None = None) -> Markup:
    """`text` (escaped) marked as written in language `code` inside a page in another language: lang, and dir
    when the two are written in opposite directions (an English title inside an Arabic sentence)."""
    if code == (page or language()):
        return escape(text)
    return Markup('<span lang="{}"{}>{}</span>').format(code, dir_attribute(code, page), text)


@lru_cache(maxsize=8192)
def _number(locale: str, value, digits: int) -> str:
    """A number as the locale writes it, each once per locale: a page of figures writes the same counts often."""
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


TRANSLATED_KEPT = 20000  # translated template strings kept per process (a few thousand exist per language)


@lru_cache(maxsize=8192)
def _percent(locale: str, value) -> str:
    """A percentage (of 100) as the locale writes it, each once per locale, as numbers are (_number)."""
    return format_percent(value / 100, format="#,##0%")


def _template_gettext(env) -> None:
    """Install the gettext functions templates call (newstyle, as Jinja's i18n extension makes them: the text is
    always a format string, Markup where the template escapes). Each uses the catalogue of the language shown now
    (the page's, or one forced for a recipient), which the page's context processor looks up once, and keeps what
    a string without variables becomes in that language. A list page asks for a few hundred translations, and
    Jinja's and Flask-Babel's own functions take about 8 µs for each: four lookups of the request context, two
    calls through the template context, a Markup and a formatting."""
    catalogues: dict = {}  # locale -> its catalogue, as Flask-Babel loaded it
    shown: dict = {}  # (locale, escaped, string) -> the string in that language, formatted with no variables

    def catalogue(locale):
        found = catalogues.get(locale)
        if found is None:
            found = get_translations()  # Flask-Babel's catalogue of the locale in force, kept only under that locale
            if get_locale() == locale:
                catalogues[locale] = found
        return found

    def formatted(text: str, escaped: bool, variables: dict):
        return (Markup(text) if escaped else text) % variables

    def locale_of(context):
        # The locale the page's context processor found (one lookup per page); a macro imported without the
        # page's context asks Flask-Babel.
        return context.get("shown_locale") or get_locale()

    @pass_context
    def gettext(context, string, /, **variables):  # positional: a template may pass `string=`
        locale, escaped = locale_of(context), context.eval_ctx.autoescape
        if variables:
            return formatted(catalogue(locale).ugettext(string), escaped, variables)
        key = (locale, escaped, string)
        found = shown.get(key)
        if found is None:
            if len(shown) >= TRANSLATED_KEPT:
                shown.clear()
            found = shown[key] = formatted(catalogue(locale).ugettext(string), escaped, {})
        return found

    @pass_context
    def ngettext(context, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        return formatted(catalogue(locale_of(context)).ungettext(singular, plural, num),
                         context.eval_ctx.autoescape, variables)

    env.install_gettext_callables(
        gettext=lambda s: catalogue(get_locale()).ugettext(s),
        ngettext=lambda s, p, n: catalogue(get_locale()).ungettext(s, p, n),
        pgettext=lambda c, s: catalogue(get_locale()).upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue(get_locale()).unpgettext(c, s, p, n), newstyle=True)
    # The two the templates call most, in place of Jinja's wrappers (same results); `_` calls gettext directly
    # instead of looking it up in the template's context on each call.
    env.globals.update(gettext=gettext, ngettext=ngettext, _=gettext)


def init_app(app) -> None:
    from trainer import ROOT

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(ROOT / "translations"))
    _template_gettext(app.jinja_env)
    app.jinja_env.filters["number"] = lambda value, digits=0: _number(str(get_locale()), value, digits) \
        if value is not None else ""
    app.jinja_env.filters["percent"] = lambda value: _percent(str(get_locale()), value) if value is not None else ""

    @app.context_processor
    def _language_globals():
        code = language()
        return {"shown_locale": get_locale(), "page_language": code, "page_direction": direction(code),
                "language_direction": direction,
                "dir_for": lambda other: dir_attribute(other, code),
                "languages": [(c, KNOWN[c][0]) for c in enabled_languages()]}
