"""The pytest plugin of :mod:`flashcat_pulumi.testing` (entry point ``flashcat_pulumi``): the
``emulator`` and ``stack`` fixtures.

``emulator``: a started :class:`~flashcat_pulumi.emulator.Emulator` for the test, its arguments from
``@pytest.mark.emulator(...)`` (``seed=`` people, ``time_zone=`` the account's zone, ``faults=``,
``rate_limits=``, ``clock=`` ...; the closest marker wins).

``stack``: a :class:`~flashcat_pulumi.testing.Stack` of the program against that emulator. The
program is ``@pytest.mark.stack(program, config=..., secrets=...)``'s (a path relative to pytest's
root directory, or a callable), or else the Pulumi project found from the test file's directory
upwards (the nearest ``Pulumi.yaml`` with a ``__main__.py`` beside it). Its provider server is
stopped after the test; the emulator's state goes with the emulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported by the fixtures: every pytest run loads this plugin, few use them
    from flashcat_pulumi.emulator import Emulator
    from flashcat_pulumi.testing._stack import Stack


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "emulator(**kwargs): arguments of the Emulator the `emulator` fixture starts "
                                       "(seed, time_zone, faults, rate_limits, clock, ...)")
    config.addinivalue_line("markers", "stack(program, config=None, secrets=()): the program the `stack` "
                                       "fixture deploys (a directory with __main__.py, a .py file or a callable)")


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A started Flashduty emulator; ``@pytest.mark.emulator(...)`` gives its arguments."""
    from flashcat_pulumi.emulator import Emulator

    marker = request.node.get_closest_marker("emulator")
    with Emulator(**(marker.kwargs if marker else {})) as emu:
        yield emu


@pytest.fixture
def stack(request: pytest.FixtureRequest, emulator: Emulator) -> Iterator[Stack]:
    """The program of ``@pytest.mark.stack(...)`` (or the enclosing Pulumi project) as a stack
    deployed against ``emulator``."""
    from flashcat_pulumi.testing._stack import Stack

    marker = request.node.get_closest_marker("stack")
    args: tuple[Any, ...] = marker.args if marker else ()
    kwargs: dict[str, Any] = dict(marker.kwargs) if marker else {}
    program = args[0] if args else kwargs.pop("program", None)
    if program is None:
        program = _enclosing_project(Path(request.node.path).parent)
    elif not callable(program):
        program = request.config.rootpath / program
    with Stack(program, emulator, **kwargs) as deployed:
        yield deployed


def _enclosing_project(start: Path) -> Path:
    for directory in [start, *start.parents]:
        if (directory / "Pulumi.yaml").is_file() and (directory / "__main__.py").is_file():
            return directory
    raise pytest.UsageError(f"the `stack` fixture found no Pulumi project (Pulumi.yaml with __main__.py) in "
                            f"{start} or above; name the program with @pytest.mark.stack('path/to/project')")
