"""Test a Pulumi program that uses flashcat-pulumi offline: no Flashduty account, no Pulumi CLI.

:class:`Stack` runs the program through the real provider server (``python -m pulumi.dynamic``, the
process ``pulumi up`` starts) against the built-in emulator, and plays the engine's part: Check,
Diff, Create, Update, Read and Delete as the CLI would send them. The pytest plugin (registered as
an entry point, so installed with the package) gives the ``emulator`` and ``stack`` fixtures; see
docs/testing.md for what is emulated and what is not.

Errors::

    EngineError               a step the stand-in cannot take (replacement, import_, an empty id)
    ├── CheckFailed           the provider refused the inputs, as ``pulumi preview`` would show
    └── ProviderError         a provider call failed; the message ends with the server's stderr
"""

from flashcat_pulumi.testing._engine import (
    UNKNOWN,
    CheckFailed,
    Diff,
    Engine,
    EngineError,
    Failure,
    ProviderError,
    ProviderServer,
    ReadResponse,
    Result,
    StateEntry,
    as_engine_sends,
    property_diff,
)
from flashcat_pulumi.testing._stack import Served, Stack, load_program

__all__ = [
    "UNKNOWN",
    "CheckFailed",
    "Diff",
    "Engine",
    "EngineError",
    "Failure",
    "ProviderError",
    "ProviderServer",
    "ReadResponse",
    "Result",
    "Served",
    "Stack",
    "StateEntry",
    "as_engine_sends",
    "load_program",
    "property_diff",
]
