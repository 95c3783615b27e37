"""A throwaway PostgreSQL server for the test run, started from the installed server binaries."""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile


def find_bindir() -> str | None:
    """The folder with initdb and pg_ctl: TRAINER_TEST_PG_BINDIR if set, else the newest Debian install."""
    explicit = os.environ.get("TRAINER_TEST_PG_BINDIR")
    if explicit:
        ok = os.path.exists(os.path.join(explicit, "initdb")) and os.path.exists(os.path.join(explicit, "pg_ctl"))
        return explicit if ok else None
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")) and os.path.exists(os.path.join(candidate, "pg_ctl")):
            return candidate
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    def __init__(self):
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
        self.port = _free_port()
        self.tmp = tempfile.mkdtemp(prefix="trainer-pg-", dir="/tmp")
        self.datadir = os.path.join(self.tmp, "data")
        self.as_user = None
        self.running = False
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run it as the postgres system user.
            try:
                self.as_user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root but there is no 'postgres' system user to run the server as "
                                   "(Debian's postgresql package creates it)") from None
            os.chown(self.tmp, self.as_user.pw_uid, self.as_user.pw_gid)
            os.chmod(self.tmp, 0o700)

    def _run(self, *args: str) -> None:
        def demote():
            if self.as_user is not None:
                os.setgid(self.as_user.pw_gid)
                os.setuid(self.as_user.pw_uid)
        subprocess.run(args, check=True, preexec_fn=demote, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.tmp)

    def start(self) -> str:
        self._run(os.path.join(self.bindir, "initdb"), "-D", self.datadir, "-U", "trainer", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C", "--no-sync")
        # Another process may take the free port between our probe and the server's bind: retry.
        for attempt in range(5):
            options = (f"-h 127.0.0.1 -p {self.port} -k {self.tmp} -F -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off -c max_connections=200")
            try:
                self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-o", options, "-w", "-t", "60",
                          "-l", os.path.join(self.tmp, "server.log"), "start")
            except subprocess.CalledProcessError as exc:
                if attempt == 4:
                    raise RuntimeError(f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}\n"
                                       f"{self._log_tail()}") from None
                self.port = _free_port()
                continue
            break
        self.running = True
        atexit.register(self.stop)  # also when the run is interrupted
        return f"postgresql+psycopg://trainer@127.0.0.1:{self.port}/postgres"

    def _log_tail(self) -> str:
        try:
            with open(os.path.join(self.tmp, "server.log"), encoding="utf-8", errors="replace") as fh:
                return "".join(fh.readlines()[-20:])
        except OSError:
            return ""

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://trainer@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if not self.running:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        self.running = False
        try:
            self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def _has_c_utf8() -> bool:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    except OSError:
        return False
    return "c.utf8" in out or "c.utf-8" in out
