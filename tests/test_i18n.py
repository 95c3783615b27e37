"""The translations templates ask for (trainer/i18n.py, trainer/templating.py): each string, date and percentage in the
language shown now, remembered per language, with Jinja's newstyle rules (always a format string, variables
escaped)."""
from __future__ import annotations

import contextvars
import datetime as dt

from flask import render_template_string
from flask_babel import force_locale


def _shown(app, language: str, render):
    """What `render()` gives in a request of its own from a browser asking for `language`."""
    def run():
        with app.test_request_context("/", headers={"Accept-Language": language}):
            return str(render())
    return contextvars.Context().run(run)


def _page(app, language: str, source: str, **context):
    return _shown(app, language, lambda: render_template_string(source, **context))


def test_each_request_sees_its_own_language_however_often_a_string_was_shown_before(app):
    source = '{{ _("Readiness") }}'
    assert _page(app, "fr", source) == "État de préparation"
    assert _page(app, "en", source) == "Readiness"
    assert _page(app, "fr", source) == "État de préparation"


def test_a_recipients_language_forced_inside_a_page_is_the_one_shown_then_the_pages_again(app):
    def render():
        with force_locale("en"):
            forced = render_template_string('{{ _("Readiness") }}')
        return forced + " / " + render_template_string('{{ _("Readiness") }}')

    assert _shown(app, "fr", render) == "Readiness / État de préparation"


def test_a_template_without_the_pages_context_still_shows_the_requests_language(app):
    # A macro imported without context has none of the page's context processors' values.
    assert _shown(app, "fr", lambda: app.jinja_env.from_string('{{ _("Readiness") }}').render()) \
        == "État de préparation"


def test_text_is_a_format_string_and_its_variables_are_escaped(app):
    assert _page(app, "en", '{{ _("100%% ready") }}') == "100% ready"
    assert _page(app, "en", '{{ _("%(name)s is ready", name=who) }}', who="<b>Ann</b>") \
        == "&lt;b&gt;Ann&lt;/b&gt; is ready"
    # Any name may be a variable, those of the functions' own parameters included.
    assert _page(app, "en", '{{ _("%(string)s, %(context)s", string="a", context="b") }}') == "a, b"


def test_plurals_follow_the_language_and_the_number(app):
    source = '{{ ngettext("%(num)d unit", "%(num)d units", n) }}'
    assert _page(app, "fr", source, n=1) == "1 unité"
    assert _page(app, "fr", source, n=3) == "3 unités"
    assert _page(app, "en", source, n=3) == "3 units"
    assert _page(app, "fr", '{{ ngettext("%(num)d unit", "%(num)d units", 3, plural="x", singular="y") }}') \
        == "3 unités"


def test_dates_and_percentages_are_written_as_each_requests_language_writes_them(app):
    source = "{{ day|date }} · {{ share|percent }}"
    english = _page(app, "en", source, day=dt.date(2026, 3, 1), share=42)
    french = _page(app, "fr", source, day=dt.date(2026, 3, 1), share=42)
    assert english == "01 Mar 2026 · 42%"
    assert french.startswith("01 mars 2026 · 42") and french.endswith("%") and french != english
    assert _page(app, "en", source, day=dt.date(2026, 3, 1), share=42) == english
