"""The audit trail against its backups: each backup holds the trail as it was when it was
made, so its last audit row must still be in the live trail, with the same hash, at the
same id. A backup made before a restore that replaced the trail from some row on holds the
old branch: it is named, not failed. Backups are opened read-only and immutable through
SQLite (a backup has no -wal). Besides the backups folder's, check compares backups named
with `kapdesk check --backup FILE`, and those the trail records as written elsewhere
(`kapdesk backup --to`) that are still there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kapdesk.store.anchor_report import AnchorReport
from kapdesk.store.connection import Database
from kapdesk.store.signature import loads


def hash_at(db: Database, row_id: int) -> str | None:
    row = db.execute("SELECT hash FROM audit WHERE id = ?", [row_id]).fetchone()
    return str(row[0]) if row else None


def short(digest: str | None) -> str:
    return (digest or "-")[:16]


def _backup_head(path: Path, wanted: list[int],
                 ) -> tuple[int, str, dict[int, str], str | None] | str:
    """(last id, its hash, the hashes of its rows `wanted`, its database identity) or why
    it cannot be read."""
    if not path.is_file():
        return "is not a file" if path.exists() else "no such file"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        return f"cannot be opened ({exc})"
    try:
        row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return "has no audit trail"
        marks = ", ".join("?" * len(wanted)) or "NULL"
        hashes = {int(i): str(h) for i, h in conn.execute(
            f"SELECT id, hash FROM audit WHERE id IN ({marks})", wanted)}
        ident = conn.execute("SELECT value FROM settings WHERE key = 'database_id'"
                             ).fetchone()
        return int(row[0]), str(row[1]), hashes, str(ident[0]) if ident else None
    except sqlite3.Error as exc:
        return f"cannot be read ({exc})"
    finally:
        conn.close()


def _forked(db: Database, head: int, hashes: dict[int, str]) -> int | None:
    """The restore row from which the live trail left the backup's branch, if one did."""
    for (rid,) in db.execute("SELECT id FROM audit WHERE action = 'restore' AND "
                             "entity = 'database' AND id <= ? ORDER BY id", [head]):
        if hashes.get(rid - 1) == hash_at(db, rid - 1) and hashes.get(rid) != hash_at(db, rid):
            return int(rid)
    return None


def recorded_backups(db: Database, listed: list[Path]) -> list[Path]:
    """Backups the trail records as written (`kapdesk backup --to`, the window's "Back up
    to…") that are still where they were written and not in `listed`."""
    seen = {p.resolve() for p in listed}
    found: list[Path] = []
    for (new,) in db.execute("SELECT new FROM audit WHERE action = 'backup' AND "
                             "entity = 'database' ORDER BY id"):
        file = loads(new).get("file") if isinstance(loads(new), dict) else None
        if not isinstance(file, str) or not file:
            continue
        path = Path(file)
        try:
            if path.is_file() and path.resolve() not in seen:
                seen.add(path.resolve())
                found.append(path)
        except OSError:  # a folder this user may not enter: not comparable, not a problem
            continue
    return found


def compare_backups(db: Database, paths: list[Path], report: AnchorReport,
             given: str = "") -> None:
    """Each backup's head against the trail: the backups folder's (`given` empty, said as a
    count), or others, each said by its path and how it was `given`."""
    top = int(db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])
    mine = db.execute("SELECT value FROM settings WHERE key = 'database_id'").fetchone()
    restores = [int(r[0]) for r in db.execute(
        "SELECT id FROM audit WHERE action = 'restore' AND entity = 'database'")]
    wanted = sorted({i for r in restores for i in (r - 1, r)})
    matched = 0
    for path in paths:
        name = f"{path} ({given})" if given else path.name
        found = _backup_head(path, wanted)
        if isinstance(found, str) and not path.exists() and not given:  # rotated away
            report.compared.append(f"backup {path.name}: removed by the rotation of backups "
                                   "while this check ran; not compared")
            continue
        if isinstance(found, str):
            report.problems.append(f"backup {name}: {found}")
            continue
        head, digest, hashes, ident = found
        if given and mine is not None and ident is not None and ident != mine[0]:
            report.problems.append(f"backup {name}: a backup of another database (identity "
                                   f"{ident[1:9]}…, this one {str(mine[0])[1:9]}…); not "
                                   "compared")
            continue
        live = hash_at(db, head)
        if live == digest:
            matched += 1
            if given:
                report.compared.append(f"backup {name}: its head, audit row {head} "
                                       f"({short(digest)}…), matches the trail's row {head}")
            continue
        fork = _forked(db, head, hashes)
        if fork is not None:
            report.compared.append(f"backup {name}: from before the restore at audit row "
                                   f"{fork} (the branch it replaced); not compared")
        elif head > top:
            report.problems.append(f"backup {name}: holds audit row {head} but the "
                                   f"trail ends at row {top}: rows were removed from its end")
        else:
            report.problems.append(f"backup {name}: its head, audit row {head} "
                                   f"({short(digest)}…), differs from the trail's "
                                   f"({short(live)}…): the trail was rewritten")
    if given:
        return
    if paths:
        report.compared.append(f"backups: {matched} of {len(paths)} heads match the trail")
    else:
        report.compared.append("backups: none in the backups folder to compare")
