"""Modules and their versions, readiness profiles: the curricula services the catalogue pages use."""
from __future__ import annotations

from flask_smorest import Blueprint

from trainer.api.schemas import curricula as schemas
from trainer.curricula import services

blp = Blueprint("api_curricula", __name__, url_prefix="/api/v1", description="Modules and readiness profiles.")


class _Versioned:
    """A module version seen with the numbers of all versions of its code."""

    def __init__(self, module, versions: list[str]):
        self._module = module
        self.versions = versions

    def __getattr__(self, name):
        return getattr(self._module, name)


def _with_versions(module, versions: dict[str, list[str]]) -> _Versioned:
    return _Versioned(module, versions.get(module.code, [module.version]))


@blp.route("/modules")
@blp.response(200, schemas.ModuleList)
def list_modules():
    """Every module in its current version, with the numbers of its versions"""
    versions = services.version_numbers()
    return {"items": [_with_versions(m, versions) for m in services.list_current_modules()]}


@blp.route("/modules/<module_code>")
@blp.response(200, schemas.ModuleSchema)
def get_module(module_code: str):
    """A module in its current version, with the numbers of its versions"""
    module = services.get_module(module_code)
    return _with_versions(module, {module.code: [m.version for m in services.list_versions(module.code)]})


@blp.route("/modules/<module_code>/versions")
@blp.response(200, schemas.ModuleVersionList)
def list_module_versions(module_code: str):
    """Every version of a module, newest first"""
    services.get_module(module_code)  # an unknown code is not found, not an empty list
    return {"items": services.list_versions(module_code)}


@blp.route("/modules/<module_code>/versions/<version>")
@blp.response(200, schemas.ModuleVersionDetailSchema)
def get_module_version(module_code: str, version: str):
    """One version of a module, with its lessons (their text is read on the lesson pages)"""
    return services.get_module(module_code, version)


@blp.route("/profiles")
@blp.response(200, schemas.ProfileList)
def list_profiles():
    """The readiness profiles"""
    return {"items": services.list_profiles()}


@blp.route("/profiles/<profile_code>")
@blp.response(200, schemas.ProfileSchema)
def get_profile(profile_code: str):
    """A readiness profile: its required modules, exercise requirement, screening and warning window"""
    return services.get_profile(profile_code)
