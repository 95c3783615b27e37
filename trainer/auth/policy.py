"""The access policy: which roles may use which endpoint, and which scoped object the URL names.

Every endpoint of the application must appear here: an endpoint missing from the table is refused
at run time (fail closed) and fails the access-matrix test. Scope (which *objects* a user may see)
is enforced by trainer.auth.scoping; this table decides which *roles* may use an endpoint at all.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from trainer.enums import ParticipantRole, Role, ScopeKind

A = Role.ADMIN
TO = Role.TRAINING_OFFICER
EV = Role.EVALUATOR
CO = Role.COMMANDER
TR = Role.TRAINEE
ALL_ROLES = frozenset(Role)
# The roles `flask users create` may grant at the server's console (the first administrator, an officer or a
# commander of a nation); evaluators and trainees are granted in the application.
COMMAND_LINE_ROLES = (A, TO, CO)


def reaches_everything(role: Role, scope_kind: ScopeKind) -> bool:
    """Whether a grant of `role` over `scope_kind` reaches every object of its ability: an administrator's grant
    wherever it is scoped, or any grant over the whole mission (auth.scoping, the shared figures' cache keys)."""
    return role is A or scope_kind is ScopeKind.MISSION


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] = frozenset()
    public: bool = False          # no login needed
    any_user: bool = False        # any signed-in user, whatever their grants
    obj: str | None = None        # the scoped object kind named by the URL (person, unit, exercise, ...)

    def allows(self, user) -> bool:
        if self.public:
            return True
        if user is None or not user.is_authenticated:
            return False
        if self.any_user:
            return True
        return bool(user.roles & self.roles)


def public() -> Rule:
    return Rule(public=True)


def signed_in() -> Rule:
    return Rule(any_user=True)


def roles(*names: Role, obj: str | None = None) -> Rule:
    return Rule(roles=frozenset(names), obj=obj)


POLICY: dict[str, Rule] = {
    # --- core ---------------------------------------------------------------------------------
    "static": public(),
    "core.index": signed_in(),
    "core.healthz": public(),
    "core.language": public(),
    "core.notifications": signed_in(),
    "core.notification_read": signed_in(),
    "core.notifications_read_all": signed_in(),
    # --- auth ---------------------------------------------------------------------------------
    "auth.login": public(),
    "auth.sso_start": public(),
    "auth.sso_callback": public(),
    "auth.logout": signed_in(),
    "auth.change_password": signed_in(),
    "auth.profile": signed_in(),
    "auth.admin_users": roles(A),
    "auth.admin_user_new": roles(A),
    "auth.admin_user": roles(A, obj="user"),
    "auth.admin_user_grant_add": roles(A, obj="user"),
    "auth.admin_user_grant_remove": roles(A, obj="user"),
    "auth.admin_user_disable": roles(A, obj="user"),
    "auth.admin_user_enable": roles(A, obj="user"),
    "auth.admin_user_reset": roles(A, obj="user"),
    "auth.admin_user_sso_link": roles(A, obj="user"),
    "auth.admin_user_sso_unlink": roles(A, obj="user"),
    "auth.bulk_accounts": roles(A, TO, obj="unit"),
    # --- audit --------------------------------------------------------------------------------
    "audit.events": roles(A),
    "audit.export": roles(A),
    "audit.verify": roles(A),
    # --- org ----------------------------------------------------------------------------------
    "org.nations": roles(A),
    "org.nation_toggle": roles(A),
    "org.units": roles(A, TO, CO),
    "org.unit_new": roles(A, TO),
    "org.unit": roles(A, TO, CO, obj="unit"),
    "org.unit_edit": roles(A, TO, obj="unit"),
    "org.people": roles(A, TO, CO),
    "org.person_lookup": roles(A, TO, CO),  # the person picker's search; the results follow the scope
    "org.people_export": roles(A, TO, CO),
    "org.bulk_assign": roles(A, TO),
    "org.bulk_accounts": roles(A, TO),
    "org.bulk_transfer": roles(A, TO),
    "org.person_new": roles(A, TO),
    "org.person": roles(A, TO, CO, TR, obj="person"),
    "org.person_edit": roles(A, TO, obj="person"),
    "org.person_transfer": roles(A, TO, obj="person"),
    "org.person_leave": roles(A, TO, obj="person"),
    "org.roster_import": roles(A, TO),
    # --- curricula ----------------------------------------------------------------------------
    "curricula.index": signed_in(),
    "curricula.module": signed_in(),
    "curricula.module_version": signed_in(),
    "curricula.profile": signed_in(),
    "curricula.upload": roles(A),
    # --- learning -----------------------------------------------------------------------------
    "learning.index": signed_in(),
    "learning.lesson": signed_in(),
    "learning.lesson_read": roles(TR),
    "learning.attempt_start": roles(TR),
    "learning.attempt": roles(TR, obj="attempt"),
    "learning.assign": roles(A, TO),
    "learning.assignments": roles(A, TO),
    "learning.withdraw_module_assignment": roles(A, TO, obj="module_assignment"),
    "learning.withdraw_profile_assignment": roles(A, TO, obj="profile_assignment"),
    "learning.sessions": roles(A, TO),
    "learning.session_new": roles(A, TO),
    "learning.session": roles(A, TO, obj="session"),
    "learning.person": roles(A, TO, CO, TR, obj="person"),
    "learning.recognise": roles(A, TO, obj="person"),
    "learning.matrix": roles(A, TO, CO),
    "learning.matrix_export": roles(A, TO, CO),
    "learning.attention": roles(A, TO, CO),
    "learning.attention_export": roles(A, TO, CO),
    "learning.remind": roles(A, TO, CO, obj="person"),
    # --- exercises ----------------------------------------------------------------------------
    "exercises.index": signed_in(),
    "exercises.feed": public(),  # the secret token in the URL is the credential; revocable
    "exercises.feed_regenerate": signed_in(),
    "exercises.new": roles(A, TO),
    "exercises.show": roles(A, TO, CO, EV, TR, obj="exercise"),
    "exercises.ics": roles(A, TO, CO, EV, TR, obj="exercise"),
    "exercises.edit": roles(A, TO, obj="exercise"),
    "exercises.transition": roles(A, TO, CO, EV, TR, obj="exercise"),
    "exercises.participants": roles(A, TO, CO, EV, TR, obj="exercise"),
    "exercises.nominate": roles(A, TO, obj="exercise"),
    "exercises.participant_decide": roles(A, TO, obj="exercise"),
    "exercises.participant_withdraw": roles(A, TO, obj="exercise"),
    "exercises.assignment_add": roles(A, TO, obj="exercise"),
    "exercises.assignment_remove": roles(A, TO, obj="exercise"),
    "exercises.objectives": roles(A, TO, CO, EV, TR, obj="exercise"),
    "exercises.objective_add": roles(A, TO, obj="exercise"),
    "exercises.objective_remove": roles(A, TO, obj="exercise"),
    "exercises.milestones": roles(A, TO, CO, EV, TR, obj="exercise"),
    "exercises.milestones_save": roles(A, TO, obj="exercise"),
    "exercises.milestone_held": roles(A, TO, obj="exercise"),
    "exercises.conflicts": roles(A, TO, CO, EV, TR, obj="exercise"),
    # The MSEL: planners, controllers, evaluators, trusted agents and the director (players never: 404).
    "exercises.msel_list": roles(A, TO, EV, TR, obj="exercise"),
    "exercises.msel_timeline": roles(A, TO, EV, TR, obj="exercise"),
    "exercises.msel_export": roles(A, TO, EV, TR, obj="exercise"),
    "exercises.msel_new": roles(A, TO, EV, TR, obj="exercise"),
    "exercises.msel_edit": roles(A, TO, EV, TR, obj="exercise"),
    "exercises.msel_import": roles(A, TO, EV, TR, obj="exercise"),
    "exercises.msel_release": roles(A, TO, EV, TR, obj="exercise"),
    "exercises.msel_skip": roles(A, TO, EV, TR, obj="exercise"),
    # --- assessments --------------------------------------------------------------------------
    # Evaluation screens: any role may hold an evaluating part in an exercise (a training officer
    # directing it, a trainee account of a lead evaluator); the service checks that part and sends
    # others in scope to the exercise page.
    "assessments.index": signed_in(),
    "assessments.exercise": roles(A, TO, CO, EV, TR, obj="exercise"),
    "assessments.objective": roles(A, TO, CO, EV, TR, obj="exercise"),
    "assessments.observation": roles(A, TO, CO, EV, TR, obj="observation"),
    "assessments.rating": roles(A, TO, CO, EV, TR, obj="rating"),
    "assessments.adjudicate": roles(A, TO, CO, EV, TR, obj="exercise"),
    "assessments.aar": roles(A, TO, CO, EV, TR, obj="exercise"),
    "assessments.aar_summary": roles(A, TO, CO, EV, TR, obj="exercise"),
    "assessments.aar_pdf": roles(A, TO, CO, EV, TR, obj="exercise"),
    "assessments.improvement_new": roles(A, TO, CO, EV, TR, obj="exercise"),
    "assessments.improvement": roles(A, TO, CO, EV, TR, obj="item"),
    "assessments.improvements": roles(A, TO, CO),
    # --- readiness ----------------------------------------------------------------------------
    "readiness.index": roles(A, CO, TO),
    "readiness.unit": roles(A, CO, TO, obj="unit"),
    "readiness.unit_assess": roles(A, CO, obj="unit"),
    "readiness.person": roles(A, CO, TO, TR, obj="person"),
    "readiness.waiver_new": roles(A, CO, obj="person"),
    "readiness.waiver_revoke": roles(A, CO, obj="waiver"),
    "readiness.deployments": roles(A, CO, TO),
    "readiness.deployment_new": roles(A, CO, TO),
    "readiness.deployment": roles(A, CO, TO, obj="deployment"),
    "readiness.deployment_member_remove": roles(A, CO, TO, obj="deployment"),
    "readiness.export": roles(A, CO, TO),
    # --- certificates -------------------------------------------------------------------------
    "certificates.index": roles(A, CO, TO, TR),
    "certificates.detail": roles(A, CO, TO, TR, obj="certificate"),
    "certificates.download": roles(A, CO, TO, TR, obj="certificate"),
    "certificates.person": roles(A, CO, TO, TR, obj="person"),
    "certificates.issue": roles(A, CO, obj="person"),
    "certificates.revoke": roles(A, CO, obj="certificate"),
    "certificates.recertify": roles(A, CO, obj="certificate"),
    "certificates.bulk_issue": roles(A, CO),
    "certificates.batch": roles(A, CO, obj="certificate_batch"),
    "certificates.batch_status": roles(A, CO, obj="certificate_batch"),
    "certificates.batch_zip": roles(A, CO, obj="certificate_batch"),
    "certificates.batch_pdf": roles(A, CO, obj="certificate_batch"),
    "certificates.verify_form": public(),
    "certificates.verify": public(),
    "certificates.keys": public(),
    "certificates.open_badge": roles(A, CO, TO, TR, obj="certificate"),
    "certificates.open_badge_name": roles(TR, obj="certificate"),  # the holder's own choice
    "certificates.openbadges_issuer": public(),
    "certificates.openbadges_key": public(),
    "certificates.openbadges_status": public(),
    "certificates.public_keys": public(),
    "certificates.offline_verifier": public(),
    "certificates.status_json": public(),
    # --- the JSON API (/api/v1/): the same roles as the pages; a bearer token, never the session ---------
    "api_docs.openapi_json": public(),
    "api_docs.reference": public(),
    "api_account.tokens_page": signed_in(),
    "api_account.token_revoke": signed_in(),  # one's own tokens only (another's is 404)
    "api_org.list_nations": signed_in(),
    "api_org.list_units": roles(A, TO, CO),
    "api_org.get_unit": roles(A, TO, CO, obj="unit"),
    "api_org.list_people": roles(A, TO, CO),
    "api_org.get_person": roles(A, TO, CO, TR, obj="person"),
    "api_org.update_person": roles(A, TO, obj="person"),
    "api_org.import_roster": roles(A, TO),
    "api_learning.list_completions": roles(A, TO, CO, TR, obj="person"),
    "api_learning.record_recognised": roles(A, TO),
    "api_learning.record_session": roles(A, TO),
    "api_learning.get_session": roles(A, TO, obj="session"),
    "api_learning.record_attendance": roles(A, TO, obj="session"),
    "api_learning.list_assignments": roles(A, TO),
    "api_learning.create_assignment": roles(A, TO),
    "api_learning.get_module_assignment": roles(A, TO, obj="module_assignment"),
    "api_learning.get_profile_assignment": roles(A, TO, obj="profile_assignment"),
    "api_learning.withdraw_module_assignment": roles(A, TO, obj="module_assignment"),
    "api_learning.withdraw_profile_assignment": roles(A, TO, obj="profile_assignment"),
    "api_readiness.unit_readiness": roles(A, CO, TO, obj="unit"),
    "api_readiness.nation_readiness": roles(A, CO, TO),
    "api_readiness.person_readiness": roles(A, CO, TO, TR, obj="person"),
    "api_curricula.list_modules": signed_in(),
    "api_curricula.get_module": signed_in(),
    "api_curricula.list_module_versions": signed_in(),
    "api_curricula.get_module_version": signed_in(),
    "api_curricula.list_profiles": signed_in(),
    "api_curricula.get_profile": signed_in(),
    # Results follow the report's rule (any part in the exercise may open them; the service checks it).
    "api_assessments.get_exercise_results": roles(A, TO, CO, EV, TR, obj="exercise"),
    "api_exercises.list_exercises": signed_in(),
    "api_exercises.get_exercise": roles(A, TO, CO, EV, TR, obj="exercise"),
    "api_exercises.list_participants": roles(A, TO, CO, EV, TR, obj="exercise"),
    "api_exercises.get_participant": roles(A, TO, CO, EV, TR, obj="exercise"),
    "api_exercises.nominate": roles(A, TO, obj="exercise"),
    "api_exercises.decide_participant": roles(A, TO, obj="exercise"),
    "api_exercises.withdraw_participant": roles(A, TO, obj="exercise"),
    "api_certificates.list_certificates": roles(A, CO, TO, TR),
    "api_certificates.get_certificate": roles(A, CO, TO, TR, obj="certificate"),
    "api_certificates.list_person_certificates": roles(A, CO, TO, TR, obj="person"),
}


def rule_for(endpoint: str | None) -> Rule | None:
    if endpoint is None:
        return None
    return POLICY.get(endpoint)


# --- abilities: which roles may do what, for services and pages ------------------------------
# Services name an ability, never a role: `scope_condition(actor, "person", "training.record")`.
# The scoping helper then limits the objects to those the actor reaches through grants of these roles.

ABILITIES: dict[str, frozenset[Role]] = {
    "anything": ALL_ROLES,
    # signing in with an account name and password when TRAINER_LOCAL_LOGIN=admins
    "sign_in.local_when_restricted": frozenset({A}),
    # organisation: units and personnel records
    "org.read": frozenset({A, TO, CO}),
    "org.write": frozenset({A, TO}),
    "person.read": frozenset({A, TO, CO, TR}),
    # training: assignments, classroom and recognised completions, the matrix
    "training.record": frozenset({A, TO}),
    "training.view": frozenset({A, TO, CO}),
    "training.view_person": frozenset({A, TO, CO, TR}),
    # exercises and assessments
    "exercise.plan": frozenset({A, TO}),
    # approval is a commander's act: an administrator plans any exercise but does not approve it
    "exercise.approve": frozenset({CO}),
    "exercise.record": frozenset({A, TO, CO}),
    "assessment.manage": frozenset({A, TO, CO}),
    # readiness
    "readiness.view": frozenset({A, CO, TO}),
    "readiness.view_person": frozenset({A, CO, TO, TR}),
    "waiver.grant": frozenset({A, CO}),
    "unit.assess": frozenset({A, CO}),
    "deployment.manage": frozenset({A, CO, TO}),
    # the start page shows a card for each of these a user has
    "home.trainee": frozenset({TR}),
    "home.officer": frozenset({TO}),
    "home.commander": frozenset({CO}),
    "home.evaluator": frozenset({EV}),
    "home.admin": frozenset({A}),
    "command": frozenset({A, CO}),
    # who is sent the reminders of the people, exercises and improvement items their grants cover
    "reminders.receive": frozenset({TO}),
    # certificates
    "certificate.issue": frozenset({A, CO}),
    "certificate.read": frozenset({A, CO, TO, TR}),
    # staff who check certificates as their work: the public verify pages do not rate-limit them
    "certificate.verify_unlimited": frozenset({A, CO, TO}),
}

# Parts a person may hold in an exercise, by what the part lets them do there.
_EVALUATING = (ParticipantRole.EVALUATOR.value, ParticipantRole.LEAD_EVALUATOR.value)
PARTS: dict[str, tuple[str, ...]] = {
    "exercise.evaluate": _EVALUATING,
    "exercise.lead_evaluation": (ParticipantRole.LEAD_EVALUATOR.value,),
    "exercise.adjudicate": (ParticipantRole.LEAD_EVALUATOR.value, ParticipantRole.EXERCISE_DIRECTOR.value),
    "exercise.direct": (ParticipantRole.EXERCISE_DIRECTOR.value,),
    "exercise.control": (ParticipantRole.CONTROLLER.value, ParticipantRole.EXERCISE_DIRECTOR.value),
    # The MSEL: planners apart, only these parts ever see it (players never).
    "exercise.see_msel": _EVALUATING + (ParticipantRole.CONTROLLER.value, ParticipantRole.TRUSTED_AGENT.value,
                                        ParticipantRole.EXERCISE_DIRECTOR.value),
    # Staff whose exercises they reach through their part (not as players or observers).
    "exercise.staff": _EVALUATING + (ParticipantRole.CONTROLLER.value, ParticipantRole.EXERCISE_DIRECTOR.value,
                                     ParticipantRole.TRUSTED_AGENT.value),
    "exercise.play": (ParticipantRole.PLAYER.value,),
}


# The role of an account linked to its own personnel record, and the scopes each role's grants may take.
SELF_ROLE = TR
GRANT_SCOPES: dict[Role, tuple[frozenset[ScopeKind], str]] = {
    TR: (frozenset({ScopeKind.SELF}), _l("A trainee's scope is their own record.")),
    EV: (frozenset({ScopeKind.EXERCISES}), _l("An evaluator's scope is the exercises they are assigned to.")),
}


def grant_scope_problem(role: Role, kind: ScopeKind) -> str | None:
    """Why a grant of `role` cannot have a scope of `kind`, or None when it can."""
    allowed = GRANT_SCOPES.get(role)
    if allowed is not None and kind not in allowed[0]:
        return allowed[1]
    return None


def roles_with(ability: str) -> frozenset[Role]:
    """The roles whose grants carry `ability`; an unknown ability is a programming error."""
    return ABILITIES[ability]


def parts_with(ability: str) -> tuple[str, ...]:
    """The exercise parts (participant roles) that carry `ability`."""
    return PARTS[ability]


def has_ability(user, ability: str) -> bool:
    """Whether any of the user's grants carries `ability` (scope apart: see auth.scoping)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.roles & ABILITIES[ability])
