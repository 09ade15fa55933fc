"""The sliding-window limiter shared by the client (blocking) and the emulator (non-blocking)."""

from __future__ import annotations

import threading
import time

import pytest
from measure import max_in_any_window

from flashcat_pulumi.ratelimit import (
    CLIENT_MARGIN,
    CONGESTION_SPAN,
    DECREASE,
    DEFAULT_LIMIT,
    FIRST_SHARE,
    GROWTH,
    MAX_MARGIN,
    MIN_PACE,
    PREVIEW_LIMIT,
    SENDING_GAP,
    SETTLE_SPAN,
    RateLimit,
    RateLimiter,
    Window,
    shared_limiter,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_parse_and_render():
    assert RateLimit.parse("50/s,1000/min") == DEFAULT_LIMIT
    assert RateLimit.parse(" 10 / second , 60/minute") == PREVIEW_LIMIT
    assert RateLimit.parse("5/2s").windows == (Window(5, 2.0),)
    assert RateLimit.parse("100/h").windows == (Window(100, 3600.0),)
    assert str(DEFAULT_LIMIT) == "50/s,1000/min"
    assert str(RateLimit.parse("5/2s")) == "5/2s"


@pytest.mark.parametrize("spec", ["", "50", "50/fortnight", "x/s", "50/s,", "0/s"])
def test_parse_rejects_bad_specs(spec):
    with pytest.raises(ValueError, match=r"rate|window"):
        RateLimit.parse(spec)


def test_try_acquire_admits_the_limit_then_says_how_long_to_wait():
    clock = FakeClock()
    limiter = RateLimiter([Window(3, 1.0)], clock=clock)
    assert [limiter.try_acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.try_acquire() == pytest.approx(1.0)
    clock.now += 0.4
    assert limiter.try_acquire() == pytest.approx(0.6)
    clock.now += 0.6
    assert limiter.try_acquire() == 0.0


def test_sliding_window_never_admits_more_than_the_limit_in_any_interval():
    clock = FakeClock()
    limiter = RateLimiter([Window(5, 1.0)], clock=clock)
    admitted = []
    for _ in range(400):  # offers every 10 ms for 4 s
        if limiter.try_acquire() == 0.0:
            admitted.append(clock.now)
        clock.now += 0.01
    assert max_in_any_window(admitted, 1.0) == 5
    assert len(admitted) == 20  # and it does use the budget


def test_both_windows_hold():
    clock = FakeClock()
    limiter = RateLimiter([Window(10, 1.0), Window(15, 60.0)], clock=clock)
    admitted = []
    for _ in range(600):  # every 0.1 s for 60 s
        if limiter.try_acquire() == 0.0:
            admitted.append(clock.now)
        clock.now += 0.1
    assert max_in_any_window(admitted, 1.0) <= 10
    assert max_in_any_window(admitted, 60.0) == 15


def test_acquire_reserves_slots_in_order_and_sleeps_until_them():
    clock = FakeClock()
    limiter = RateLimiter([Window(2, 1.0)], clock=clock, sleep=clock.sleep)
    start = clock.now
    times = []
    for _ in range(7):
        limiter.acquire()
        times.append(clock.now - start)
    assert times == pytest.approx([0, 0, 1, 1, 2, 2, 3])


def test_acquire_from_threads_keeps_the_limit():
    limiter = RateLimiter([Window(10, 0.2)])
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            limiter.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stamps) == 40
    # Stamps are taken after waking, so allow for scheduling delay only in the late direction.
    assert max_in_any_window(stamps, 0.2 - 0.02) <= 10


def test_shared_limiter_is_per_account_and_limit():
    a = shared_limiter("https://x|key-a", DEFAULT_LIMIT)
    assert shared_limiter("https://x|key-a", DEFAULT_LIMIT) is a
    assert shared_limiter("https://x|key-b", DEFAULT_LIMIT) is not a
    assert shared_limiter("https://x|key-a", PREVIEW_LIMIT) is not a


# --- adaptive: other users of the same key ----------------------------------------------------------

def congest(limiter: RateLimiter, retry_after: float | None, sent_at: float) -> None:
    """429s one after another: the account's budget ran out."""
    limiter.back_off(retry_after, sent_at)
    limiter.back_off(retry_after, sent_at)


def test_a_lone_429_holds_nothing_and_cuts_nothing():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s"), adaptive=True, clock=clock, sleep=clock.sleep)
    for _ in range(20):  # sporadic 429s among answers: only their own requests wait (the client does)
        limiter.back_off(1.0, sent_at=clock.now)
        for _ in range(CONGESTION_SPAN):
            limiter.answered()
            clock.now += 0.01
    assert limiter.try_acquire() == 0.0
    assert limiter.pace() is None


def test_429s_scattered_among_answers_are_congestion():
    """A process sending a small share into an overloaded account sees 429s between its answers, not
    two in a row: that is congestion too."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s"), adaptive=True, clock=clock, sleep=clock.sleep)
    send(limiter, clock, 10, 0.1)
    limiter.back_off(1.0, sent_at=clock.now)
    for _ in range(CONGESTION_SPAN - 1):
        limiter.answered()
    assert limiter.pace() is None
    limiter.back_off(1.0, sent_at=clock.now)
    assert limiter.pace() is not None


def test_429s_while_the_process_fills_a_window_itself_are_its_own_timing():
    """Alone at the limit, a process meets 429s when requests reach the server later than its margin
    allows; they are not other users (its own requests fill the window), so nothing is cut."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), margin=CLIENT_MARGIN, adaptive=True, clock=clock,
                          sleep=clock.sleep)
    send(limiter, clock, 100, 0.0205)  # the second's window: 48 of 50 answered in the last second
    congest(limiter, 1.0, sent_at=clock.now)
    assert limiter.pace() is None
    # The margin this machine needs, measured: each such 429 widens it, up to MAX_MARGIN.
    assert limiter.margin == pytest.approx(3 * CLIENT_MARGIN)
    for _ in range(3):
        limiter.back_off(1.0, sent_at=clock.now)
    assert limiter.margin == MAX_MARGIN
    wait = 1.0 + MAX_MARGIN - 50 * 0.0205  # 1 s and the margin after the 50th request before the next
    assert limiter.acquire() == pytest.approx(wait, abs=1e-6)
    congest(limiter, 20.0, sent_at=clock.now)  # its own minute ran out too: held, still not cut
    assert limiter.try_acquire() == pytest.approx(20.0)
    assert limiter.pace() is None
    clock.now += 21.0
    send(limiter, clock, 850, 0.07)  # the minute's window: 850 in the last minute, 14/s lately
    congest(limiter, 1.0, sent_at=clock.now)
    assert limiter.pace() is None
    send(limiter, clock, 40, 0.2, through=0.5)  # others take the rest: 100 answered in the last 8 s...
    clock.now += 60
    send(limiter, clock, 20, 0.1)  # ...and a minute later only 20 in the last 2 s
    congest(limiter, 1.0, sent_at=clock.now)
    assert limiter.pace() == pytest.approx(10 * DECREASE, rel=0.06)


def test_a_process_refused_often_is_in_a_crowd_whatever_it_got():
    """The first of several processes starting together got most of the first second; the 429s that
    follow, many of them, are the others arriving: congestion, whatever share it got."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), margin=CLIENT_MARGIN, adaptive=True, clock=clock,
                          sleep=clock.sleep)
    send(limiter, clock, 45, 0.0205)
    for _ in range(10):
        limiter.back_off(1.0, sent_at=clock.now)
    assert limiter.pace() == pytest.approx(45 * DECREASE, rel=0.05)


def test_congestion_holds_every_request_until_retry_after():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), clock=clock, sleep=clock.sleep)
    congest(limiter, 2.5, sent_at=clock.now)
    assert limiter.try_acquire() == pytest.approx(2.5)
    assert limiter.acquire() == pytest.approx(2.5)
    assert clock.now == pytest.approx(1002.5)
    assert limiter.pace() is None  # not adaptive: held, never paced


def test_a_pause_lasts_at_most_the_longest_window():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), clock=clock, sleep=clock.sleep)
    congest(limiter, 86_400.0, sent_at=clock.now)  # no window of the limit needs a day to free up
    assert limiter.try_acquire() == pytest.approx(60.0)


def test_acquire_sleeps_past_a_pause_that_began_while_it_waited():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("1/s,60/min"), clock=clock)
    assert limiter.try_acquire() == 0.0

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.slept) == 1:  # other threads' requests were answered 429 meanwhile
            congest(limiter, 3.0, sent_at=clock.now)

    limiter._sleep = sleep
    assert limiter.acquire() == pytest.approx(4.0)
    assert clock.slept == [pytest.approx(1.0), pytest.approx(3.0)]


def send(limiter: RateLimiter, clock: FakeClock, count: int, every: float, *, through: float = 1.0) -> None:
    """``count`` requests admitted ``every`` seconds apart, a share ``through`` of them answered (evenly)."""
    for k in range(count):
        assert limiter.try_acquire() == 0.0
        if int((k + 1) * through) > int(k * through):
            limiter.answered()
        clock.now += every


def test_a_short_congestion_holds_nothing_and_a_long_one_holds_everything():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), clock=clock, sleep=clock.sleep)
    congest(limiter, 1.0, sent_at=clock.now)  # the 1-s budget: it frees as fast as it filled
    assert limiter.try_acquire() == 0.0
    congest(limiter, 20.0, sent_at=clock.now)  # the minute's budget: nothing gets through for 20 s
    assert limiter.try_acquire() == pytest.approx(20.0)


def test_congestion_paces_the_process_below_its_share():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), adaptive=True, clock=clock, sleep=clock.sleep)
    send(limiter, clock, 40, 0.1)  # 10 requests/s go through, a fifth of what the limit allows
    sent = clock.now - 0.1
    congest(limiter, 1.0, sent_at=sent)
    # The first time: its part of the one-second window that filled (9 or 10 at its edges), not half
    # of a nominal 50/s.
    assert limiter.pace() == pytest.approx(10 * DECREASE, rel=0.12)
    paced = limiter.pace()
    # 429s to requests sent before the cut could show (within a window and the settling span) are the
    # same congestion: no further cut.
    for _ in range(3):
        clock.now += 1.0
        congest(limiter, 1.0, sent_at=clock.now)
    assert limiter.pace() == paced  # and idle seconds earn no growth
    sending_for(limiter, clock, 10.0)
    assert limiter.pace() == pytest.approx(paced + GROWTH * 50 * 10, rel=0.02)  # additive, while sending
    clock.now += 1.0
    send(limiter, clock, 10, 0.25, through=0.5)  # threads waiting out Retry-After: half get through
    grown = limiter.pace()
    congest(limiter, 1.0, sent_at=clock.now)
    # Paced: a share of its own pace, however few got through meanwhile (a cut in proportion to the
    # pace takes more from the larger process, and so the shares converge).
    assert limiter.pace() == pytest.approx(grown * DECREASE, rel=0.02)
    sending_for(limiter, clock, 100.0)
    assert limiter.pace() is None  # grown back to the peak rate while sending: no pacing any more
    for _ in range(100):
        limiter.acquire()
        congest(limiter, 1.0, sent_at=clock.now)
        clock.now += 5
    assert limiter.pace() == pytest.approx(MIN_PACE * 50, rel=0.3)


def sending_for(limiter: RateLimiter, clock: FakeClock, seconds: float) -> None:
    """Requests as fast as the limiter admits them, for ``seconds``, every one answered."""
    until = clock.now + seconds
    while clock.now < until:
        limiter.acquire()
        limiter.answered()


def test_growth_is_additive_so_that_shares_converge():
    """Two processes cut to different shares gain the same while sending: the gap between them
    shrinks relative to their paces, and the next cut takes more from the larger."""
    paces = []
    for share in (2, 20):
        clock = FakeClock()
        limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), adaptive=True, clock=clock, sleep=clock.sleep)
        send(limiter, clock, share, 1 / share)
        congest(limiter, 1.0, sent_at=clock.now)
        sending_for(limiter, clock, 8.0)
        paces.append(limiter.pace())
    low, high = paces
    assert high - low == pytest.approx((20 - 2) * DECREASE, rel=0.05)
    assert high / low < 20 / 2


def test_only_time_spent_sending_grows_the_pace():
    """After an idle gap the pace starts again from its last cut: processes coming back together after
    a pause of the deployment start from their shares, not from what one grew to while alone."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), adaptive=True, clock=clock, sleep=clock.sleep)
    send(limiter, clock, 10, 0.1)
    congest(limiter, 1.0, sent_at=clock.now)
    cut, cut_at = limiter.pace(), clock.now
    sending_for(limiter, clock, 1.0 + SETTLE_SPAN - 0.3)
    assert limiter.pace() == pytest.approx(cut)  # no growth until the cut can have shown
    sending_for(limiter, clock, 5.3)
    grown = clock.now - (cut_at + 1.0 + SETTLE_SPAN)  # seconds sent since then (about 5)
    assert limiter.pace() == pytest.approx(cut + GROWTH * 50 * grown, rel=0.02)
    # Sending slower than the pace (a process with little to do) still counts, gap by gap.
    before = limiter.pace()
    for _ in range(10):
        clock.now += SENDING_GAP / 2
        limiter.acquire()
    assert limiter.pace() == pytest.approx(before + GROWTH * 50 * 10 * SENDING_GAP / 2, rel=0.01)
    clock.now += 2 * SENDING_GAP  # idle: a phase of the deployment ends, the next one begins
    limiter.acquire()
    assert limiter.pace() == pytest.approx(cut)


def test_a_longer_window_running_out_holds_without_cutting_and_is_not_idleness():
    """The minute's budget ran out: everything waits for Retry-After, but the pace keeps its share (that
    window frees at the rate it filled) and keeps growing after the pause."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), adaptive=True, clock=clock, sleep=clock.sleep)
    send(limiter, clock, 10, 0.1)
    congest(limiter, 1.0, sent_at=clock.now)
    sending_for(limiter, clock, 1.0 + SETTLE_SPAN + 2.0)
    paced = limiter.pace()
    congest(limiter, 30.0, sent_at=clock.now)
    assert limiter.pace() == pytest.approx(paced)
    assert limiter.acquire() == pytest.approx(30.0, abs=0.5)
    sending_for(limiter, clock, 2.0)
    assert limiter.pace() == pytest.approx(paced + GROWTH * 50 * 2, rel=0.05)


def test_a_first_cut_starts_from_at_least_a_small_share():
    """A process that started as the window filled got little of it, which says nothing of its share:
    its first cut starts from FIRST_SHARE of the limit, not from the one request it got."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), adaptive=True, clock=clock, sleep=clock.sleep)
    send(limiter, clock, 6, 0.05, through=1 / 6)  # one of its six requests got through
    congest(limiter, 1.0, sent_at=clock.now)
    assert limiter.pace() == pytest.approx(FIRST_SHARE * 50 * DECREASE)
    sending_for(limiter, clock, 1.0 + SETTLE_SPAN + 4.0)
    grown = limiter.pace()
    congest(limiter, 1.0, sent_at=clock.now)
    assert limiter.pace() == pytest.approx(grown * DECREASE)  # later cuts: from its pace, below that floor too
    assert limiter.pace() < FIRST_SHARE * 50


def test_the_pace_spaces_requests_and_never_shrinks_a_window_retroactively():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit.parse("50/s,1000/min"), adaptive=True, clock=clock, sleep=clock.sleep)
    burst = [clock.now + k * 0.0201 for k in range(900)]
    # A burst at the full 50/s, 900 of the minute's 1000 in 18 s, half of it answered (others use the key).
    send(limiter, clock, 900, 0.0201, through=0.5)
    congest(limiter, 1.0, sent_at=clock.now - 0.0201)
    pace = limiter.pace()
    assert pace == pytest.approx(25 * DECREASE, rel=0.04)
    # The next request goes out at the new pace, not once the burst has left the one-minute window.
    assert limiter.acquire() == pytest.approx(1 / pace - 0.0201, rel=0.01)  # after the burst's last request
    admitted = []
    for _ in range(300):
        limiter.acquire()
        admitted.append(clock.now)
    assert max_in_any_window(admitted[:60], 1.0) <= round(pace + GROWTH * 50 * 2) + 1
    assert max_in_any_window(burst + admitted, 60.0) <= 1000  # the account's windows still hold
    assert max_in_any_window(burst + admitted, 1.0) <= 50
