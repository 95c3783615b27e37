"""Tests that read a PDF back with poppler's tools (pdftotext, pdftoppm, pdffonts: Debian's poppler-utils, which
.ci/run installs). Without them such tests are skipped with a message; with CI=true a missing tool fails the run,
as a missing PostgreSQL or Chromium does, so that the checks of drawn text can never pass by being skipped."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import IN_CI


def needs(*tools: str):
    """A mark for a test (or, as `pytestmark`, a module) that runs the poppler `tools`."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing and IN_CI:
        pytest.fail(f"CI=true but poppler-utils is not installed ({', '.join(missing)} not found): install "
                    "Debian's poppler-utils package", pytrace=False)
    return pytest.mark.skipif(bool(missing), reason=f"poppler-utils is not installed ({', '.join(missing)} not found)")
