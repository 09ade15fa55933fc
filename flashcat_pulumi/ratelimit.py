"""Rate limits as Flashduty states them ("1,000 requests/minute; 50 requests/second").

A limit here is a set of windows, and :class:`RateLimiter` admits at most ``window.limit`` events
in *any* interval of ``window.seconds``. That is a sliding log rather than a classic token
bucket on purpose: a token bucket of capacity N refilling N per window admits up to 2N inside
one window (a full burst, then the refill), which a server counting per window would reject.

The client blocks on :meth:`RateLimiter.acquire` (threads are served in arrival order) with a
small ``margin`` added to every window, so that requests which reach the server a little later
or earlier than they left still fit the server's count; the emulator calls
:meth:`RateLimiter.try_acquire` without margin and answers 429 with the returned wait.

The account's limit is shared by everything using its key: two stacks deploying at once, a CI
matrix. A client cannot see the others, so its limiter adapts (``adaptive=True``), the way TCP
shares a link (additive increase, multiplicative decrease):

* A 429 while the process's own answered requests fill :data:`OWN_SHARE` of a window (and few of
  its requests were refused in it) is not other users, as there is no room left for them: it is the
  process's own timing, a request that reached the server later than the margin allows. An
  adaptive limiter widens its margin by :data:`CLIENT_MARGIN`, up to :data:`MAX_MARGIN`: the margin
  this machine and network need, measured.
* Otherwise congestion is a 429 with another among the :data:`CONGESTION_SPAN` answers before it
  (:meth:`RateLimiter.back_off`). A lone 429 is only retried after its ``Retry-After``, so that
  sporadic ones cost one request a wait, not the whole process. (Two in a row would be a weaker
  signal: a process sending a tenth of the account's rate into an overloaded one sees 429s
  scattered among its answers, and would go on overloading it until two happened to meet.)
* Congestion paces the process, once per congestion (429s to requests sent before the cut can have
  shown, within :data:`SETTLE_SPAN` seconds after the shortest window, are the same congestion), to
  :data:`DECREASE` times its share of the account's rate. The first time, that share is its part of
  the one-second window that just filled (what it got while the others took the rest), but no less
  than :data:`FIRST_SHARE` of the limit: a process that started as the window filled got little of
  it, which says nothing of its share, and starting it near zero would leave it the last to finish.
  Afterwards the share is its own pace: a cut in proportion to the pace takes more from the larger,
  so the shares converge (cutting to the rate measured getting through, as TCP Westwood does, cut
  deepest the processes whose threads were waiting out a ``Retry-After``, and they finished last).
  The pace spaces requests evenly and never shrinks a window retroactively: a process that has just
  sent a burst goes on at the new pace at once instead of waiting for its own burst to leave a
  one-minute window.
* The pace grows back additively, by :data:`GROWTH` times the limit's peak rate for every second
  spent sending once the cut can have shown (the span within which 429s are the same congestion:
  until then the processes that cut later are still overloading the account, and growing into
  that is what makes more 429s), and ends once it reaches the peak. Additive growth makes the
  shares converge: every process gains the same, and a cut takes more from the larger (with growth
  in proportion to the pace, a process that started with a small share would keep it, and the
  deployment would wait for it). Growth lasts only while the process keeps sending (TCP's
  congestion window validation, RFC 7661): after an idle gap it starts again from its last cut, so
  that processes coming back together after a pause of the deployment start from the shares they
  were cut to, not from what the last of them grew to while running alone.
* When a congestion's ``Retry-After`` is longer than the shortest window (the one-minute budget ran
  out), nothing gets through before then, and every thread of the process is held until then. That
  is not a cut: the window frees at the rate it filled, which says nothing of the process's share,
  and the pause is not idleness (the pace goes on growing after it).

A process alone meets a 429 only from its own timing, which never cuts it, so it keeps the whole limit.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import takewhile

__all__ = [
    "CLIENT_MARGIN",
    "CONGESTION_SPAN",
    "DECREASE",
    "DEFAULT_LIMIT",
    "FIRST_SHARE",
    "GROWTH",
    "MAX_MARGIN",
    "MIN_PACE",
    "OWN_SHARE",
    "PREVIEW_LIMIT",
    "SENDING_GAP",
    "SETTLE_SPAN",
    "RateLimit",
    "RateLimiter",
    "Window",
    "shared_limiter",
]

log = logging.getLogger(__name__)

_UNITS = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0,
          "h": 3600.0, "hour": 3600.0}
_WINDOW = re.compile(r"^\s*(\d+)\s*/\s*(\d*\.?\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Window:
    """At most ``limit`` events in any interval of ``seconds``."""

    limit: int
    seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.seconds <= 0:
            raise ValueError(f"a rate window needs limit >= 1 and seconds > 0, got {self}")

    def __str__(self) -> str:
        for unit, length in (("s", 1.0), ("min", 60.0), ("h", 3600.0)):
            if self.seconds == length:
                return f"{self.limit}/{unit}"
        return f"{self.limit}/{self.seconds:g}s"


@dataclass(frozen=True)
class RateLimit:
    """A set of windows that must all hold, e.g. ``RateLimit.parse("50/s,1000/min")``."""

    windows: tuple[Window, ...]

    @classmethod
    def parse(cls, spec: str) -> RateLimit:
        """Parse ``"50/s,1000/min"``; units are s, min, h (and spelled-out forms), as in ``10/2s``."""
        windows = []
        for part in spec.split(","):
            match = _WINDOW.match(part.lower())
            if not match or match.group(3) not in _UNITS:
                raise ValueError(f"invalid rate limit {part.strip()!r}: expected COUNT/UNIT such as "
                                 f"'50/s' or '1000/min' (units: s, min, h)")
            count, multiple, unit = match.groups()
            windows.append(Window(int(count), float(multiple or 1) * _UNITS[unit]))
        return cls(tuple(windows))

    def __str__(self) -> str:
        return ",".join(map(str, self.windows))


DEFAULT_LIMIT = RateLimit((Window(50, 1.0), Window(1000, 60.0)))
"""Every operation in scope except preview, per account (docs/flashduty-api.md §5)."""

PREVIEW_LIMIT = RateLimit((Window(10, 1.0), Window(60, 60.0)))
"""``POST /schedule/preview``, per account (docs/flashduty-api.md §5)."""

CONGESTION_SPAN = 3
"""A 429 is congestion when one of the answers just before it, this many, was a 429 too."""

DECREASE = 0.5
"""After congestion, the fraction of its share of the rate a process goes on at."""

GROWTH = 0.0125
"""How fast the pace grows back without congestion: by this fraction of the limit's peak rate for
every second spent sending (0.625 requests/s more each second under 50/s)."""

SENDING_GAP = 1.0
"""A gap between two requests of up to this many seconds (or two paced intervals, if longer) is time
spent sending; after a longer one, idle, the pace starts again from its last cut."""

OWN_SHARE = 0.8
"""A 429 while this process's own answered requests fill at least this share of a window (40 of 50
in the last second, 800 of 1,000 in the last minute), and fewer than the rest of the window's limit
were refused (10, 200), is not congestion: the process is using the account's limit itself."""

MIN_PACE = 0.01
"""The slowest pace, as a fraction of the limit's peak rate (0.5 requests a second of 50/s)."""

SETTLE_SPAN = 2.0
"""Seconds after a cut, beyond the shortest window, before it can have shown: 429s to requests sent
until then are the same congestion, and the pace does not grow yet."""

FIRST_SHARE = 0.05
"""The least share of the limit's peak rate a process's first cut starts from (2.5 requests/s of
50/s, so 1.25/s after :data:`DECREASE`); with more than twenty processes on one key, the cuts that
follow take them lower."""

CLIENT_MARGIN = 0.02
"""Seconds added to every window on the client side: network and scheduling jitter between leaving
the client and arriving at the server (new connections arrive ~10 ms late, threads wait for the GIL)."""

MAX_MARGIN = 0.1
"""The widest an adaptive limiter's margin grows (each 429 of its own timing adds :data:`CLIENT_MARGIN`):
at 50/s, 50 requests in every 1.1 s."""


class RateLimiter:
    """A thread-safe sliding-log limiter over one or more windows, each lengthened by ``margin`` seconds;
    ``adaptive`` limiters also pace themselves after congestion (above)."""

    def __init__(self, limit: RateLimit | Iterable[Window], *, margin: float = 0.0, adaptive: bool = False,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = limit if isinstance(limit, RateLimit) else RateLimit(tuple(limit))
        self.margin = margin
        self.adaptive = adaptive
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # Admission times (possibly in the near future for reserved slots), non-decreasing.
        self._log: deque[float] = deque(maxlen=max(w.limit for w in self.limit.windows))
        self._peak = max(w.limit / w.seconds for w in self.limit.windows)
        self._longest = max(w.seconds for w in self.limit.windows)
        self._shortest = min(w.seconds for w in self.limit.windows)
        self._cut_rate = math.inf  # the pace set at the last cut, growing back from self._cut_at
        self._cut_at = -math.inf
        self._sending = 0.0  # seconds spent sending since the last cut or idle gap: what the pace grows by
        self._paused_until = -math.inf
        # Whether each of the last answers was a 429: a 429 among them makes the next one congestion.
        self._recent_429s: deque[bool] = deque(maxlen=CONGESTION_SPAN)
        self._delivered: deque[float] = deque(maxlen=self._log.maxlen)  # when answers other than 429 came
        self._refused: deque[float] = deque(maxlen=self._log.maxlen)  # when 429s came

    def pace(self) -> float | None:
        """The requests per second this limiter paces itself to now; ``None`` when not paced."""
        rate = self._cut_rate + GROWTH * self._peak * self._sending
        return None if rate >= self._peak else rate

    def _earliest(self, now: float) -> float:
        """The earliest time at or after ``now`` at which one more event keeps every window and the pace."""
        earliest = max(now, self._paused_until)
        for window in self.limit.windows:
            if len(self._log) >= window.limit:
                earliest = max(earliest, self._log[-window.limit] + window.seconds + self.margin)
        rate = self.pace()
        if rate is not None and self._log:
            earliest = max(earliest, self._log[-1] + 1 / rate)
        return earliest

    def _admit(self, at: float) -> None:
        rate = self.pace()
        if rate is not None and self._log:
            # A pause is not idleness: the gap runs from its end.
            gap = max(at - max(self._log[-1], min(self._paused_until, at)), 0.0)
            if gap > max(SENDING_GAP, 2 / rate):
                self._sending = 0.0
            elif at > self._cut_at + self._shortest + SETTLE_SPAN:
                self._sending += gap
        self._log.append(at)

    def try_acquire(self) -> float:
        """Admit one event now and return 0.0, or admit nothing and return the seconds to wait."""
        with self._lock:
            now = self._clock()
            slot = self._earliest(now)
            if slot <= now:
                self._admit(now)
                return 0.0
            return slot - now

    def acquire(self) -> float:
        """Reserve the next free slot, sleep until it (and past any pause a 429 began meanwhile), and
        return the seconds waited."""
        with self._lock:
            now = self._clock()
            slot = self._earliest(now)
            self._admit(slot)
        waited = 0.0
        wait = slot - now
        while wait > 0:
            self._sleep(wait)
            waited += wait
            with self._lock:
                wait = self._paused_until - self._clock()
        return waited

    def answered(self) -> None:
        """The server answered a request with something other than 429."""
        with self._lock:
            self._recent_429s.append(False)
            self._delivered.append(self._clock())

    def back_off(self, retry_after: float | None, sent_at: float) -> None:
        """The server answered 429 to a request admitted at ``sent_at`` (this limiter's clock).

        A 429 alone only makes its own request wait (the caller does). A 429 shortly after another (the
        answers of the requests in flight when the account's budget ran out) is congestion. When its
        ``retry_after`` (1 s when not given) is longer than the shortest window, a longer window's
        budget ran out and nothing gets through before then: every request is held until then (at
        most the longest window). Otherwise an adaptive limiter is paced, once per congestion; within
        the shortest window the pace alone makes room, as the server's window frees at the rate it
        filled. A 429 of the process's own timing (its own requests fill a window) widens the margin
        and never cuts.
        """
        with self._lock:
            congested = any(self._recent_429s)
            self._recent_429s.append(True)
            now = self._clock()
            self._refused.append(now)
            own_timing = self.adaptive and self._fills_a_window(now)
            if own_timing and self.margin < MAX_MARGIN:
                self.margin = min(self.margin + CLIENT_MARGIN, MAX_MARGIN)
                log.info("rate limit %s: a request reached the server later than the margin allowed; "
                         "the margin is now %.0f ms", self.limit, self.margin * 1e3)
            if not congested:
                return
            pause = min(retry_after if retry_after is not None else 1.0, self._longest)
            if pause > self._shortest:  # a longer window's budget ran out: nothing gets through before then
                # Held, not cut: that window frees at the rate it filled, which says nothing of the share.
                self._paused_until = max(self._paused_until, now + pause)
                return
            # The same congestion until the cut can have shown: requests sent within the shortest
            # window after it met a window still holding requests sent before it, and the others'
            # cuts take as long to show. (Cutting again sooner compounds, and the process would end
            # far below its share.)
            if self.adaptive and not own_timing and sent_at > self._cut_at + self._shortest + SETTLE_SPAN:
                paced = self.pace()
                share = max(self._window_share(now), FIRST_SHARE * self._peak) if paced is None else paced
                self._cut_rate = max(MIN_PACE * self._peak, share * DECREASE)
                self._cut_at = now
                self._sending = 0.0
                log.warning("rate limit %s: 429s one after another, so other users of the app key share it; "
                            "pacing to %.1f requests/s (from %.1f/s)", self.limit, self._cut_rate, share)

    def _fills_a_window(self, at: float) -> bool:
        """Whether this process's own answers up to ``at`` fill :data:`OWN_SHARE` of some window, with
        429s to few of its requests in it (a process refused often is in a crowd, whatever it got)."""
        for window in self.limit.windows:
            answered = _count_since(self._delivered, at - window.seconds)
            refused = _count_since(self._refused, at - window.seconds)
            if answered >= OWN_SHARE * window.limit and refused < (1 - OWN_SHARE) * window.limit:
                return True
        return False

    def _window_share(self, at: float) -> float:
        """This process's answers within the shortest window up to ``at``, per second."""
        return _count_since(self._delivered, at - self._shortest) / self._shortest


def _count_since(times: deque[float], since: float) -> int:
    """How many of ``times`` (in order) are at or after ``since``, counted from the newest."""
    return sum(1 for _ in takewhile(since.__le__, reversed(times)))


_SHARED: dict[tuple[str, RateLimit], RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(account: str, limit: RateLimit) -> RateLimiter:
    """The process-wide client limiter (with :data:`CLIENT_MARGIN`) for ``account`` and ``limit``.

    Clients of the same account share it, so several resources or threads cannot together
    exceed what Flashduty allows that account. ``account`` is hashed before it is kept.
    """
    key = (hashlib.sha256(account.encode()).hexdigest(), limit)
    with _SHARED_LOCK:
        limiter = _SHARED.get(key)
        if limiter is None:
            limiter = _SHARED[key] = RateLimiter(limit, margin=CLIENT_MARGIN, adaptive=True)
        return limiter
