"""The child of the kill harness: records entries through the real stores until it is killed.

    python tests/e2e/record_child.py DATA_DIR SEED

Opens DATA_DIR/kapdesk.sqlite3 the way the room window does (store/opening.py: the instance
lock, restore recovery, leftovers, identity), and, as the window does, runs the database's
integrity_check and quick_check in a background thread, over and over, so that any check
that touches the file behind SQLite's back would show; resumes the session
that is running, or plans, prepares and doses a new one (im-kap); then, as fast as the
stores allow, records vitals, MOAA/S ratings, side effects and note saves. After each save
has been committed it prints one JSON line on stdout, flushed, so everything printed is
acknowledged: {"id", "session", "kind", "values"} for an entry (the values as given),
{"note", "chars", "sha256"} for the note, {"session", "state"} for a transition. Every
ROLLOVER entries the session is discharged early (with a reason), closed, and a new one
started, so sessions stay the size of a real one. Imports are kept to the store: every
millisecond of start-up is paid once per kill.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kapdesk.core.clock import SystemClock  # noqa: E402
from kapdesk.core.observations import Kind  # noqa: E402
from kapdesk.core.protocol import load_protocol_file  # noqa: E402
from kapdesk.core.session import State  # noqa: E402
from kapdesk.store.audit import AuditTrail  # noqa: E402
from kapdesk.store.database import integrity_check, quick_check  # noqa: E402
from kapdesk.store.instance import InstanceLockedError  # noqa: E402
from kapdesk.store.opening import Opened, open_data_folder  # noqa: E402
from kapdesk.store.records import RecordStore  # noqa: E402
from kapdesk.store.sessions import SessionStore  # noqa: E402
from kapdesk.store.users import UserStore  # noqa: E402

PROTOCOL = ROOT / "kapdesk" / "protocols" / "im-kap.toml"
ROLLOVER = 60  # entries per session, about a real session's
KINDS = (Kind.VITALS, Kind.VITALS, Kind.MOAAS, Kind.SIDE_EFFECT, Kind.NOTE)
EFFECTS = ("Nausea", "Dizziness", "Headache", "Anxiety", "Double vision", "Salivation")
NOTE_LINES = ("Settled with eyeshades, breathing even.", "Tearful, then calm.",
              "Asked for the music a little lower.", "Brief nausea, settled without medicine.")


def say(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields, sort_keys=True) + "\n")
    sys.stdout.flush()


def entry_values(kind: Kind, rng: random.Random) -> dict[str, object]:
    if kind is Kind.VITALS:
        systolic = rng.randint(105, 165)
        return {"systolic": systolic, "diastolic": rng.randint(60, systolic - 30),
                "heart_rate": rng.randint(55, 110), "spo2": rng.randint(93, 100),
                "resp_rate": rng.randint(11, 20)}
    if kind is Kind.MOAAS:
        return {"score": rng.choice((5, 5, 4, 4, 3))}
    return {"name": rng.choice(EFFECTS), "severity": rng.choice(("mild", "mild", "moderate"))}


class Child:
    def __init__(self, data_dir: Path, seed: int) -> None:
        self.rng = random.Random(seed)
        clock = SystemClock()
        path = data_dir / "kapdesk.sqlite3"
        self.opened = self._open(path, clock)  # holds the instance lock while it lives
        self.db = self.opened.db
        threading.Thread(target=self._check_forever, args=(path,), daemon=True).start()
        audit = AuditTrail(self.db, clock)
        self.sessions = SessionStore(self.db, clock, audit)
        self.records = RecordStore(self.db, clock, self.sessions, audit)
        row = self.db.execute("SELECT min(id) FROM users").fetchone()
        self.user = int(row[0]) if row[0] else UserStore(self.db, clock).add("Dr Kill Test").id

    @staticmethod
    def _open(path: Path, clock: SystemClock) -> Opened:
        """As the room opens it; a bystander holding the lock for a moment is waited for."""
        deadline = time.monotonic() + 10
        while True:
            try:
                return open_data_folder(path, clock, "the kill harness child", check=False,
                                        extra_folders=[path.parent / "backups"])
            except InstanceLockedError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @staticmethod
    def _check_forever(path: Path) -> None:
        """The window's background checks, on connections of their own, again and again."""
        while True:
            for check in (integrity_check, quick_check):
                check(path)
            time.sleep(0.02)

    def transition(self, sid: int, state: State, reason: str | None = None) -> None:
        self.sessions.transition(sid, state, self.user, reason)
        say(session=sid, state=state.value)

    def new_session(self) -> int:
        number = self.sessions.count() + 1
        protocol = load_protocol_file(PROTOCOL)
        sid = self.sessions.plan(f"KILL-{number:05d}", protocol, self.user,
                                 spacing_reason="kill harness").id
        say(session=sid, state="planned")
        self.transition(sid, State.PREPARING)
        self.transition(sid, State.DOSED)
        return sid

    def current(self) -> int:
        running = self.sessions.running()
        if running is None:
            return self.new_session()
        say(session=running.id, resumed=running.state.value)
        if running.state is State.PREPARING:
            self.transition(running.id, State.DOSED)
        return running.id

    def finish(self, sid: int) -> None:
        state = self.sessions.get(sid).state
        if state is State.DOSED:
            self.transition(sid, State.RECOVERY)
            state = State.RECOVERY
        if state is State.RECOVERY:
            self.transition(sid, State.DISCHARGED, "kill harness: discharged early")
        self.transition(sid, State.CLOSED)

    def save_one(self, sid: int) -> None:
        kind = self.rng.choice(KINDS)
        if kind is Kind.NOTE:
            text = self.records.note(sid) + self.rng.choice(NOTE_LINES) + "\n"
            self.records.save_note(sid, text, self.user)
            say(note=sid, chars=len(text), sha256=hashlib.sha256(text.encode()).hexdigest())
            return
        values = entry_values(kind, self.rng)
        saved = self.records.record(sid, kind, values, self.user)
        say(id=saved.observation.id, session=sid, kind=kind.value, values=values)

    def run(self) -> None:
        sid = self.current()
        while True:
            entries = self.db.execute("SELECT count(*) FROM observations WHERE session_id = ?",
                                      [sid]).fetchone()[0]
            if entries >= ROLLOVER:
                self.finish(sid)
                sid = self.new_session()
            self.save_one(sid)


def main(argv: list[str]) -> int:
    data_dir, seed = Path(argv[0]), int(argv[1])
    Child(data_dir, seed).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
