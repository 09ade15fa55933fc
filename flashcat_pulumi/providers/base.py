"""What the Team and Schedule providers share: settings, the per-process client and directory, diffs.

A provider object carries no data of its own: Pulumi pickles it into every resource's
``__provider`` (by reference, since the class lives in this package), so anything set on it at
construction would land in state. Credentials arrive later, in the provider process, through
``configure()`` or the environment, and the HTTP client is created on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest, DiffResult, ResourceProvider
from pulumi.output import Unknown

from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.config import Settings
from flashcat_pulumi.identity import Directory

__all__ = ["FlashdutyProvider", "plain"]

_CLIENTS: dict[tuple[str, str], tuple[FlashdutyClient, Directory]] = {}
_CLIENTS_LOCK = threading.Lock()


def plain(value: Any) -> Any:
    """Inputs as the provider wants them: no ``__provider``, integral floats (Pulumi sends every number
    as a double) back to ints, recursively."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items() if key != "__provider"}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_unknown(item) for item in value)
    return False


class FlashdutyProvider(ResourceProvider):
    """Base of the dynamic providers: settings, client, directory and the canonical-form diff."""

    # __provider holds no secret (credentials come from configure() or the environment), so it need
    # not be encrypted: smaller state and no encrypt call per resource.
    serialize_as_secret_always = False

    #: The canonical input keys compared by diff (``adopt`` only matters at create).
    compared: tuple[str, ...] = ()

    def configure(self, req: ConfigureRequest) -> None:
        self._settings = Settings.resolve(req.config.get)

    @property
    def settings(self) -> Settings:
        """Settings from ``configure()``, or from the environment when the engine sent none."""
        settings = getattr(self, "_settings", None)
        if settings is None:
            settings = self._settings = Settings.resolve()
        return settings

    def _connection(self) -> tuple[FlashdutyClient, Directory]:
        settings = self.settings
        key = (settings.base_url, settings.require_app_key())
        with _CLIENTS_LOCK:
            if key not in _CLIENTS:
                client = FlashdutyClient(app_key=key[1], base_url=key[0])
                _CLIENTS[key] = (client, Directory(client))
            return _CLIENTS[key]

    @property
    def client(self) -> FlashdutyClient:
        """The process-wide client for these settings (thread-safe, rate limited)."""
        return self._connection()[0]

    @property
    def directory(self) -> Directory:
        """The process-wide email/id directory for these settings."""
        return self._connection()[1]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare canonical old outputs with canonical new inputs; nothing here ever needs a replacement."""
        old, new = plain(olds), plain(news)
        changed = [key for key in self.compared if _has_unknown(new.get(key)) or old.get(key) != new.get(key)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)
