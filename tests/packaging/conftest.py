"""The `bundle` marker: tests that build the PyInstaller bundle (about two minutes).

They run only when asked for, so the everyday suite stays fast:

    ./dev test -m bundle tests/packaging        (or POSTDESK_TEST_BUNDLE=1 ./dev test)
"""

from __future__ import annotations

import os

import pytest

BUNDLE_ENV = "POSTDESK_TEST_BUNDLE"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "bundle: builds the PyInstaller bundle and runs it (-m bundle to run)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    asked = "bundle" in (config.option.markexpr or "") or os.environ.get(BUNDLE_ENV) == "1"
    if asked:
        return
    skip = pytest.mark.skip(reason=f"builds the bundle: run with -m bundle or {BUNDLE_ENV}=1")
    for item in items:
        if item.get_closest_marker("bundle") is not None:
            item.add_marker(skip)
