"""Fault injection: refused, failed, dropped and slow requests, scripted or at random.

The outcomes a request can be given:

* ``"429"``: a ``RequestTooFrequently`` reply with ``Retry-After: 1``, nothing executed;
* ``"500"``: an ``InternalError`` reply, nothing executed;
* ``"drop_before"``: the connection is closed without a reply, nothing executed;
* ``"drop_after"``: the request is executed (a change is committed), then the connection is closed
  without a reply, so the caller cannot know it succeeded;
* ``"zero_id"``: a success whose new id is 0 (``{"schedule_id": 0}``, ``{"team_id": 0,
  "team_name": ""}``), nothing executed, as an older server's example answers
  (docs/flashduty-api.md §14);
* ``"zero_id_after"``: the request is executed (a schedule or team is created, or a team upsert
  updates one), but a success replies with id 0; a refusal is answered as it is.

The two ``zero_id`` outcomes are only scripted, and only on the create paths of
:data:`ZERO_ID_FIELDS` (an id of 0 means nothing elsewhere). Scripted outcomes
(:meth:`Faults.script`) are used first, in order, for the next requests to their path; otherwise
each of :data:`RANDOM_OUTCOMES` happens with its probability. One :class:`random.Random` seeded
with ``seed`` draws every random choice, so the same requests in the same order meet the same
faults.
"""

from __future__ import annotations

import random
import re
import threading
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass, field

__all__ = ["OUTCOMES", "RANDOM_OUTCOMES", "ZERO_ID_FIELDS", "Faults", "parse_latency"]

RANDOM_OUTCOMES = ("429", "500", "drop_before", "drop_after")
"""The outcomes that can also happen at random, in the order of their probabilities."""
OUTCOMES = (*RANDOM_OUTCOMES, "zero_id", "zero_id_after")
ZERO_ID_FIELDS = {"/schedule/create": "schedule_id", "/team/upsert": "team_id"}
"""The create paths a ``zero_id`` outcome can be scripted on, and the id field its reply zeroes."""
_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)\s*$")
_SPEC_KEYS = {"429": "rate_429", "500": "rate_500", "drop_before": "drop_before", "drop_after": "drop_after"}


@dataclass
class Faults:
    """Per-request fault probabilities, latency and scripted outcomes.

    ``rate_429``, ``rate_500``, ``drop_before`` and ``drop_after`` are probabilities (their sum at
    most 1); ``latency`` is ``(min, max)`` seconds slept before handling; ``paths`` limits the random
    faults and the latency to those paths (``None``: every path).
    """

    rate_429: float = 0.0
    rate_500: float = 0.0
    drop_before: float = 0.0
    drop_after: float = 0.0
    latency: tuple[float, float] = (0.0, 0.0)
    seed: int = 0
    paths: Collection[str] | None = None
    _rng: random.Random = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)
    _scripts: dict[str, deque[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in _SPEC_KEYS.values():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ValueError(f"Faults.{name}: must be a probability between 0 and 1, got {value!r}")
        total = self.rate_429 + self.rate_500 + self.drop_before + self.drop_after
        if total > 1.0 + 1e-9:
            raise ValueError(f"Faults: the probabilities add up to {total:g}, more than 1")
        low, high = (self.latency, self.latency) if isinstance(self.latency, (int, float)) else self.latency
        if not 0.0 <= low <= high:
            raise ValueError(f"Faults.latency: must be (min, max) seconds with 0 <= min <= max, "
                             f"got {self.latency!r}")
        self.latency = (float(low), float(high))
        if self.paths is not None:
            self.paths = frozenset([self.paths] if isinstance(self.paths, str) else self.paths)
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._scripts = {}

    @classmethod
    def parse(cls, spec: str) -> Faults:
        """Parse ``"429=0.05,500=0.02,drop_before=0.01,drop_after=0.01,seed=7"`` (any subset)."""
        values: dict[str, float | int] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, raw = (s.strip() for s in part.partition("="))
            try:
                if not sep:
                    raise ValueError
                if key == "seed":
                    values["seed"] = int(raw)
                elif key in _SPEC_KEYS:
                    values[_SPEC_KEYS[key]] = float(raw)
                    if not 0.0 <= values[_SPEC_KEYS[key]] <= 1.0:
                        raise ValueError
                else:
                    raise ValueError
            except ValueError:
                raise ValueError(f"invalid fault {part!r}: expected NAME=VALUE with NAME one of "
                                 f"{', '.join(_SPEC_KEYS)} (a probability) or seed (an integer)") from None
        return cls(**values)  # type: ignore[arg-type]

    def script(self, path: str, *outcomes: str) -> None:
        """Force ``outcomes`` (any of :data:`OUTCOMES`), in order, on the next requests to ``path``."""
        for outcome in outcomes:
            if outcome not in OUTCOMES:
                raise ValueError(f"unknown fault outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}")
            if outcome.startswith("zero_id") and path not in ZERO_ID_FIELDS:
                raise ValueError(f"fault outcome {outcome!r} applies to the create paths only "
                                 f"({', '.join(ZERO_ID_FIELDS)}), not {path!r}")
        with self._lock:
            self._scripts.setdefault(path, deque()).extend(outcomes)

    def clear(self) -> None:
        """Forget every scripted outcome not used yet."""
        with self._lock:
            self._scripts.clear()

    def decide(self, path: str) -> tuple[float, str | None]:
        """The latency (seconds) and outcome (``None``: handle normally) of the next request to ``path``."""
        with self._lock:
            scripted = self._scripts.get(path)
            chosen = scripted.popleft() if scripted else None
            if self.paths is not None and path not in self.paths:
                return 0.0, chosen
            low, high = self.latency
            delay = self._rng.uniform(low, high) if high > 0 else 0.0
            if chosen is not None:
                return delay, chosen
            rates = (self.rate_429, self.rate_500, self.drop_before, self.drop_after)
            if not any(rates):
                return delay, None
            draw = self._rng.random()
            for outcome, rate in zip(RANDOM_OUTCOMES, rates, strict=True):
                if draw < rate:
                    return delay, outcome
                draw -= rate
            return delay, None


def parse_latency(spec: str) -> tuple[float, float]:
    """Parse ``"20ms"``, ``"0.2s"`` or a range ``"10ms-50ms"`` into ``(min, max)`` seconds."""
    parts = spec.split("-")
    try:
        if len(parts) not in (1, 2):
            raise ValueError
        bounds = [_seconds(part) for part in parts]
    except ValueError:
        raise ValueError(f"invalid latency {spec!r}: expected a duration such as '20ms' or '0.2s', "
                         f"or a range such as '10ms-50ms'") from None
    low, high = bounds[0], bounds[-1]
    if low > high:
        raise ValueError(f"invalid latency {spec!r}: the minimum is above the maximum")
    return low, high


def _seconds(text: str) -> float:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(text)
    number, unit = match.groups()
    return float(number) / (1000.0 if unit == "ms" else 1.0)
