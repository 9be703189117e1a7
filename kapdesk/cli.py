"""Commands without a window. Each shares --data-dir; bad arguments exit 2 with one line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kapdesk import APP_NAME
from kapdesk.core.clock import Clock, SystemClock
from kapdesk.core.errors import KapdeskError
from kapdesk.core.permissions import PermissionDenied
from kapdesk.core.protocol import load_protocols
from kapdesk.paths import Paths

if TYPE_CHECKING:
    from kapdesk.core.accounts import User
    from kapdesk.services.account_ops import AccountOps
    from kapdesk.services.bundle import Operations
    from kapdesk.store.connection import Database

COMMANDS = ("demo", "check", "backup", "restore", "export", "rems-due")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"kapdesk: {message} (see 'kapdesk {self.prog.split()[-1]} --help')\n")


def _parser() -> argparse.ArgumentParser:
    # the exports load only for a command: the room window's start checks COMMANDS alone
    from kapdesk.services.exports import FORMATS

    parser = _Parser(prog="kapdesk", description=f"{APP_NAME} commands without a window")
    common = _Parser(add_help=False)
    common.add_argument("--data-dir", help="the data folder (default: $KAPDESK_DATA_DIR, "
                        "else the user data folder)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("demo", parents=[common],
                   help="write invented demo data into an empty data folder")
    check = sub.add_parser("check", parents=[common],
                           help="check the database, its audit trail and every protocol "
                           "template")
    check.add_argument("--backup", action="append", default=[], metavar="FILE",
                       help="also compare this backup's audit head with the trail (a "
                       "backup written elsewhere with 'kapdesk backup --to'); repeatable")
    backup = sub.add_parser("backup", parents=[common],
                            help="back up the database while KAPdesk may be running")
    backup.add_argument("--to", metavar="PATH",
                        help="an existing folder (or one ending in /) for a dated backup "
                        "file, or a new file name (default: the backups folder in the data "
                        "folder, which keeps the newest 14)")
    restore = sub.add_parser("restore", parents=[common],
                             help="replace the database with a backup, once it passes its "
                             "checks (refused while KAPdesk is open on the folder); the "
                             "current one is kept aside")
    restore.add_argument("path", metavar="PATH", help="the backup file")
    for admin_only in (backup, restore):
        admin_only.add_argument("--user", metavar="USERNAME", help="the admin who does it "
                                "(asked for the password, or $KAPDESK_PASSWORD); required "
                                "once accounts exist")
    export = sub.add_parser("export", parents=[common],
                            help="export a session or a patient's record to a file")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--session", type=int, metavar="ID", help="one session")
    which.add_argument("--patient", metavar="CODE", help="all of one patient's sessions")
    export.add_argument("--format", required=True, choices=FORMATS,
                        help="pdf (session note), csv, json, fhir (R4 transaction Bundle "
                        "for an EHR), rems (esketamine REMS monitoring form)")
    export.add_argument("--out", required=True, metavar="PATH", help="the file to write")
    export.add_argument("--deidentify", action="store_true",
                        help="leave out name, date of birth and free text")
    export.add_argument("--page-size", choices=("a4", "letter"), default="a4")
    export.add_argument("--force", action="store_true",
                        help="replace the --out file if it exists (only ever a regular "
                        "file: a folder, link, device or pipe is refused)")
    export.add_argument("--user", metavar="USERNAME", help="who exports (asked for the "
                        "password, or $KAPDESK_PASSWORD); required once accounts exist")
    rems = sub.add_parser("rems-due", parents=[common],
                          help="esketamine sessions whose REMS monitoring form is still due "
                          "(a clinician's sign-in)")
    rems.add_argument("--user", metavar="USERNAME", required=True,
                      help="the clinician asking (asked for the password, or "
                      "$KAPDESK_PASSWORD)")
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
        if args.command == "export":
            return _export(args)
        if args.command == "rems-due":
            return _rems_due(args)
        return _check(args)
    except KapdeskError as exc:
        hint = (" Give --user USERNAME (and the password)."
                if isinstance(exc, PermissionDenied) and not getattr(args, "user", None)
                else "")
        print(f"kapdesk: {exc}{hint}", file=sys.stderr)
        return 2
    except OSError as exc:  # the disk, a folder or a file the command needed
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"kapdesk: {exc.strerror or exc}{where}; nothing already saved was lost",
              file=sys.stderr)
        return 2


def _open(args: argparse.Namespace, holder: str | None = None,  # type: ignore[no-untyped-def]
          read_only: bool = False):
    """The data folder's paths and its database, opened as every program opens it
    (store/opening.py). `holder`: a command that records takes the folder's instance lock
    (refused while the room is open); the others run beside the room."""
    from kapdesk.store.opening import open_data_folder

    paths = Paths.resolve(args.data_dir)
    paths.ensure()
    opened = open_data_folder(paths.database, SystemClock(), holder,
                              read_only=read_only and paths.database.exists(),
                              extra_folders=[paths.backups_dir])
    for notice in opened.notices:
        print(f"kapdesk: {notice}", file=sys.stderr)
    return paths, opened.db


def _demo(args: argparse.Namespace) -> int:
    from kapdesk.demo import write_demo
    from kapdesk.store.sessions import SessionStore

    paths, db = _open(args, holder="the command 'kapdesk demo'")
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
    from kapdesk.store.anchor import anchor_report, key_state, read_anchor
    from kapdesk.store.backup import list_backups
    from kapdesk.store.instance import live_holder
    from kapdesk.store.maintenance import integrity_report
    from kapdesk.store.reconcile import signature_count
    from kapdesk.store.seal import seal_path
    from kapdesk.store.sessions import SessionStore

    paths, db = _open(args, read_only=True)
    holder = live_holder(paths.data_dir)
    # The anchors are read before the snapshot, never after: a KAPdesk saving (or backing
    # up) meanwhile can then only put the trail ahead of them, never behind.
    backups = list_backups(paths.backups_dir)
    given = [Path(b).expanduser() for b in args.backup]
    key = key_state(db, paths.database)
    sealed = read_anchor(seal_path(paths.database), key)
    with db.snapshot():  # every comparison over one committed state, the room saving or not
        problems = integrity_report(db)
        anchors = anchor_report(db, seal_path(paths.database), backups, sealed,
                                holder.describe() if holder else None, key, given)
        signed = signature_count(db)
        stored = SessionStore(db, SystemClock()).template_problems()
    problems += anchors.problems
    _protocols, errors = load_protocols(paths.protocol_dirs())
    problems += [f"protocol: {e}" for e in errors]
    from kapdesk.core.playlist import load_sets
    from kapdesk.paths import resource_root

    _sets, found = load_sets([resource_root() / "playlists", paths.playlists_dir])
    problems += [f"playlist: {p}" for p in found if p.kind in ("invalid", "unreadable")]
    problems += [f"session {sid}: stored template: {why}" for sid, why in stored]
    for line in problems:  # the first mismatch first
        print(line)
    print(f"verified: {signed} signature(s), each recomputed over the record it signed; the "
          "audit trail's chain, and its rows against the session record, patients, courses, "
          "accounts, outcome measures and music vetoes, both ways")
    for line in anchors.compared:
        print(f"compared: {line}")
    for line in anchors.warnings:
        print(f"warning: {line}")
    warned = f", {len(anchors.warnings)} warning(s)" if anchors.warnings else ""
    print(f"{paths.database}: "
          + (f"ok{warned}" if not problems else f"{len(problems)} problem(s){warned}"))
    return 0 if not problems else 1


def _ops(paths: Paths, db: Database, clock: Clock) -> Operations:
    from kapdesk.wiring import operations_over

    return operations_over(db, clock, paths)


def _backup(args: argparse.Namespace) -> int:
    paths, db = _open(args)
    try:
        clock = SystemClock()
        ops = _ops(paths, db, clock)
        user = _signed_in(args, ops.accounts)
        path = ops.backups.backup(user, args.to).value
    finally:
        db.close()
    print(f"backup written: {path} ({path.stat().st_size / 1e6:.1f} MB, integrity ok)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from kapdesk.services.backup_ops import restore_backup
    from kapdesk.store.instance import InstanceLock
    from kapdesk.store.opening import recover_folder

    paths = Paths.resolve(args.data_dir)
    paths.ensure()
    clock = SystemClock()
    with InstanceLock(paths.data_dir, "the command 'kapdesk restore'", clock) as lock:
        for notice in recover_folder(paths.database, clock, lock, [paths.backups_dir]):
            print(f"kapdesk: {notice}", file=sys.stderr)
        db = _existing(paths)
        try:
            user = _signed_in(args, _ops(paths, db, clock).accounts) if db is not None \
                else None
        except BaseException:
            if db is not None:
                db.close()
            raise
        done = restore_backup(user, Path(args.path).expanduser(), paths.database, clock,
                              db).value
    kept = (f"; the previous database is kept as {done.kept_aside}" if done.kept_aside
            else "")
    print(f"restored {done.backup} into {done.database}{kept}")
    return 0


def _existing(paths: Paths) -> Database | None:
    """The database in place, opened to ask who may replace it; None when there is none."""
    from kapdesk.store.database import open_database

    return open_database(paths.database) if paths.database.exists() else None


def _signed_in(args: argparse.Namespace, accounts: AccountOps) -> User | None:
    """The user named by --user, signed in with the password (the terminal's prompt or
    $KAPDESK_PASSWORD); None without --user. Whether they may do the command is the
    operation's to say (kapdesk.services): nobody signed in may only on a data folder
    where no account can sign in yet."""
    import getpass

    if not args.user:
        return None
    password = os.environ.get("KAPDESK_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise KapdeskError("no password: set KAPDESK_PASSWORD or run in a terminal")
        password = getpass.getpass(f"Password for {args.user}: ")
    return accounts.sign_in(args.user, password)


def _export(args: argparse.Namespace) -> int:
    from kapdesk.services.exports import ExportRequest, finish_on_terminate

    paths, db = _open(args)
    clock = SystemClock()
    ops = _ops(paths, db, clock)
    user = _signed_in(args, ops.accounts)
    # absolute, but a symbolic link is not followed: the export refuses to write through it
    out = Path(os.path.abspath(Path(args.out).expanduser()))
    request = ExportRequest(args.format, out, args.deidentify, args.page_size, args.force)
    with finish_on_terminate():  # stopped: no temporary copy left, the failure audited
        if args.session is not None:
            out = ops.exports.session(user, args.session, request).value
        else:
            out = ops.exports.patient(user, args.patient, request).value
    print(f"exported {args.format} to {out}")
    return 0


def _rems_due(args: argparse.Namespace) -> int:
    """Patient codes are printed only to a signed-in clinician (as for export)."""
    paths, db = _open(args)
    ops = _ops(paths, db, SystemClock())
    user = _signed_in(args, ops.accounts)
    due = ops.exports.rems_due(user)
    for session_id, code, dosed, by in due:
        print(f"session {session_id}  patient {code}  dosed {dosed:%Y-%m-%d %H:%M} UTC  "
              f"REMS form due by {by:%Y-%m-%d}")
    print(f"{len(due)} REMS monitoring form(s) due")
    return 0
