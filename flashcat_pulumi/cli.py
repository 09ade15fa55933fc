"""The ``flashcat-pulumi`` command line: one subcommand per tool (``emulator``, ``oncall``, ``export``)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import shlex
import signal
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flashcat_pulumi._version import __version__
from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.config import Settings
from flashcat_pulumi.emulator import Emulator, Faults, load_seed
from flashcat_pulumi.emulator.faults import parse_latency
from flashcat_pulumi.emulator.server import PERMISSIONS, ROUTES
from flashcat_pulumi.emulator.state import MEMBER_ID_MODES
from flashcat_pulumi.errors import FlashdutyError
from flashcat_pulumi.export import export_program
from flashcat_pulumi.identity import Directory
from flashcat_pulumi.oncall import NotComputable, live_roster, planned_roster
from flashcat_pulumi.program import Declared, ProgramError, run_program
from flashcat_pulumi.ratelimit import DEFAULT_LIMIT, PREVIEW_LIMIT, RateLimit
from flashcat_pulumi.render import FORMATS, render_comparisons, render_rosters
from flashcat_pulumi.roster import Comparison, Roster, compare

__all__ = ["build_parser", "main"]

_REAL_LIMITS = {"*": DEFAULT_LIMIT, "/schedule/preview": PREVIEW_LIMIT}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions wrapped to the terminal paragraph by paragraph; epilogs (examples) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return super()._fill_text(text, width, indent)
        return "\n\n".join(textwrap.fill(paragraph, width, initial_indent=indent, subsequent_indent=indent)
                           for paragraph in text.split("\n\n"))


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
    _add_oncall(commands)
    _add_export(commands)
    return parser


# --- oncall ----------------------------------------------------------------------------------------

def _add_oncall(commands: Any) -> None:
    command = commands.add_parser(
        "oncall", help="show who a Pulumi program's schedules put on call",
        description="Run the Pulumi program in PROGRAM_DIR without the Pulumi engine (under mocks: nothing is "
                    "created or changed), collect every flashcat_pulumi Schedule it declares, and show who is on "
                    "call when: a row per layer and the final row, times in each schedule's zone. With an app key "
                    "(flashduty:appKey in the stack, or FLASHDUTY_APP_KEY; FLASHDUTY_BASE_URL for the emulator) "
                    "Flashduty computes the shifts and names the people (\"computed by Flashduty\"); without one, "
                    "the built-in engine does, with people as the program wrote them (\"computed locally\").",
        epilog="examples:\n"
               "  flashcat-pulumi oncall . --weeks 4\n"
               "  flashcat-pulumi oncall infra/oncall --stack prod --format markdown --out oncall.md\n"
               "  flashcat-pulumi oncall . --from 2026-12-21 --weeks 2 --format svg --out christmas.svg\n"
               "  flashcat-pulumi oncall . --compare --format markdown   # what the program changes\n",
        formatter_class=_Formatter)
    command.add_argument("program", metavar="PROGRAM_DIR",
                         help="a Pulumi Python program: a directory with Pulumi.yaml, or with __main__.py")
    command.add_argument("--stack", metavar="NAME", help="the stack whose config to use (Pulumi.NAME.yaml)")
    command.add_argument("--from", dest="start", type=_date, metavar="DATE",
                         help="first day shown, YYYY-MM-DD in each schedule's zone (default: today)")
    command.add_argument("--weeks", type=_weeks, default=2, metavar="N",
                         help="how many weeks to show, 1 to 52 (default: 2)")
    command.add_argument("--format", choices=FORMATS, default="text",
                         help="text, markdown (GitHub tables), mermaid (a gantt chart GitHub renders) or svg "
                              "(default: text)")
    command.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    command.add_argument("--compare", action="store_true",
                         help="show what changes hands between the live schedules (read from Flashduty; needs "
                              "an app key) and the program, and whether the person on call now changes")
    command.set_defaults(run=_run_oncall, parser=command)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; give YYYY-MM-DD") from None


def _weeks(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 52:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of weeks from 1 to 52")
    return int(text)


def _run_oncall(args: argparse.Namespace) -> int:
    def fail(message: str) -> int:
        print(f"flashcat-pulumi oncall: error: {message}", file=sys.stderr)
        return 1

    try:
        program = run_program(args.program, stack=args.stack)
    except ProgramError as error:
        return fail(str(error))
    if not program.schedules:
        declared = ", ".join(sorted({resource.kind for resource in program.resources})) or "no resources"
        return fail(f"the program in {args.program} declares no flashcat_pulumi Schedule (it declares: {declared})")
    try:
        settings = Settings.resolve(program.config.get)
    except FlashdutyError as error:
        return fail(str(error))
    if not settings.app_key and "flashduty:appKey" in program.secrets:
        print("flashcat-pulumi oncall: flashduty:appKey is a secret this command cannot decrypt; export "
              "FLASHDUTY_APP_KEY to have Flashduty compute the shifts", file=sys.stderr)
    if args.compare and not settings.app_key:
        return fail("--compare reads the live schedules from Flashduty: give an app key (flashduty:appKey in the "
                    "stack config or FLASHDUTY_APP_KEY; FLASHDUTY_BASE_URL to use the emulator)")
    client = FlashdutyClient(app_key=settings.app_key, base_url=settings.base_url,
                             retry_budget=settings.retry_budget) if settings.app_key else None
    directory = Directory(client) if client is not None else None
    now = int(time.time())
    rosters: list[Roster] = []
    comparisons: list[Comparison] = []
    failures: list[str] = []
    try:
        for declared in program.schedules:
            zone = _zone_of(declared, settings, client)
            first = args.start or datetime.fromtimestamp(now, zone).date() if zone else args.start
            if zone is None or first is None:
                start = end = now  # planned_roster names what is missing
            else:
                start = _midnight(first, zone)
                end = _midnight(first + timedelta(weeks=args.weeks), zone)
            try:
                planned = planned_roster(declared.name, declared.props, start=start, end=max(end, start + 1),
                                         default_time_zone=settings.time_zone or None, client=client,
                                         directory=directory)
            except NotComputable as error:
                failures.append(str(error))
                continue
            rosters.append(planned)
            if args.compare and client is not None and directory is not None:
                stored = client.find_schedule(planned.schedule)
                live = None if stored is None else live_roster(stored, client, directory,
                                                                 time_zone=planned.time_zone, start=start, end=end)
                comparisons.append(compare(live, planned, now))
    except FlashdutyError as error:
        return fail(str(error))
    finally:
        if client is not None:
            client.close()
    for failure in failures:
        print(f"flashcat-pulumi oncall: error: {failure}", file=sys.stderr)
    if rosters:
        text = (render_comparisons(comparisons, args.format) if args.compare
                else render_rosters(rosters, args.format, now=now))
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 1 if failures else 0


def _zone_of(declared: Declared, settings: Settings, client: FlashdutyClient | None) -> ZoneInfo | None:
    """The zone the schedule's window is read in: its time_zone, the stack's, else the account's."""
    for name in (declared.props.get("time_zone"), settings.time_zone):
        if isinstance(name, str) and name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                return None  # planned_roster reports the bad zone
    if client is not None:
        account = client.get_member_info().account_time_zone
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(account) if account else None
    return None


def _midnight(day: date, zone: ZoneInfo) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())


# --- export ----------------------------------------------------------------------------------------

def _add_export(commands: Any) -> None:
    command = commands.add_parser(
        "export", help="write a Pulumi program declaring existing teams and schedules",
        description="Read teams and schedules from Flashduty and write a Pulumi Python program that declares "
                    "them with adopt=True, in the forms a program writes: emails, \"1w\", \"mon 09:00\", "
                    "\"09:00-18:00\", weekday names, times in the account's time zone. Its first `pulumi up` takes "
                    "the objects over without changing them; remove adopt=True after it.\n\n"
                    "Not written: override layers made in the web console (the provider keeps them; a comment "
                    "names them), and webhook tokens and secrets, which the program reads from stack config (the "
                    "`pulumi config set --secret` lines to run are printed on standard error).\n\n"
                    "The app key comes from the environment only: FLASHDUTY_APP_KEY (and FLASHDUTY_BASE_URL "
                    "for the emulator or another endpoint).",
        epilog="examples:\n"
               "  flashcat-pulumi export --all --out __main__.py\n"
               "  flashcat-pulumi export --schedule \"SRE primary\" --team SRE\n"
               "  flashcat-pulumi export --schedule 6000000000002 --schedule \"DB on call\" > oncall.py\n",
        formatter_class=_Formatter)
    command.add_argument("--schedule", action="append", default=[], metavar="ID|NAME",
                         help="a schedule to export, by id or exact name; repeatable")
    command.add_argument("--team", action="append", default=[], metavar="ID|NAME",
                         help="a team to export, by id or exact name; repeatable (a schedule of a team exported "
                              "too refers to the team's resource, else to its id)")
    command.add_argument("--all", action="store_true", dest="everything",
                         help="export every team and schedule of the account")
    command.add_argument("--out", metavar="FILE", help="write the program to FILE instead of standard output")
    command.set_defaults(run=_run_export, parser=command)


def _run_export(args: argparse.Namespace) -> int:
    def fail(message: str) -> int:
        print(f"flashcat-pulumi export: error: {message}", file=sys.stderr)
        return 1

    if not (args.schedule or args.team or args.everything):
        args.parser.error("name what to export: --schedule ID|NAME, --team ID|NAME (each repeatable) or --all")
    if args.everything and (args.schedule or args.team):
        args.parser.error("--all exports every team and schedule: give it without --schedule and --team")
    try:
        settings = Settings.resolve()
    except FlashdutyError as error:
        return fail(str(error))
    if not settings.app_key:
        return fail("no Flashduty app key: export FLASHDUTY_APP_KEY (and FLASHDUTY_BASE_URL to use the emulator "
                    "or another endpoint)")
    # The command as the program's docstring names it: what was selected, not where it was written.
    selection = ["--all"] if args.everything else [
        *(part for team in args.team for part in ("--team", team)),
        *(part for schedule in args.schedule for part in ("--schedule", schedule))]
    try:
        with FlashdutyClient(app_key=settings.app_key, base_url=settings.base_url,
                             retry_budget=settings.retry_budget) as client:
            exported = export_program(client, schedules=args.schedule, teams=args.team, everything=args.everything,
                                      command=shlex.join(["flashcat-pulumi", "export", *selection]))
    except FlashdutyError as error:
        return fail(str(error))
    if args.out:
        try:
            Path(args.out).write_text(exported.source, encoding="utf-8")
        except OSError as error:
            return fail(f"cannot write {args.out}: {error.strerror or error}")
    else:
        sys.stdout.write(exported.source)
    for warning in exported.warnings:
        print(f"flashcat-pulumi export: warning: {warning}", file=sys.stderr)
    if exported.secrets:
        print(f"flashcat-pulumi export: the program reads {len(exported.secrets)} webhook secret"
              f"{'s' if len(exported.secrets) > 1 else ''} from the stack config; in the project's directory, set "
              f"{'them' if len(exported.secrets) > 1 else 'it'} (the values are in the Flashduty console) before "
              f"`pulumi up`:", file=sys.stderr)
        for setting in exported.secrets:
            print(f"  {setting.command()}", file=sys.stderr)
    if args.out:
        print(f"flashcat-pulumi export: wrote {args.out}: {', '.join(exported.resources)}", file=sys.stderr)
    return 0


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
        formatter_class=_Formatter)
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
