"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flashcat_pulumi.emulator import Emulator


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "emulator(**kwargs): keyword arguments for the Emulator of the "
                                       "`emulator` fixture")


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A started :class:`Emulator` (default people, real rate limits, random app key).

    ``@pytest.mark.emulator(clock=..., rate_limits=False, ...)`` on a test, class or module passes
    constructor arguments; the closest marker wins.
    """
    marker = request.node.get_closest_marker("emulator")
    with Emulator(**(marker.kwargs if marker else {})) as emu:
        yield emu
