"""Where curriculum files come from: a folder on disk or an uploaded zip, read through one interface with
the same limits (file size, member count, unpacked size, no paths outside the tree)."""
from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from trainer.curricula.specs import MAX_FILE_BYTES, MAX_ZIP_BYTES, MAX_ZIP_MEMBERS, MAX_ZIP_UNCOMPRESSED, N_, Problem

class Tree:
    """Read-only access to files by relative POSIX path, with the size limit applied on every read."""

    label: str

    def is_file(self, rel: str) -> bool: raise NotImplementedError
    def is_dir(self, rel: str) -> bool: raise NotImplementedError
    def listdir(self, rel: str) -> list[str]: raise NotImplementedError
    def size(self, rel: str) -> int: raise NotImplementedError
    def read_bytes(self, rel: str) -> bytes: raise NotImplementedError

    def name(self, rel: str) -> str:
        return f"{self.label}/{rel}" if rel else self.label


class FolderTree(Tree):
    def __init__(self, root: Path, label: str | None = None):
        self.root = root
        self.label = label or str(root).rstrip("/")

    def _path(self, rel: str) -> Path:
        return self.root / rel if rel else self.root

    def is_file(self, rel):
        return self._path(rel).is_file()

    def is_dir(self, rel):
        return self._path(rel).is_dir()

    def listdir(self, rel):
        return sorted(p.name for p in self._path(rel).iterdir())

    def size(self, rel):
        return self._path(rel).stat().st_size

    def read_bytes(self, rel):
        with open(self._path(rel), "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)


class ZipTree(Tree):
    """A zip upload. Members are checked before anything is read: no absolute paths, no `..`, no
    links, a bounded count and bounded sizes (zip bombs and zip-slip never get anywhere)."""

    def __init__(self, archive: zipfile.ZipFile, label: str, prefix: str = ""):
        self.archive = archive
        self.label = label
        self.prefix = prefix
        self.files: dict[str, zipfile.ZipInfo] = {}
        self.dirs: set[str] = {""}

    @classmethod
    def open(cls, data: bytes, label: str) -> tuple["ZipTree | None", list[Problem]]:
        import io

        if len(data) > MAX_ZIP_BYTES:
            return None, [Problem(label, None, N_("the zip file is larger than %(limit)d MiB"),
                                  limit=MAX_ZIP_BYTES // (1024 * 1024))]
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            return None, [Problem(label, None, N_("not a readable zip file (%(error)s)"), error=str(exc))]
        problems = []
        if len(infos) > MAX_ZIP_MEMBERS:
            return None, [Problem(label, None, N_("the zip holds %(count)d entries; at most %(limit)d are allowed"),
                                  count=len(infos), limit=MAX_ZIP_MEMBERS)]
        if sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
            return None, [Problem(label, None, N_("the zip expands to more than %(limit)d MiB"),
                                  limit=MAX_ZIP_UNCOMPRESSED // (1024 * 1024))]
        tree = cls(archive, label)
        for info in infos:
            name = info.filename.replace("\\", "/")
            path = PurePosixPath(name)
            mode = (info.external_attr >> 16) & 0o170000
            if name.startswith("/") or ".." in path.parts or (path.parts and ":" in path.parts[0]):
                problems.append(Problem(label, None, N_("entry %(name)s points outside the pack; refused"), name=repr(name)))
                continue
            if mode == 0o120000:
                problems.append(Problem(label, None, N_("entry %(name)s is a symbolic link; refused"), name=repr(name)))
                continue
            if path.parts and path.parts[0] == "__MACOSX":
                continue
            clean = "/".join(p for p in path.parts if p not in ("", "."))
            if info.is_dir():
                tree.dirs.add(clean)
            else:
                tree.files[clean] = info
            parts = clean.split("/")
            for i in range(1, len(parts)):
                tree.dirs.add("/".join(parts[:i]))
        if problems:
            return None, problems
        # A zip of a folder usually has that folder at its top: look inside it.
        top = {name.split("/")[0] for name in tree.files}
        if len(top) == 1 and not tree.is_file("pack.yaml") and tree.is_dir(next(iter(top))):
            tree.prefix = next(iter(top))
        return tree, []

    def _full(self, rel: str) -> str:
        return f"{self.prefix}/{rel}".strip("/") if self.prefix else rel

    def name(self, rel: str) -> str:
        return f"{self.label}:{self._full(rel)}"

    def is_file(self, rel):
        return self._full(rel) in self.files

    def is_dir(self, rel):
        return self._full(rel) in self.dirs

    def listdir(self, rel):
        base = self._full(rel)
        prefix = f"{base}/" if base else ""
        names = {n[len(prefix):].split("/")[0] for n in list(self.files) + list(self.dirs)
                 if n.startswith(prefix) and n != base}
        return sorted(n for n in names if n)

    def size(self, rel):
        return self.files[self._full(rel)].file_size

    def read_bytes(self, rel):
        with self.archive.open(self.files[self._full(rel)]) as handle:
            return handle.read(MAX_FILE_BYTES + 1)
