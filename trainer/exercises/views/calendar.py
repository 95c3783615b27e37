"""The exercise calendar (a list or a month), the private calendar feed and an exercise's iCalendar file."""
from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from babel.dates import get_day_names
from flask_babel import force_locale, format_date, get_locale, gettext as _
from flask_login import current_user

from trainer.db import utcnow
from trainer.enums import ExerciseType
from trainer.exercises import feeds, pages, services
from trainer.exercises.calendar import build_ics
from trainer.exercises.models import ExerciseStatus


def _weekdays() -> list[dict]:
    """Monday to Sunday in the reader's language: a short name for the grid, the long one for its title."""
    locale = get_locale() or "en"
    short, long = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    return [{"short": short[day], "long": long[day]} for day in range(7)]


def index():
    viewer_zone = current_user.timezone or "UTC"
    filters = pages.Filters.read(request.args.get("nation"), request.args.get("type"), request.args.get("status"))
    view = "month" if request.args.get("view") == "month" else "list"
    common = {"view": view, "nations": pages.list_active_nations(current_user), "filters": filters.as_dict(),
              "types": list(ExerciseType), "statuses": list(ExerciseStatus), "viewer_zone": viewer_zone}
    if view == "month":
        month = pages.get_month_page(current_user, filters, month_text=request.args.get("month"),
                                     viewer_zone=viewer_zone, now=utcnow())
        return render_template("exercises/index.html", weeks=month.weeks, month_label=format_date(month.first, "LLLL y"),
                               weekdays=_weekdays(),
                               prev_month=month.prev_month, next_month=month.next_month, today=month.today,
                               when=None, **common)
    when = request.args.get("when") if request.args.get("when") in ("upcoming", "past", "all") else "upcoming"
    sort = request.args.get("sort") if request.args.get("sort") in services.SORTS else None
    direction = request.args.get("dir") if request.args.get("dir") in ("asc", "desc") else None
    page = services.page_of_exercises(current_user, nation=filters.nation, type_=filters.type, status=filters.status,
                                      when=when, now=utcnow(), page=request.args.get("page", 1, type=int), sort=sort,
                                      descending=None if direction is None else direction == "desc")
    shown_sort = sort or "start"
    shown_dir = direction or ("desc" if when == "past" and shown_sort == "start" else "asc")
    return render_template("exercises/index.html", page=page, when=when, sort=shown_sort, direction=shown_dir,
                           **common)


def feed(token: str):
    owner = feeds.get_feed_owner(token)
    with force_locale(owner.language or "en"):  # a calendar program has no session: the owner's language
        body = build_ics(feeds.list_feed_exercises(owner), name=_("Exercises — %(name)s", name=owner.display_name),
                         base_url=current_app.config["PUBLIC_URL"])
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": 'inline; filename="exercises.ics"',
                                                             "Cache-Control": "private, max-age=300"})


def feed_regenerate():
    feeds.regenerate_calendar_token(current_user)
    flash(_("A new calendar address was made. The old one no longer works: subscribe again with the new one."),
          "success")
    return redirect(url_for("exercises.index"))


def ics(exercise_id: int):
    ex = services.get_exercise(current_user, exercise_id)
    body = build_ics([ex], name=f"{ex.code} — {ex.title}", base_url=current_app.config["PUBLIC_URL"])
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{ex.code}.ics"'})
