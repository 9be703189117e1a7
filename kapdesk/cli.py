"""Commands without a window. Each shares --data-dir; bad arguments exit 2 with one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NoReturn

from kapdesk import APP_NAME
from kapdesk.core.clock import SystemClock
from kapdesk.core.errors import KapdeskError
from kapdesk.core.protocol import load_protocols
from kapdesk.paths import Paths

COMMANDS = ("demo", "check")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"kapdesk: {message} (see 'kapdesk {self.prog.split()[-1]} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kapdesk", description=f"{APP_NAME} commands without a window")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the data folder (default: $KAPDESK_DATA_DIR, "
                        "else the user data folder)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("demo", parents=[common],
                   help="write invented demo data into an empty data folder")
    sub.add_parser("check", parents=[common],
                   help="check the database and every protocol template")
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    try:
        if args.command == "demo":
            return _demo(args)
        return _check(args)
    except KapdeskError as exc:
        print(f"kapdesk: {exc}", file=sys.stderr)
        return 2


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kapdesk.store.database import open_database

    paths = Paths.resolve(args.data_dir)
    paths.ensure()
    return paths, open_database(paths.database)


def _demo(args: argparse.Namespace) -> int:
    from kapdesk.demo import write_demo
    from kapdesk.store.sessions import SessionStore

    paths, db = _open(args)
    if SessionStore(db, SystemClock()).count():
        print(f"kapdesk: {paths.data_dir} already holds sessions; demo data goes only into "
              "an empty data folder", file=sys.stderr)
        return 2
    protocols, _errors = load_protocols(paths.protocol_dirs())
    counts = write_demo(db, {p.id: p for p in protocols}, datetime.now(UTC))
    print(f"demo data written to {paths.data_dir}: {counts['patients']} patients, "
          f"{counts['sessions']} sessions")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kapdesk.store.maintenance import integrity_report

    paths, db = _open(args)
    problems = integrity_report(db)
    _protocols, errors = load_protocols(paths.protocol_dirs())
    problems += [f"protocol: {e}" for e in errors]
    for line in problems:
        print(line)
    print(f"{paths.database}: " + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return 0 if not problems else 1
