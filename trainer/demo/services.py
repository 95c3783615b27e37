"""Demo data: nations, unit trees, personnel with names in their own scripts, and an account for each
role at each scope kind. Each later domain adds its part through `trainer.<domain>.demo.seed(ctx)`."""
from __future__ import annotations

import datetime as dt
import importlib
import random
from dataclasses import dataclass, field

import pycountry
from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from trainer.audit.services import record_event, restart_chain
from trainer.auth.models import User
from trainer.auth.services import AuthSettings, create_user
from trainer.db import move_sequence, utc_today
from trainer.demo.data import LARGE_EXTRA, MILITARY_RANKS, NATIONS, POLICE_RANKS, SYLLABLES, XLARGE_EXTRA
from trainer.enums import Role
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.org.models import Nation, Person, Unit, UnitAssignment
from trainer.org.names import search_key
from trainer.org.services import create_unit

# Nations and people of each scale; xlarge also has deeper unit trees (bulk_org.py).
SCALES = {"small": (9, 320), "medium": (9, 1000), "large": (30, 10000), "xlarge": (50, 100000)}
# Domains that add demo data, in dependency order.
DEMO_DOMAINS = ("curricula", "learning", "exercises", "assessments", "readiness", "certificates")


@dataclass
class SeedContext:
    scale: str
    rng: random.Random
    today: dt.date
    settings: AuthSettings
    password: str
    nations: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (username, description)
    users: dict[str, User] = field(default_factory=dict)


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Person)) and \
        not db.session.scalar(select(func.count()).select_from(User))


def reset_database() -> None:
    """Remove every row (the schema stays). Used by `demo seed --reset` only."""
    from sqlalchemy import text

    dialect = db.session.get_bind().dialect.name
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if dialect == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        # Append-only tables refuse DELETE through triggers; a full reset lifts them for its own
        # transaction only and puts them back before it commits.
        triggers = db.session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _ in triggers:
            db.session.execute(text(f'DROP TRIGGER "{name}"'))
        db.session.execute(text("PRAGMA defer_foreign_keys=ON"))
        for table in tables:
            db.session.execute(text(f'DELETE FROM "{table.name}"'))
        for _, sql in triggers:
            db.session.execute(text(sql))
    restart_chain()  # the head row was deleted too: a new chain, and its old checkpoints set aside
    db.session.flush()


def seed(scale: str, password: str, settings: AuthSettings, *, today: dt.date | None = None, seed_value: int = 2026) -> SeedContext:
    if scale not in SCALES:
        raise Invalid(_("Scale must be small, medium, large or xlarge."))
    ctx = SeedContext(scale=scale, rng=random.Random(seed_value), today=today or utc_today(),
                      settings=settings, password=password)
    _seed_org(ctx)
    _seed_users(ctx)
    for domain in DEMO_DOMAINS:
        try:
            module = importlib.import_module(f"trainer.{domain}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"trainer.{domain}.demo":
                raise
            continue
        module.seed(ctx)
        db.session.flush()
        if domain == "curricula":
            # New modules would rebuild every person's readiness at the next commit; the readiness demo rebuilds
            # it once, after the bulk loads of the domains in between.
            from trainer.readiness.listeners import skip_full_rebuild

            skip_full_rebuild(db.session)
    record_event(None, "demo.seed", object_type="database", object_id=scale, after={"scale": scale})
    db.session.flush()
    return ctx


def _latin_name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _seed_org(ctx: SeedContext) -> None:
    rng = ctx.rng
    nation_count, total_target = SCALES[ctx.scale]
    nation_codes = (list(NATIONS) + LARGE_EXTRA + XLARGE_EXTRA)[:nation_count]
    for code in nation_codes:
        country = pycountry.countries.get(alpha_3=code)
        db.session.add(Nation(code=code, name=getattr(country, "common_name", None) or country.name))
    db.session.flush()
    ctx.nations = nation_codes

    # Small: a contingent, 2 battalions, 3 companies each (9 units a nation). Large: 10 units a nation.
    # Extra-large: 60 units a nation, written in bulk.
    leaf_units: dict[str, list[int]] = {}
    if ctx.scale == "xlarge":
        from trainer.demo import bulk_org

        leaf_units = bulk_org.seed_units(nation_codes, NATIONS)
        ctx.units = list(db.session.scalars(select(Unit.id)))
    for code in nation_codes if ctx.scale != "xlarge" else ():
        spec = NATIONS.get(code, {"contingent": f"{code} Contingent", "category": "military"})
        top = create_unit(None, nation_code=code, code=f"{code}-CONT", name=spec["contingent"], kind="contingent")
        leaves = []
        battalions = 2 if ctx.scale == "small" else 3
        for b in range(1, battalions + 1):
            kind = "formed_police_unit" if spec["category"] == "police" else "battalion"
            batt = create_unit(None, nation_code=code, code=f"{code}-B{b}", name=f"{'Formed Police Unit' if kind != 'battalion' else 'Battalion'} {b}",
                               kind=kind, parent_id=top.id)
            companies = 3 if ctx.scale == "small" else 2
            for c in range(1, companies + 1):
                leaves.append(create_unit(None, nation_code=code, code=f"{code}-B{b}-C{c}",
                                          name=f"{'ABCDEF'[c - 1]} Company, {batt.name}", kind="company", parent_id=batt.id))
            ctx.units.append(batt)
        ctx.units.append(top)
        ctx.units.extend(leaves)
        leaf_units[code] = [u.id for u in leaves]
    db.session.flush()

    per_nation = 40 if ctx.scale == "small" else total_target // len(nation_codes) + 1
    rows, assignments = [], []
    next_id = (db.session.scalar(select(func.max(Person.id))) or 0) + 1
    count = 0
    for code in nation_codes:
        spec = NATIONS.get(code)
        for i in range(per_nation):
            if count >= total_target:
                break
            if spec:
                fam_native, fam_latin = rng.choice(spec["family"])
                giv_native, giv_latin = rng.choice(spec["given"])
                category = spec["category"] if rng.random() < 0.85 else "military"
            else:
                fam_latin = fam_native = _latin_name(rng, 3)
                giv_latin = giv_native = _latin_name(rng, 2)
                category = "military" if rng.random() < 0.8 else "police"
            if rng.random() < 0.03:
                category = "civilian"
            ranks = POLICE_RANKS if category == "police" else MILITARY_RANKS
            rank_code, rank_title = rng.choice(ranks)
            if category == "civilian":
                rank_code, rank_title = "CIV-2", "Civilian staff"
            unit_id = rng.choice(leaf_units[code])
            screening = "cleared" if rng.random() < 0.9 else rng.choice(["pending", "hold"])
            service_number = f"{code[:2]}{100000 + i}"
            rows.append({
                "id": next_id, "nation_code": code, "unit_id": unit_id, "service_number": service_number,
                "family_name": fam_native, "given_names": giv_native, "family_name_latin": fam_latin,
                "given_names_latin": giv_latin,
                "search_text": search_key(fam_native, giv_native, fam_latin, giv_latin, service_number),
                "rank_code": rank_code, "national_rank": rank_title, "category": category,
                "email": f"{giv_latin.split()[0].lower()}.{fam_latin.lower().replace(' ', '')}.{next_id}@example.org",
                "screening": screening, "status": "active", "version": 1,
            })
            assignments.append({"person_id": next_id, "unit_id": unit_id,
                                "start_on": ctx.today - dt.timedelta(days=rng.randint(200, 1500)), "end_on": None, "note": ""})
            next_id += 1
            count += 1
    from trainer.db import utcnow

    now = utcnow()
    for row in rows:
        row["created_at"] = row["updated_at"] = now
    if ctx.scale == "xlarge":
        from trainer.demo import bulk_org

        bulk_org.write_people(rows, assignments)
        return
    for chunk in range(0, len(rows), 2000):
        db.session.execute(insert(Person), rows[chunk:chunk + 2000])
        db.session.execute(insert(UnitAssignment), assignments[chunk:chunk + 2000])
    move_sequence(db.session, Person.__tablename__)  # written with explicit ids
    db.session.flush()


def _seed_users(ctx: SeedContext) -> None:
    settings = ctx.settings

    def add(username, display, grants, description, person=None):
        # Every account gets its own salted hash, even with the shared demo password.
        user, _none = create_user(settings, None, username=username, display_name=display, password=ctx.password,
                                  grants=grants, person_id=person.id if person else None, audit=False)
        ctx.users[username] = user
        ctx.logins.append((username, description))
        return user

    npl_batt = db.session.scalar(select(Unit).where(Unit.code == "NPL-B1"))
    trainee_person = db.session.scalar(select(Person).where(Person.nation_code == "NPL", Person.screening == "cleared").order_by(Person.id))
    evaluator_person = db.session.scalar(select(Person).where(Person.nation_code == "RWA", Person.rank_code.like("OF-%")).order_by(Person.id))
    fra_trainee = db.session.scalar(select(Person).where(Person.nation_code == "FRA").order_by(Person.id))

    add("admin", "Mission Administrator", [(Role.ADMIN, "mission")], "admin, whole mission")
    add("commander", "Force Commander (mission)", [(Role.COMMANDER, "mission")], "commander, whole mission")
    add("commander.npl", "Contingent Commander Nepal", [(Role.COMMANDER, "nation", "NPL")], "commander, nation NPL")
    add("commander.npl-b1", "Commanding Officer NPL-B1", [(Role.COMMANDER, "unit", None, npl_batt.id)], "commander, unit NPL-B1 and sub-units")
    add("officer", "Chief Training Officer (mission)", [(Role.TRAINING_OFFICER, "mission")], "training officer, whole mission")
    add("officer.npl", "Training Officer Nepal", [(Role.TRAINING_OFFICER, "nation", "NPL")], "training officer, nation NPL")
    add("officer.fra", "Officier formation France", [(Role.TRAINING_OFFICER, "nation", "FRA")], "training officer, nation FRA")
    add("officer.rwa", "Training Officer Rwanda", [(Role.TRAINING_OFFICER, "nation", "RWA")], "training officer, nation RWA")
    add("officer.npl-b1", "Training Officer NPL-B1", [(Role.TRAINING_OFFICER, "unit", None, npl_batt.id)], "training officer, unit NPL-B1")
    add("evaluator", "Lead Evaluator", [(Role.EVALUATOR, "exercises")], "evaluator, assigned exercises", person=evaluator_person)
    add("trainee", trainee_person.full_name_latin, [(Role.TRAINEE, "self")], "trainee, own record (NPL)", person=trainee_person)
    add("trainee.fra", fra_trainee.full_name_latin, [(Role.TRAINEE, "self")], "trainee, own record (FRA)", person=fra_trainee)
    db.session.flush()


def demo_logins() -> list[tuple[str, str]]:
    users = db.session.scalars(select(User).where(User.disabled.is_(False)).order_by(User.id).limit(40)).all()
    return [(u.username, "; ".join(g.describe() for g in u.grants)) for u in users]
