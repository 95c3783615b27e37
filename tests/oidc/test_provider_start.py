"""The test provider's start never hangs a test run: a provider that stays silent is stopped in time."""
import time

import pytest

from tests.oidc import provider as oidc


def test_a_silent_provider_is_stopped_with_a_clear_error(tmp_path, monkeypatch):
    if oidc.node_problem() and oidc.node_problem().startswith("Node.js"):
        pytest.skip("Node.js (node) not found")
    silent = tmp_path / "silent.mjs"
    silent.write_text("console.error('starting'); setInterval(() => {}, 1000);\n")
    monkeypatch.setattr(oidc, "SCRIPT", silent)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="said nothing within 1 s"):
        oidc.start_provider(attempts=2, ready_seconds=1)
    assert time.monotonic() - started < 20  # two tries of one second each, then the processes are stopped


def test_a_provider_that_exits_reports_its_log(tmp_path, monkeypatch):
    if oidc.node_problem() and oidc.node_problem().startswith("Node.js"):
        pytest.skip("Node.js (node) not found")
    broken = tmp_path / "broken.mjs"
    broken.write_text("console.error('cannot bind'); process.exit(3);\n")
    monkeypatch.setattr(oidc, "SCRIPT", broken)
    with pytest.raises(RuntimeError, match="exited: .*cannot bind"):
        oidc.start_provider(attempts=1, ready_seconds=10)
