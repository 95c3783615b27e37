"""Checks across a whole curriculum: unique codes, known prerequisites and profile references, no cycles."""
from __future__ import annotations

from trainer.curricula.quality import check_module
from trainer.curricula.specs import N_, Curriculum, ModuleSpec, PackSpec, Problem, ProfileSpec

def cross_check(result: Curriculum, known_modules: set[str] = frozenset()) -> None:
    """Checks across files (unique codes, prerequisites and profile references, cycles) and each module's
    content rules (curricula.quality)."""
    problems = result.problems
    for module in result.modules:
        check_module(module, problems, result.warnings)
    by_code: dict[str, ModuleSpec] = {}
    for module in result.modules:
        other = by_code.get(module.code)
        if other is not None:
            problems.append(Problem(module.file, module.code_line,
                                    N_("module code %(code)s is already used in %(where)s"), code=module.code,
                                    where=f"{other.file}:{other.code_line}"))
            continue
        by_code[module.code] = module
    _check_codes_unique(result.packs, N_("pack code %(code)s is already used in %(where)s"), problems)
    _check_codes_unique(result.profiles, N_("profile code %(code)s is already used in %(where)s"), problems)
    available = set(by_code) | set(known_modules)
    for module in by_code.values():
        for prerequisite in module.prerequisites:
            if prerequisite not in available:
                problems.append(Problem(module.file, module.prerequisites_line,
                                        N_("prerequisite %(code)s is not a known module"), code=prerequisite))
    for cycle in _cycles({c: m.prerequisites for c, m in by_code.items()}):
        first = by_code[cycle[0]]
        problems.append(Problem(first.file, first.prerequisites_line,
                                N_("prerequisites form a cycle: %(cycle)s"), cycle=" -> ".join(cycle + [cycle[0]])))
    for profile in result.profiles:
        for code in profile.required_modules:
            if code not in available:
                problems.append(Problem(profile.file, profile.required_line,
                                        N_("profile %(profile)s requires %(code)s, which is not a known module"),
                                        profile=profile.code, code=code))


def _check_codes_unique(specs: list[PackSpec] | list[ProfileSpec], message: str, problems: list[Problem]) -> None:
    """A pack or profile file declares its code on its first line; a reused code points at the last file before
    that used it."""
    seen: dict[str, PackSpec | ProfileSpec] = {}
    for spec in specs:
        if spec.code in seen:
            problems.append(Problem(spec.file, 1, message, code=spec.code, where=seen[spec.code].file))
        seen[spec.code] = spec


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle once, found by depth-first search."""
    white, grey, black = 0, 1, 2
    colour = {node: white for node in graph}
    cycles, stack = [], []
    seen_sets = set()

    def visit(node):
        colour[node] = grey
        stack.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if colour[nxt] == grey:
                cycle = stack[stack.index(nxt):]
                key = frozenset(cycle)
                if key not in seen_sets:
                    seen_sets.add(key)
                    cycles.append(list(cycle))
            elif colour[nxt] == white:
                visit(nxt)
        stack.pop()
        colour[node] = black

    for node in sorted(graph):
        if colour[node] == white:
            visit(node)
    return cycles
