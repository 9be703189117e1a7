"""The child of test_file_access.py: the room's own paths to the database, watched.

    python tests/e2e/file_access_child.py DATA_DIR

An audit hook (PEP 578) sees every open() that Python code makes; SQLite's own opens, in C,
are not seen. With the room's database open, the child runs what the window runs on it
(the background integrity and quick checks, the backup runner, a backup from its own
connection, the full check of `kapdesk check`, the CLI's backup in-process), records and
saves a note, then prints one JSON line: every Python open() of the database, its -wal or
its -shm. DESIGN.md: nothing but SQLite may touch them while the database is open.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(data_dir: Path) -> int:
    touched: list[str] = []
    names = {"kapdesk.sqlite3", "kapdesk.sqlite3-wal", "kapdesk.sqlite3-shm"}

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
            path = os.fsdecode(args[0])  # type: ignore[arg-type]
            if os.path.basename(path) in names:
                touched.append(path)

    from PySide6.QtWidgets import QApplication

    from kapdesk import cli
    from kapdesk.core.clock import SystemClock
    from kapdesk.core.session import State
    from kapdesk.paths import Paths
    from kapdesk.store.backup import BackupService
    from kapdesk.store.database import integrity_check, quick_check
    from kapdesk.store.maintenance import integrity_report
    from kapdesk.wiring import build_services, build_window, create_account

    app = QApplication([])
    paths = Paths(data_dir)
    sys.addaudithook(hook)
    services = build_services(paths, SystemClock(), check=False)
    user = create_account(services, "Dr Test Person", "clinician", "clinician",
                          "a-long-password-1")
    window = build_window(services, user)
    window.check_database_soon(paths.database, services.db.stop_writes)
    runner = window.start_backups()
    window.room.plan("K-1", services.protocols[0])
    window.room.advance(State.PREPARING)
    window.room.advance(State.DOSED)
    window.records.save_note("Settled.")
    for check in (integrity_check, quick_check):
        check(paths.database)
    BackupService(services.db, paths.backups_dir, SystemClock()).backup_now("test")
    integrity_report(services.db)
    cli.main(["check", "--data-dir", str(data_dir)])
    create_account(services, "Ada Admin", "admin", "admin", "a-long-password-2")
    os.environ["KAPDESK_PASSWORD"] = "a-long-password-2"  # the CLI's backup is an admin's
    if cli.main(["backup", "--data-dir", str(data_dir), "--user", "admin"]) != 0:
        raise SystemExit("the CLI backup was refused")
    if runner.worker is not None:
        runner.worker.join(60)
    if window.background.db_check is not None:
        window.background.db_check.worker.join(60)
    app.processEvents()
    window.records.save_note("Settled. Breathing even.")
    print(json.dumps({"touched": touched}), flush=True)
    window.room.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
