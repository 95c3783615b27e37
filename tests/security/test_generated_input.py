"""Bad input is never a 500, and a refused request writes nothing: for every rule of the URL map and every
method, as each role (and anonymous) on objects in scope, hypothesis sends generated values into the
form fields of the view's WTForms forms and into the query parameters it reads (and into names nobody
reads). Every answer must be below 500; every 4xx must leave every table's row count and the audit
chain's head as they were (the public rate limit's and the sign-in throttle's own counters apart).

A bounded number of examples per endpoint keeps the walk to a few minutes; the examples are
derandomised, so a failure found once is found again."""
from __future__ import annotations

import inspect
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from wtforms import fields as wtf
from wtforms.fields.core import UnboundField

from tests.auth.test_access_matrix import (ROLES, actor_state, build_world, kind_for, objects_for, restore_actor,
                                           sign_in_as, url_cells, url_for_cell)
from trainer.auth.policy import POLICY

EXAMPLES = 3
# Counters that a refused request is meant to move (hits on the public verify pages, failed sign-ins), and the
# readiness figures cache, which a refused form's page may fill and which holds no record of its own.
COUNTERS = {"rate_events", "login_attempts", "readiness_figures"}
SKIPPED = {"static"}
COMMON_PARAMS = ["page", "q", "unit", "unit_id", "profile", "as_of", "status", "month", "view", "nation", "person_id",
                 "objective_id", "type", "from", "to", "format", "serial", "next", "role", "scope", "id"]
JUNK = ["", "-1", "0", "1", "99999999999999999999999", "2026-02-30", "0000-00-00", "\x00", "%00", "é" * 3000,
        "' OR 1=1 --", "../../etc/passwd", "<script>alert(1)</script>", "1e309", "NaN", "true", " ", "[]", "{}"]
ARGS = re.compile(r"request\.args\.get(?:list)?\(\s*[\"'](\w+)[\"']|request\.args\[[\"'](\w+)[\"']\]")
FORM = re.compile(r"\b([A-Z]\w*Form)\b")

text_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
numbers = st.one_of(st.integers(min_value=-2**70, max_value=2**70).map(str),
                    st.integers(min_value=-3, max_value=60).map(str))
dates = st.one_of(st.dates().map(str), st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z", fullmatch=True),
                  st.datetimes().map(lambda d: d.isoformat()))
anything = st.one_of(st.sampled_from(JUNK), text_values, numbers, dates)


def _view_source(app, endpoint: str) -> tuple[str, dict]:
    """The view's source with that of the module's own helpers it calls (a form built by `_person_form()`)."""
    function = inspect.unwrap(app.view_functions[endpoint])
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return "", {}
    names = function.__globals__
    for helper in set(re.findall(r"\b(_\w+)\(", source)):
        if inspect.isfunction(names.get(helper)):
            source += inspect.getsource(names[helper])
    return source, names


def form_fields(app, endpoint: str) -> dict[str, type]:
    """Field name -> WTForms field class, for every form class the view names."""
    source, names = _view_source(app, endpoint)
    found = {}
    for name in set(FORM.findall(source)):
        form = names.get(name)
        if not isinstance(form, type):
            continue
        for attribute in dir(form):
            value = getattr(form, attribute, None)
            if isinstance(value, UnboundField) and attribute != "submit":
                found[attribute] = value.field_class
    return found


def query_params(app, endpoint: str) -> set[str]:
    source, _ = _view_source(app, endpoint)
    return {a or b for a, b in ARGS.findall(source)}


def value_for(field_class) -> st.SearchStrategy:
    if issubclass(field_class, (wtf.IntegerField, wtf.DecimalField, wtf.FloatField)):
        return st.one_of(numbers, anything)
    if issubclass(field_class, (wtf.DateField, wtf.DateTimeField, wtf.TimeField)):
        return st.one_of(dates, anything)
    if issubclass(field_class, wtf.BooleanField):
        return st.sampled_from(["y", "", "false", "on"])
    if issubclass(field_class, (wtf.SelectField, wtf.SelectMultipleField, wtf.RadioField)):
        return st.one_of(numbers, anything)
    return anything


def files() -> st.SearchStrategy:
    contents = st.one_of(st.binary(max_size=400), st.sampled_from([b"", b"PK\x03\x04junk", b"\xef\xbb\xbfa;b\n1;2\n",
                                                                  b"%PDF-1.4", b"a,b\n" + b"x" * 140_000 + b",1\n"]))
    return st.tuples(contents, st.sampled_from(["roster.csv", "msel.csv", "pack.zip", "x.xlsx", "x"]))


def _state(db) -> tuple:
    """Every table's row count and the audit chain's head, in one query."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in COUNTERS]
    counts = ", ".join(f'(SELECT count(*) FROM "{t.name}")' for t in tables)
    db.session.rollback()
    row = db.session.execute(text(f"SELECT {counts}")).one()
    head = db.session.execute(text("SELECT max(id) FROM audit_events")).scalar()
    db.session.rollback()
    return dict(zip((t.name for t in tables), row)), head


def _request(client, method: str, url: str, query: dict, form: dict):
    multipart = any(isinstance(v, tuple) for v in form.values())
    data = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in form.items()}
    response = client.open(url, method=method, query_string=query, data=data if method != "GET" else None,
                           content_type="multipart/form-data" if multipart else None)
    response.close()
    return response.status_code


def fuzz_cell(world, client, db, cell, url: str, problems: list[str]) -> None:
    fields = form_fields(world.app, cell.endpoint)
    params = sorted(query_params(world.app, cell.endpoint) | set(COMMON_PARAMS[:6]))
    writes = cell.method != "GET" and world.actor is not None

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def one(data):
        query = {p: data.draw(anything) for p in params if data.draw(st.booleans())}
        form = {}
        if cell.method != "GET":
            for name, field_class in fields.items():
                if data.draw(st.integers(0, 5)) == 0:
                    continue  # a field left out
                form[name] = data.draw(files() if issubclass(field_class, wtf.FileField) else value_for(field_class))
            if data.draw(st.booleans()):
                form[data.draw(st.from_regex(r"\A[a-z_]{1,12}\Z", fullmatch=True))] = data.draw(anything)
        before_actor = actor_state(world) if writes else None
        before = _state(db)
        status = _request(client, cell.method, url, query, form)
        where = f"{cell.method} {url} [{cell.endpoint}] as {world.role.value if world.role else 'anonymous'}"
        if status >= 500:
            problems.append(f"{where}: {status} for query={query!r:.300} form={form!r:.300}")
        elif 400 <= status < 500:
            after = _state(db)
            if after != before:
                changed = sorted(t for t in before[0] if before[0][t] != after[0][t])
                problems.append(f"{where}: refused with {status} but wrote {changed or 'an audit event'} "
                                f"for query={query!r:.200} form={form!r:.200}")
        if writes:
            restore_actor(world, client, before_actor)

    one()


@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda r: r.value if r else "anonymous")
def test_generated_input_never_causes_a_server_error_and_refusals_write_nothing(
        role, app, db, client, make_unit, make_person, make_user):
    world = build_world(role, app, db, make_unit, make_person, make_user)
    if role is not None:
        sign_in_as(world, client)
    problems: list[str] = []
    walked = 0
    for cell in url_cells(app):
        rule = POLICY.get(cell.endpoint)
        if cell.endpoint in SKIPPED or rule is None:
            continue
        if not (rule.public or (world.actor is not None and rule.allows(world.actor))):
            continue  # refused before any view runs: the access matrix covers it
        url = url_for_cell(app, cell, objects_for(world, kind_for(cell)).inside, world)
        fuzz_cell(world, client, db, cell, url, problems)
        walked += 1
    assert walked >= (3 if role is None else 10)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_walk_finds_the_forms_and_parameters_of_the_views(app):
    """The fuzzing reaches into real fields: the person form's fields and the list filters are found."""
    assert {"family_name", "service_number", "unit_id"} <= set(form_fields(app, "org.person_new"))
    assert "reason" in form_fields(app, "certificates.revoke")
    assert "serial" in query_params(app, "certificates.verify_form")
