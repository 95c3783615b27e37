"""The one builder of curriculum modules for tests that need a module row without importing a pack: the service,
page and browser tests of every domain (a pack imported from files is tests/curricula/factories.py)."""
from __future__ import annotations

import datetime as dt

IMPORTED_AT = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


def module_row(code: str = "HR-01", version: str = "1.0", *, title: str | dict | None = None,
               validity_months: int = 12, retrain_on_major: bool = False, audience=("military",),
               pack_code: str = "test", questions_per_attempt: int = 5, imported_at: dt.datetime | None = None):
    """A Module (not added to any session): `title` a text in English or a {language: text}; the content hash
    is derived from the code and version, so that two versions of a module differ as imported ones do."""
    from trainer.curricula.models import Module

    major, minor = (int(part) for part in version.split("."))
    if title is None:
        title = code
    return Module(code=code, version=version, major=major, minor=minor, pack_code=pack_code,
                  content_hash=f"{code}-{version}".ljust(64, "0"),
                  title=title if isinstance(title, dict) else {"en": title}, summary={"en": ""},
                  audience=list(audience), validity_months=validity_months, pass_mark=80,
                  questions_per_attempt=questions_per_attempt, retrain_on_major=retrain_on_major, prerequisites=[],
                  objectives=[], imported_at=imported_at or IMPORTED_AT)


def add_module(session, code: str = "HR-01", version: str = "1.0", **fields):
    """The module `code` at `version` in the database: the one there (which must have the fields asked for), or a
    new one (module_row) committed."""
    from sqlalchemy import select

    from trainer.curricula.models import Module

    module = module_row(code, version, **fields)
    found = session.scalar(select(Module).where(Module.code == code, Module.version == version))
    if found is not None:
        differ = [name for name in ("title", "validity_months", "retrain_on_major", "audience", "pack_code",
                                    "questions_per_attempt") if getattr(found, name) != getattr(module, name)]
        assert not differ, f"{code} {version} is already in the database with other {', '.join(differ)}"
        return found
    session.add(module)
    session.commit()
    return module
