"""The test provider's start never hangs a test run: a provider that stays silent, or exits, is stopped in
time with the reason."""
import time

import pytest

from tests.oidc import provider as oidc

SILENT = "console.error('starting'); setInterval(() => {}, 1000);\n"
BROKEN = "console.error('cannot bind'); process.exit(3);\n"


@pytest.mark.parametrize(("script", "attempts", "refusal"), [
    (SILENT, 2, "said nothing within 1 s"),
    (BROKEN, 1, "exited: .*cannot bind"),
])
def test_a_provider_that_does_not_start_is_stopped_with_its_reason(tmp_path, monkeypatch, script, attempts, refusal):
    if (oidc.node_problem() or "").startswith("Node.js"):
        pytest.skip("Node.js (node) not found")
    path = tmp_path / "provider.mjs"
    path.write_text(script)
    monkeypatch.setattr(oidc, "SCRIPT", path)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=refusal):
        oidc.start_provider(attempts=attempts, ready_seconds=1)
    assert time.monotonic() - started < 20  # each try waits one second, then its process is stopped
