"""YAML read safely (no aliases, no duplicate keys) with line numbers kept, and the field checks every
curriculum file shares: each problem is reported with its file and line."""
from __future__ import annotations

import yaml

from trainer.curricula.specs import LANGUAGES, MAX_FILE_BYTES, N_, Message, Problem
from trainer.curricula.trees import Tree

ALIASES_REFUSED = N_("anchors and aliases (& and *) are not allowed in curriculum files")


class NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases: they allow "billion laughs" expansion and make
    files harder to review."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, ALIASES_REFUSED, event.start_mark)
        return super().compose_node(parent, index)


class Doc:
    """A parsed YAML document: its data and its node tree, to find the line of any key."""

    def __init__(self, data, node, file: str):
        self.data = data
        self.node = node
        self.file = file

    def node_at(self, *keys):
        node = self.node
        for key in keys:
            if node is None:
                return None
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key] if 0 <= key < len(node.value) else None
            else:
                return None
        return node

    def line(self, *keys) -> int | None:
        """The line of the value at keys; the nearest existing parent's line when it is missing."""
        for n in range(len(keys), -1, -1):
            node = self.node_at(*keys[:n])
            if node is not None:
                if n < len(keys) and isinstance(node, yaml.MappingNode):
                    return node.start_mark.line + 1
                return node.start_mark.line + 1
        return 1

    def key_line(self, *keys) -> int | None:
        """The line of the key itself (for a missing value, the mapping's first line)."""
        parent = self.node_at(*keys[:-1])
        if isinstance(parent, yaml.MappingNode):
            for k, _ in parent.value:
                if isinstance(k, yaml.ScalarNode) and k.value == keys[-1]:
                    return k.start_mark.line + 1
            return parent.start_mark.line + 1
        return self.line(*keys)


def _duplicate_keys(node, file: str, problems: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    problems.append(Problem(file, key.start_mark.line + 1, N_("key %(key)s appears twice"),
                                            key=repr(key.value)))
                seen.add(key.value)
            _duplicate_keys(value, file, problems)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _duplicate_keys(item, file, problems)


def read_text(tree: Tree, rel: str, problems: list[Problem]) -> str | None:
    name = tree.name(rel)
    if not tree.is_file(rel):
        problems.append(Problem(name, None, N_("file not found")))
        return None
    if tree.size(rel) > MAX_FILE_BYTES:
        problems.append(Problem(name, None, N_("file is larger than %(limit)d KiB (%(size)d bytes)"),
                                limit=MAX_FILE_BYTES // 1024, size=tree.size(rel)))
        return None
    data = tree.read_bytes(rel)
    if len(data) > MAX_FILE_BYTES:
        problems.append(Problem(name, None, N_("file is larger than %(limit)d KiB"), limit=MAX_FILE_BYTES // 1024))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, N_("not valid UTF-8 text")))
        return None
    return text


def parse_yaml(text: str, file: str, problems: list[Problem]) -> Doc | None:
    loader = NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context
        detail = Message(ALIASES_REFUSED) if detail == ALIASES_REFUSED else detail  # ours; the parser's stay as written
        line = mark.line + 1 if mark else None
        problems.append(Problem(file, line, N_("YAML error: %(detail)s"), detail=detail) if detail
                        else Problem(file, line, N_("YAML error: invalid YAML")))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(file, None, N_("YAML error: %(detail)s"), detail=str(exc)))
        return None
    except (RecursionError, ValueError, TypeError) as exc:
        problems.append(Problem(file, None, N_("YAML error: %(detail)s"), detail=exc.__class__.__name__))
        return None
    finally:
        loader.dispose()
    if node is not None:
        _duplicate_keys(node, file, problems)
    return Doc(data, node, file)


def load_yaml(tree: Tree, rel: str, problems: list[Problem]) -> Doc | None:
    text = read_text(tree, rel, problems)
    if text is None:
        return None
    return parse_yaml(text, tree.name(rel), problems)


# --- field checks ---------------------------------------------------------------------------

CODE_HINT = Message(N_("capital letters, digits and dashes"))
MODULE_CODES_HINT = Message(N_("module codes such as HR-01"))


class Fields:
    """Checks on one YAML mapping; every problem carries the file and the key's line."""

    def __init__(self, doc: Doc, base: tuple, problems: list[Problem], allowed: set[str], what: Message):
        self.doc, self.base, self.problems, self.what = doc, base, problems, what
        value = doc.data
        for key in base:
            value = value[key] if value is not None else None
        self.ok = isinstance(value, dict)
        self.values = value if self.ok else {}
        if not self.ok:
            self.error(None, N_("%(what)s must be a mapping of keys to values"), what=what)
            return
        for key in self.values:
            if key not in allowed:
                self.problems.append(Problem(doc.file, doc.key_line(*base, key),
                                             N_("unknown key %(key)s in %(what)s (allowed: %(allowed)s)"),
                                             key=repr(key), what=what, allowed=", ".join(sorted(allowed))))

    def error(self, key, message: str, /, **params) -> None:
        line = self.doc.key_line(*self.base, key) if key is not None else self.doc.line(*self.base)
        self.problems.append(Problem(self.doc.file, line, message, **params))

    def has(self, key) -> bool:
        return key in self.values

    def required(self, key):
        if key not in self.values or self.values[key] is None:
            self.error(key, N_("missing required field %(key)s in %(what)s"), key=repr(key), what=self.what)
            return None
        return self.values[key]

    def text(self, key, required=True) -> dict | None:
        value = self.required(key) if required else self.values.get(key)
        if value is None:
            return None if required else {}
        return check_text(value, lambda m: self.error(key, N_("%(key)s: %(problem)s"), key=key, problem=m))

    def string(self, key, pattern=None, hint="", required=True) -> str | None:
        value = self.required(key) if required else self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(key, N_("%(key)s must be text %(hint)s") if hint else N_("%(key)s must be text"),
                       key=key, hint=hint)
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.error(key, N_("%(key)s %(value)s is not valid: %(hint)s") if hint
                       else N_("%(key)s %(value)s is not valid"), key=key, value=repr(value), hint=hint)
            return None
        return value

    def integer(self, key, low, high, required=True, default=None) -> int | None:
        value = self.required(key) if required else self.values.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(key, N_("%(key)s must be a whole number from %(low)d to %(high)d (found %(value)s)"),
                       key=key, low=low, high=high, value=repr(value))
            return None
        return value

    def boolean(self, key, required=True, default=None) -> bool | None:
        value = self.required(key) if required else self.values.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, N_("%(key)s must be true or false (found %(value)s)"), key=key, value=repr(value))
            return None
        return value

    def string_list(self, key, pattern=None, hint="", required=True, allow_empty=True) -> list[str] | None:
        value = self.required(key) if required else self.values.get(key, [])
        if value is None:
            return None if required else []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, N_("%(key)s must be a list of text values"), key=key)
            return None
        if not allow_empty and not value:
            self.error(key, N_("%(key)s must name at least one entry"), key=key)
            return None
        bad = [v for v in value if pattern is not None and not pattern.fullmatch(v)]
        if bad:
            self.error(key, N_("%(key)s: %(values)s not valid: %(hint)s") if hint else N_("%(key)s: %(values)s not valid"),
                       key=key, values=", ".join(map(repr, bad)), hint=hint)
            return None
        if len(set(value)) != len(value):
            self.error(key, N_("%(key)s lists the same entry twice"), key=key)
            return None
        return value


def check_text(value, report) -> dict | None:
    if isinstance(value, str):
        if not value.strip():
            report(Message(N_("must not be empty")))
            return None
        return {"en": value}
    if isinstance(value, dict):
        unknown = [k for k in value if k not in LANGUAGES]
        if unknown:
            report(Message(N_("unknown language %(language)s (use en, and optionally fr)"), language=repr(unknown[0])))
            return None
        if not isinstance(value.get("en"), str) or not value["en"].strip():
            report(Message(N_("the English text (en) is required")))
            return None
        if "fr" in value and (not isinstance(value["fr"], str) or not value["fr"].strip()):
            report(Message(N_("the French text (fr) must be non-empty text when given")))
            return None
        return {k: value[k] for k in LANGUAGES if k in value}
    report(Message(N_("must be text, or a mapping with en (and optionally fr)")))
    return None


def document_fields(tree: Tree, rel: str, problems: list[Problem], keys, what: Message):
    """The top-level fields of a YAML document, or None when it cannot be read or its keys are refused."""
    doc = load_yaml(tree, rel, problems)
    if doc is None:
        return None
    f = Fields(doc, (), problems, keys, what)
    return f if f.ok else None
