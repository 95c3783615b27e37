"""The test run itself must not pass silently: no tests, a missing PostgreSQL or a missing browser
under CI=true fail it; without CI they are skipped with a message."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DB

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(TEST_DB != "sqlite", reason="checked once, in the SQLite pass")


def _env(**changes) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TRAINER_", "CI"))}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def _pytest(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=300)


def test_make_fails_when_pytest_collects_no_tests():
    if shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("make or the project's .venv is not available")
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", "install-dev", "test-sqlite", "PYTEST_WORKERS=0",
         "PYTEST_ARGS=tests/test_ci_guards.py -k no_such_test_anywhere"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode != 0, result.stdout[-2000:]
    assert "no tests ran" in result.stdout or "deselected" in result.stdout


def _assert_skipped_unless_ci(result, message: str, expect_failure: bool) -> None:
    """Outside CI a missing tool skips the test, saying what is missing; with CI=true it fails the run."""
    output = result.stdout + result.stderr
    assert message in output
    if expect_failure:
        assert result.returncode != 0 and "CI=true" in output
    else:
        assert result.returncode == 0 and "1 skipped" in output


@pytest.mark.parametrize("ci, expect_failure", [(None, False), ("true", True)])
def test_missing_postgresql(ci, expect_failure):
    result = _pytest("tests/core/test_error_pages.py::test_healthz_is_public_json_with_the_database_state",
                     TRAINER_TEST_DB="postgresql", TRAINER_TEST_PG_BINDIR="/nonexistent/postgresql/bin", CI=ci)
    _assert_skipped_unless_ci(result, "PostgreSQL server binaries", expect_failure)


@pytest.mark.parametrize("ci, expect_failure", [(None, False), ("true", True)])
def test_missing_chromium(ci, expect_failure):
    result = _pytest("tests/e2e/test_foundation_journey.py", "-k", "sign_in_and_out",
                     TRAINER_CHROMIUM="/nonexistent/chromium", CI=ci)
    _assert_skipped_unless_ci(result, "Chromium not found", expect_failure)


def test_ci_script_sets_ci_installs_what_the_tests_need_and_runs_make_test():
    script = (ROOT / ".ci" / "run").read_text()
    assert "export CI=true" in script
    for package in ("chromium", "postgresql-15", "poppler-utils"):
        assert package in script
    assert script.rstrip().splitlines()[-1].strip() in {"make test", "exec make test"}
    assert "set -e" in script


@pytest.mark.parametrize("ci, expect_failure", [(None, False), ("true", True)])
def test_missing_poppler(ci, expect_failure, tmp_path):
    """The checks that read the certificate's drawn text back never pass by being skipped in CI."""
    result = _pytest("tests/certificates/test_tampering.py", "-k", "authentic_file_passes", PATH=str(tmp_path), CI=ci)
    _assert_skipped_unless_ci(result, "poppler-utils is not installed", expect_failure)
