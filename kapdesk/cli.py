"""Commands without a window. Each shares --data-dir; bad arguments exit 2 with one line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from kapdesk import APP_NAME
from kapdesk.core.clock import SystemClock
from kapdesk.core.errors import KapdeskError
from kapdesk.core.protocol import load_protocols
from kapdesk.paths import Paths

COMMANDS = ("demo", "check", "backup", "restore")


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
                   help="check the database, its audit trail and every protocol template")
    backup = sub.add_parser("backup", parents=[common],
                            help="back up the database while KAPdesk may be running")
    backup.add_argument("--to", metavar="PATH",
                        help="an existing folder (or one ending in /) for a dated backup "
                        "file, or a new file name (default: the backups folder in the data "
                        "folder, which keeps the newest 14)")
    restore = sub.add_parser("restore", parents=[common],
                             help="replace the database with a backup, once it passes its "
                             "checks (close KAPdesk first); the current one is kept aside")
    restore.add_argument("path", metavar="PATH", help="the backup file")
    return parser


def main(argv: Sequence[str]) -> int:
    os.umask(0o077)  # whatever the commands write is the user's alone
    args = _parser().parse_args(list(argv))
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "backup":
            return _backup(args)
        if args.command == "restore":
            return _restore(args)
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


def _backup(args: argparse.Namespace) -> int:
    from kapdesk.store.backup import BackupService

    paths, db = _open(args)
    try:
        service = BackupService(db, paths.backups_dir, SystemClock())
        path = service.backup_now("manual", args.to)
    finally:
        db.close()
    print(f"backup written: {path} ({path.stat().st_size / 1e6:.1f} MB, integrity ok)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from kapdesk.store.backup import restore

    paths = Paths.resolve(args.data_dir)
    paths.ensure()
    done = restore(Path(args.path).expanduser(), paths.database, SystemClock())
    kept = (f"; the previous database is kept as {done.kept_aside}" if done.kept_aside
            else "")
    print(f"restored {done.backup} into {done.database}{kept}")
    return 0
