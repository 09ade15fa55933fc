"""The ``flashcat-pulumi`` command line: one subcommand per tool (for now, ``emulator``)."""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flashcat_pulumi._version import __version__
from flashcat_pulumi.emulator import Emulator, Faults, load_seed
from flashcat_pulumi.emulator.faults import parse_latency
from flashcat_pulumi.emulator.server import PERMISSIONS, ROUTES
from flashcat_pulumi.emulator.state import MEMBER_ID_MODES
from flashcat_pulumi.ratelimit import DEFAULT_LIMIT, PREVIEW_LIMIT, RateLimit

__all__ = ["build_parser", "main"]

_REAL_LIMITS = {"*": DEFAULT_LIMIT, "/schedule/preview": PREVIEW_LIMIT}


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.run(args))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="flashcat-pulumi",
        description="Flashduty (Flashcat) on-call schedules and teams as Pulumi resources: tools.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_emulator(commands)
    return parser


# --- emulator --------------------------------------------------------------------------------------

def _add_emulator(commands: Any) -> None:
    command = commands.add_parser(
        "emulator", help="run a local Flashduty API emulator",
        description="Run a stateful, Flashduty-compatible HTTP server on this machine, for demos and "
                    "tests: no account, no internet. Stop it with Ctrl-C (or SIGTERM).",
        epilog="examples:\n"
               "  flashcat-pulumi emulator --port 8900 --app-key demo --state emulator.json\n"
               "  flashcat-pulumi emulator --rate-limit off --latency 10ms-50ms "
               "--faults 500=0.05,drop_after=0.02,seed=7\n"
               "  flashcat-pulumi emulator --key readonly=schedules:read\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    command.add_argument("--port", type=_port, default=8900,
                         help="port to listen on; 0 picks a free one (default: 8900)")
    command.add_argument("--app-key", type=_app_key, metavar="KEY",
                         help="the app key with every permission (default: a random one, printed)")
    command.add_argument("--state", metavar="FILE",
                         help="load the state from FILE if it exists and save every change to it")
    command.add_argument("--seed", type=_seed, metavar="FILE",
                         help='JSON file of the people: {"people": [{"name", "email", "person_id", "phone", '
                              '"as"}]} (default: Owner, Alice, Bob, Carol, Dave, Erin, Frank)')
    command.add_argument("--time-zone", type=_time_zone, default="Asia/Shanghai", metavar="ZONE",
                         help="the account time zone, an IANA name (default: Asia/Shanghai)")
    command.add_argument("--member-ids", choices=MEMBER_ID_MODES, default="same",
                         help="member ids of a new account: same (each is the person id), distinct (a range "
                              "of their own) or crossed (each is another member's person id) (default: same)")
    command.add_argument("--rate-limit", type=_rate_limit, action="append", metavar="SPEC",
                         help="off, real (default: 50/s,1000/min per path, preview 10/s,60/min), "
                              "COUNT/UNIT[,...] for every path, or PATH=COUNT/UNIT[,...] for one path; "
                              "repeatable, applied in order")
    command.add_argument("--latency", type=_latency, metavar="SPEC",
                         help="delay before handling each request: 20ms, 0.2s or a range 10ms-50ms")
    command.add_argument("--faults", type=_faults, metavar="SPEC",
                         help="random faults: 429=P,500=P,drop_before=P,drop_after=P,seed=N "
                              "(P a probability, any subset)")
    command.add_argument("--key", type=_key, action="append", metavar="KEY=PERM,PERM",
                         help=f"an extra app key with only these permissions ({', '.join(PERMISSIONS)}); "
                              f"repeatable")
    command.add_argument("--quiet", action="store_true", help="do not print a line per request")
    command.set_defaults(run=_run_emulator, parser=command)


def _run_emulator(args: argparse.Namespace) -> int:
    faults = args.faults or Faults()
    if args.latency is not None:
        faults = dataclasses.replace(faults, latency=args.latency)
    print_lock = threading.Lock()

    def say(line: str) -> None:
        with print_lock:
            print(line, flush=True)

    try:
        emulator = Emulator(app_key=args.app_key, seed=args.seed, faults=faults, time_zone=args.time_zone,
                            rate_limits=_limit_table(args.rate_limit) or False, keys=dict(args.key or []),
                            state_file=args.state, host=args.host, port=args.port,
                            log=None if args.quiet else say, member_ids=args.member_ids)
    except ValueError as exc:
        args.parser.error(str(exc))
    try:
        emulator.start()
    except OSError as exc:
        print(f"flashcat-pulumi emulator: error: cannot listen on {args.host}:{args.port}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    previous = _on_signals((signal.SIGINT, signal.SIGTERM), stop.set)
    try:
        say(f"Flashduty emulator listening on {emulator.base_url}")
        say(f"app key: {emulator.app_key}")
        if args.state:
            say(f"state file: {args.state}")
        say("press Ctrl-C to stop")
        # Wake up regularly: a plain wait() would not let the signal handler run on every platform.
        while not stop.wait(0.2):
            pass
    finally:
        emulator.stop()
        _restore_signals(previous)
    say("stopped" + (f"; state saved to {args.state}" if args.state else ""))
    return 0


def _on_signals(signals: tuple[signal.Signals, ...],
                action: Callable[[], None]) -> dict[signal.Signals, Any]:
    """Make ``action`` the handler of ``signals`` (main thread only); return the previous handlers."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def handler(signum: int, frame: FrameType | None) -> None:
        action()

    return {sig: signal.signal(sig, handler) for sig in signals}


def _restore_signals(previous: dict[signal.Signals, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def _limit_table(specs: list[tuple[str, RateLimit | None]] | None) -> dict[str, RateLimit]:
    """Apply ``--rate-limit`` values in order, starting from the real limits."""
    table = dict(_REAL_LIMITS)
    for path, limit in specs or []:
        if path == "off":
            table = {}
        elif path == "real":
            table = dict(_REAL_LIMITS)
        elif path == "*" and limit is not None:
            table = {"*": limit}
        elif limit is not None:
            table[path] = limit
    return table


# --- argument types: a ValueError or ArgumentTypeError becomes "argument --flag: message" ------------

def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535 (0: a free port), "
                                         f"got {text!r}")
    return port


def _app_key(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a non-empty app key")
    return text


def _time_zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"unknown time zone {text!r}; expected an IANA name such as "
                                         f"Asia/Shanghai or Europe/Berlin") from None
    return text


def _seed(text: str) -> str:
    try:
        load_seed(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _rate_limit(text: str) -> tuple[str, RateLimit | None]:
    spec = text.strip()
    if spec in ("off", "real"):
        return spec, None
    path, sep, limit = spec.rpartition("=")
    if sep and path not in ROUTES:
        raise argparse.ArgumentTypeError(f"unknown path {path!r} in {text!r}; "
                                         f"expected one of {', '.join(ROUTES)}")
    try:
        return (path if sep else "*"), RateLimit.parse(limit)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid rate limit {text!r}: expected off, real, COUNT/UNIT[,COUNT/UNIT] such as "
            f"50/s,1000/min, or PATH=LIMIT such as /schedule/preview=10/s,60/min (units: s, min, h)"
        ) from None


def _latency(text: str) -> tuple[float, float]:
    try:
        return parse_latency(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _faults(text: str) -> Faults:
    try:
        return Faults.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _key(text: str) -> tuple[str, frozenset[str]]:
    key, sep, permissions = text.partition("=")
    granted = frozenset(p.strip() for p in permissions.split(",") if p.strip())
    unknown = sorted(granted - set(PERMISSIONS))
    if not sep or not key.strip() or unknown:
        raise argparse.ArgumentTypeError(f"invalid key {text!r}: expected KEY=PERM[,PERM...] with PERM "
                                         f"one of {', '.join(PERMISSIONS)} (KEY= grants none)")
    return key, granted
