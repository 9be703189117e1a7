"""The audit chain against its anchors outside the database: the seal file beside it and
the backups. Each comparison is said in words, matched or not.

A backup holds the trail as it was when it was made, so its last audit row must still be
in the live trail, with the same hash, at the same id. A backup made before a restore
that replaced the trail from some row on holds the old branch: it is named, not failed.
Backups are opened read-only and immutable through SQLite (a backup has no -wal).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kapdesk.store.connection import Database
from kapdesk.store.seal import Seal, SealError, database_file, read_seal
from kapdesk.store.sealkey import SealKeyError, key_for
from kapdesk.store.timefmt import from_db


@dataclass
class AnchorReport:
    problems: list[str] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KeyState:
    """The database's seal key as check found it: the key, its file, or why it failed."""

    key: bytes | None = None
    file: Path | None = None
    problem: str = ""


def key_state(db: Database, database: Path) -> KeyState:
    """The key of the database at `database`, read (never made)."""
    try:
        key, file = key_for(db, database, create=False)
    except SealKeyError as exc:
        return KeyState(problem=str(exc))
    return KeyState(key, file)


def _hash_at(db: Database, row_id: int) -> str | None:
    row = db.execute("SELECT hash FROM audit WHERE id = ?", [row_id]).fetchone()
    return str(row[0]) if row else None


def _short(digest: str | None) -> str:
    return (digest or "-")[:16]


UNCLEAN_SPAN_S = 60.0  # the rows an unclean stop can leave unsealed were saved this close


def _mac(seal: Seal, key: KeyState, report: AnchorReport) -> bool:
    """Say what the seal's MAC showed; False when the seal must not be trusted."""
    where = f"{key.file}" if key.file else "(the database has no identity)"
    if key.problem:
        report.problems.append(f"seal: {key.problem}")
        return True
    if seal.mac == "forged":
        report.problems.append(f"seal: its MAC does not verify with this database's key "
                               f"({where}): it was written without the key (forged), or "
                               "with another key")
        return False
    if seal.mac == "none" and key.key is not None:
        report.problems.append(f"seal: it carries no MAC, but this database has a key "
                               f"({where}): it was written without the key")
        return False
    if seal.mac == "verified":
        report.compared.append(f"seal: its MAC verified with this database's key ({where})")
    elif seal.mac == "unverified":
        report.warnings.append(f"seal: it carries a MAC, but its key is not here ({where}): "
                               "NOT verified with the key; run check where KAPdesk runs")
    else:
        report.compared.append("seal: written without a key (no MAC): it shows a change "
                               "made without rewriting the seal too")
    return True


def _unsealed(db: Database, after: int) -> tuple[int, float | None]:
    """How many rows follow row `after`, and the seconds between their first and last."""
    row = db.execute("SELECT count(*), min(at), max(at) FROM audit WHERE id > ?",
                     [after]).fetchone()
    try:
        span = (from_db(row[2]) - from_db(row[1])).total_seconds() if row[0] else 0.0
    except (TypeError, ValueError):  # a time that is not one: written behind KAPdesk's back
        span = None
    return int(row[0]), span


def _seal(db: Database, path: Path, report: AnchorReport, sealed: Seal | SealError | None,
          writer: str | None, key: KeyState) -> None:
    last = db.execute("SELECT max(id), count(*) FROM audit").fetchone()
    top, count = int(last[0] or 0), int(last[1])
    if count != top:
        report.problems.append(f"audit: {count} rows but the last is row {top}: rows were "
                               "removed from the trail")
    if isinstance(sealed, SealError):
        report.problems.append(f"seal: {sealed}")
        return
    seal = sealed
    if seal is None:
        tail = db.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        if tail is None or tail[0] == "baseline":
            report.compared.append(f"seal: none yet ({path.name} is written with the next "
                                   "save)")
        else:
            report.problems.append(f"seal: {path} is missing, so the end of the audit trail "
                                   f"(row {top}) cannot be checked")
        return
    if not _mac(seal, key, report):
        return
    at = _hash_at(db, seal.last_id)
    pending = seal.pending_id if seal.pending_id != seal.last_id else None
    if (pending is not None and top == pending and _hash_at(db, top) == seal.pending_head
            and (seal.last_id == 0 or at == seal.head)):
        report.compared.append(f"seal: audit row {top} of {top}, head "
                               f"{_short(seal.pending_head)}…, matches {path.name} (committed "
                               "as the app stopped, before the seal was confirmed)")
    elif top < seal.last_id:
        report.problems.append(
            f"seal: the audit trail ends at row {top} but the seal recorded {seal.rows} rows "
            f"(last row {seal.last_id}, sealed {seal.at}): rows were removed from its end")
    elif at != seal.head:
        report.problems.append(
            f"seal: audit row {seal.last_id} has hash {_short(at)}…, the seal recorded "
            f"{_short(seal.head)}… ({seal.at}): the trail was rewritten at or before that row")
    elif top > seal.last_id and writer is not None:
        # the seal was read first, then the trail: KAPdesk went on saving in between
        report.compared.append(
            f"seal: audit row {seal.last_id} {_short(seal.head)}… matches {path.name}; rows "
            f"{seal.last_id + 1}-{top} were saved since by {writer}, which seals each one as "
            "it commits")
    elif top > seal.last_id:
        _behind(db, path, report, seal, top)
    else:
        after = " (the transaction after it did not commit)" if pending else ""
        report.compared.append(f"seal: audit row {seal.last_id} of {seal.rows}, head "
                               f"{_short(seal.head)}…, matches {path.name}{after}")


def _behind(db: Database, path: Path, report: AnchorReport, seal: Seal, top: int) -> None:
    """Rows after the sealed head, and no KAPdesk running: the moments before an unclean
    stop of the machine (a warning), or rows written behind KAPdesk's back (a failure)."""
    rows, span = _unsealed(db, seal.last_id)
    first = seal.last_id + 1
    if seal.running and span is not None and 0 <= span <= UNCLEAN_SPAN_S:
        report.warnings.append(
            f"seal: audit row {seal.last_id} {_short(seal.head)}… matches {path.name}, but "
            f"rows {first}-{top} ({rows}, saved within {span:.0f} s) are not sealed: KAPdesk "
            "did not close the seal, as after a power cut or a crash of the machine in the "
            "moments after a save. If the machine did not stop so, these rows were added "
            f"behind KAPdesk's back: review audit rows {first}-{top}")
        return
    why = ("the seal was closed cleanly after row " f"{seal.last_id}" if not seal.running
           else f"they span {span:.0f} s, more than an unclean stop leaves" if span is not None
           else "their times are not times")
    report.problems.append(
        f"seal: {rows} audit row(s) after row {seal.last_id} are not sealed ({why}): "
        "written behind KAPdesk's back, or while the seal could not be written")


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
        if hashes.get(rid - 1) == _hash_at(db, rid - 1) and hashes.get(rid) != _hash_at(db, rid):
            return int(rid)
    return None


def _backups(db: Database, paths: list[Path], report: AnchorReport,
             given: bool = False) -> None:
    """Each backup's head against the trail: the backups folder's (`given` false, said as a
    count), or backups named on the command line (each said, by its path)."""
    top = int(db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])
    mine = db.execute("SELECT value FROM settings WHERE key = 'database_id'").fetchone()
    restores = [int(r[0]) for r in db.execute(
        "SELECT id FROM audit WHERE action = 'restore' AND entity = 'database'")]
    wanted = sorted({i for r in restores for i in (r - 1, r)})
    matched = 0
    for path in paths:
        name = str(path) if given else path.name
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
        live = _hash_at(db, head)
        if live == digest:
            matched += 1
            if given:
                report.compared.append(f"backup {name}: its head, audit row {head} "
                                       f"({_short(digest)}…), matches the trail's row {head}")
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
                                   f"({_short(digest)}…), differs from the trail's "
                                   f"({_short(live)}…): the trail was rewritten")
    if given:
        return
    if paths:
        report.compared.append(f"backups: {matched} of {len(paths)} heads match the trail")
    else:
        report.compared.append("backups: none in the backups folder to compare")


def read_anchor(seal: Path, key: KeyState | None = None) -> Seal | SealError | None:
    """The seal as it is now: read before the trail's snapshot is taken, so that a
    KAPdesk saving meanwhile can only put the trail ahead of it, never behind."""
    try:
        return read_seal(seal, key.key if key else None)
    except SealError as exc:
        return exc


def anchor_report(db: Database, seal: Path, backups: list[Path],
                  sealed: Seal | None | SealError | None = None,
                  writer: str | None = None, key: KeyState | None = None,
                  given: list[Path] | None = None) -> AnchorReport:
    """The trail against the seal and each backup: problems, and what was compared.

    `sealed`: the seal as read (read_anchor) before `db`'s snapshot began; read here if not
    given. `key`: the database's seal key (key_state), looked up here if not given.
    `given`: backups named by the user (`kapdesk check --backup FILE`), wherever they are.
    `writer`: who is saving beside this check (the open room), if anyone: the trail may then
    run ahead of the seal by the rows saved since it was read."""
    report = AnchorReport()
    if key is None:
        file = database_file(db)
        key = key_state(db, file) if file is not None else KeyState()
    if sealed is None:
        sealed = read_anchor(seal, key)
    try:
        _seal(db, seal, report, sealed, writer, key)
        _backups(db, backups, report)
        _backups(db, given or [], report, given=True)
        head = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error as exc:  # the trail itself removed or reshaped
        report.problems.append(f"audit: the trail cannot be read ({exc})")
        return report
    if head:
        report.compared.append(f"audit trail: {head[0]} rows, head {head[1]} (compare with "
                               "the head printed on an exported note)")
    return report
