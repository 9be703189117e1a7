"""The audit chain against its anchors outside the database: the seal file beside it (its
MAC checked with the database's key) and the backups (kapdesk.store.backup_heads). Each
comparison is said in words, matched or not; a seal left behind by an unclean stop of the
machine is a warning that names the rows, never silence.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kapdesk.store.anchor_report import AnchorReport
from kapdesk.store.backup_heads import compare_backups, hash_at, recorded_backups, short
from kapdesk.store.connection import Database
from kapdesk.store.seal import Seal, SealError, database_file, read_seal
from kapdesk.store.sealkey import SealKeyError, key_for
from kapdesk.store.signature import loads
from kapdesk.store.timefmt import from_db


@dataclass(frozen=True)
class KeyState:
    """The database's seal key as check found it: the key, its file, or why it failed."""

    key: bytes | None = None
    file: Path | None = None
    problem: str = ""
    others: int = 0  # keys of other databases in the same folder


def key_state(db: Database, database: Path) -> KeyState:
    """The key of the database at `database`, read (never made)."""
    try:
        key, file = key_for(db, database, create=False)
    except SealKeyError as exc:
        return KeyState(problem=str(exc))
    others = 0
    if key is None and file is not None:
        try:
            others = sum(1 for p in file.parent.glob("seal-*.key") if p != file)
        except OSError:
            others = 0
    return KeyState(key, file, others=others)


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
    elif key.others:
        report.warnings.append(
            f"seal: written without a key (no MAC), and there is no key for this database "
            f"({where}), though that folder holds {key.others} key(s) of other databases: "
            "if this one had a key, its identity was changed, and the seal proves nothing")
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
    at = hash_at(db, seal.last_id)
    pending = seal.pending_id if seal.pending_id != seal.last_id else None
    if (pending is not None and top == pending and hash_at(db, top) == seal.pending_head
            and (seal.last_id == 0 or at == seal.head)):
        report.compared.append(f"seal: audit row {top} of {top}, head "
                               f"{short(seal.pending_head)}…, matches {path.name} (committed "
                               "as the app stopped, before the seal was confirmed)")
    elif top < seal.last_id:
        report.problems.append(
            f"seal: the audit trail ends at row {top} but the seal recorded {seal.rows} rows "
            f"(last row {seal.last_id}, sealed {seal.at}): rows were removed from its end")
    elif at != seal.head:
        report.problems.append(
            f"seal: audit row {seal.last_id} has hash {short(at)}…, the seal recorded "
            f"{short(seal.head)}… ({seal.at}): the trail was rewritten at or before that row")
    elif top > seal.last_id and writer is not None:
        # the seal was read first, then the trail: KAPdesk went on saving in between
        report.compared.append(
            f"seal: audit row {seal.last_id} {short(seal.head)}… matches {path.name}; rows "
            f"{seal.last_id + 1}-{top} were saved since by {writer}, which seals each one as "
            "it commits")
    elif top > seal.last_id:
        _behind(db, path, report, seal, top)
    else:
        after = " (the transaction after it did not commit)" if pending else ""
        report.compared.append(f"seal: audit row {seal.last_id} of {seal.rows}, head "
                               f"{short(seal.head)}…, matches {path.name}{after}")


def _behind(db: Database, path: Path, report: AnchorReport, seal: Seal, top: int) -> None:
    """Rows after the sealed head, and no KAPdesk running: the moments before an unclean
    stop of the machine (a warning), or rows written behind KAPdesk's back (a failure)."""
    rows, span = _unsealed(db, seal.last_id)
    first = seal.last_id + 1
    if seal.running and span is not None and 0 <= span <= UNCLEAN_SPAN_S:
        report.warnings.append(
            f"seal: audit row {seal.last_id} {short(seal.head)}… matches {path.name}, but "
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


def _found_unsealed(db: Database, report: AnchorReport) -> None:
    """What starts recorded of rows they found not sealed (kapdesk.store.unsealed)."""
    for rid, new in db.execute("SELECT id, new FROM audit WHERE action = 'unsealed' AND "
                               "entity = 'audit' ORDER BY id"):
        found = loads(new) if isinstance(loads(new), dict) else {}
        rows = f"rows {found.get('first')}-{found.get('last')}"
        if found.get("seal_running") is True:
            report.compared.append(f"audit row {rid}: a start found {rows} not sealed, the "
                                   "seal not closed (the computer stopped just after a save)")
        else:
            report.warnings.append(f"audit row {rid}: a start found {rows} not sealed "
                                   "behind a seal closed cleanly: written behind KAPdesk's "
                                   f"back; review audit {rows}")


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
        _found_unsealed(db, report)
        compare_backups(db, backups, report)
        compare_backups(db, given or [], report, given="given with --backup")
        compare_backups(db, recorded_backups(db, [*backups, *(given or [])]), report,
                        given="written elsewhere, as the trail records")
        head = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error as exc:  # the trail itself removed or reshaped
        report.problems.append(f"audit: the trail cannot be read ({exc})")
        return report
    if head:
        report.compared.append(f"audit trail: {head[0]} rows, head {head[1]} (compare with "
                               "the head printed on an exported note)")
    return report
