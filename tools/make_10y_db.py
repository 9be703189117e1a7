"""Write ten years of an invented busy clinic into a new KAPdesk database, quickly.

    .venv/bin/python tools/make_10y_db.py PATH [--sessions 12000] [--observations 500000]
                                               [--patients 1500] [--seed N] [--end YYYY-MM-DD]

PATH is a data folder (the database goes in PATH/kapdesk.sqlite3) or a file ending in
.sqlite3; it must not hold a database yet. The schema comes from open_database (created and
migrated as the app does); the rows (tools/clinic_history.py) go in with executemany in one
transaction; the audit trail is hash-chained in time order with kapdesk.store.audit.row_hash,
so `kapdesk check --data-dir PATH` reports ok. Everything is invented. Every account
(ada.quill the first clinician, clinic.admin the admin...) has the password PASSWORD below,
hashed once with the app's Argon2id profile and shared. Prints the time taken.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from any folder, installed or not

from argon2 import PasswordHasher  # noqa: E402
from clinic_history import Rows, SessionWriter, ts  # noqa: E402
from clinic_values import FIRST, LAST, NOTES  # noqa: E402

from kapdesk.core.alerts import Thresholds  # noqa: E402
from kapdesk.core.protocol import Protocol, load_protocols  # noqa: E402
from kapdesk.paths import builtin_protocols_dir  # noqa: E402
from kapdesk.store.accounts import HASH_PARAMETERS  # noqa: E402
from kapdesk.store.audit import GENESIS, row_hash  # noqa: E402
from kapdesk.store.database import open_database  # noqa: E402
from kapdesk.store.patients import INTEGRATION  # noqa: E402
from kapdesk.store.reconcile import write_baseline  # noqa: E402

CLINICIANS = ("Dr Ada Quill", "Sam Okafor, RN", "Dr Lena Marsh", "Theo Brandt, RN",
              "Dr Imani Cole", "Priya Nandan, NP", "Dr Felix Roe", "Noor Haddad, RN",
              "Dr Owen Pike", "Mira Stellan, RN")
OTHERS = (("Riley Park", "staff"), ("Jo Allen", "staff"), ("Clinic Admin", "admin"))
# protocol id, weight, planned dosing sessions, days between doses
COURSES = (("im-kap", 45, 6, (5, 9)), ("iv-infusion", 20, 6, (2, 4)),
           ("sublingual-lozenge", 15, 6, (6, 10)), ("esketamine-nasal", 20, 8, (3, 4)))
PASSWORD = "ten-invented-years"
ALLERGIES = ("", "", "", "none known", "penicillin", "latex", "sulfa drugs")


def canonical(value: Any) -> str | None:
    """As kapdesk.store.audit writes old/new (the chain hashes the stored text)."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def at_hour(day: datetime, rng: random.Random, first: int, last: int) -> datetime:
    return day + timedelta(hours=rng.randint(first, last), minutes=rng.choice((0, 15, 30, 45)))


def schedule(rng: random.Random, sessions: int, patients: int, start: datetime,
             days: int) -> tuple[list[tuple[Any, ...]], list[tuple[int, str, int, datetime]]]:
    """(sessions: (planned_at, kind, patient, course, number, protocol, cancelled), courses:
    (patient, protocol, planned, start)), sessions in time order, `sessions` of them."""
    specs: list[tuple[Any, ...]] = []
    courses: list[tuple[int, str, int, datetime]] = []
    last_end: dict[int, datetime] = {}
    fresh = iter(rng.sample(range(patients), patients))
    while len(specs) < sessions:
        patient = next(fresh, None)
        if last_end and (patient is None or rng.random() < 0.15):  # back for another course
            patient = rng.choice(list(last_end))
        assert patient is not None
        begin = start + timedelta(days=rng.randint(0, days - 45))
        if patient in last_end:
            begin = max(begin, last_end[patient] + timedelta(days=rng.randint(60, 400)))
        if begin > start + timedelta(days=days - 30):
            continue
        protocol, _w, planned, (low, high) = rng.choices(COURSES, [c[1] for c in COURSES])[0]
        course = len(courses)
        courses.append((patient, protocol, planned, begin))
        day, number = begin, 0
        for _ in range(planned if rng.random() > 0.1 else rng.randint(1, planned - 1)):
            if day > start + timedelta(days=days - 1) or len(specs) >= sessions:
                break
            cancelled = rng.random() < 0.03
            number += 0 if cancelled else 1
            specs.append((at_hour(day, rng, 7, 14), "dosing", patient, course,
                          max(number, 1), protocol, cancelled))
            if not cancelled and rng.random() < 0.5 and len(specs) < sessions:
                talk = day + timedelta(days=rng.randint(1, 2))
                specs.append((at_hour(talk, rng, 9, 16), "integration", patient, course,
                              None, "integration", False))
            day += timedelta(days=rng.randint(low, high))
        last_end[patient] = day
    specs.sort(key=lambda s: s[0])
    return specs, courses


def generate(rng: random.Random, protocols: dict[str, Protocol], n_sessions: int,
             n_observations: int, n_patients: int, end: datetime) -> Rows:
    rows = Rows()
    days = 3652
    start = end - timedelta(days=days)
    names = [*CLINICIANS, *(n for n, _ in OTHERS)]
    roles = ["clinician"] * len(CLINICIANS) + [r for _, r in OTHERS]
    digest = PasswordHasher.from_parameters(HASH_PARAMETERS).hash(PASSWORD)  # as the app's
    admin = len(names)
    for uid, (name, role) in enumerate(zip(names, roles, strict=True), 1):
        person = name.removeprefix("Dr ").split(",")[0]  # "Dr Ada Quill" -> ada.quill
        login = re.sub(r"[^a-z0-9]+", ".", person.lower()).strip(".")
        made = start - timedelta(days=30, minutes=len(names) - uid)  # the admin first
        rows.users.append((uid, login, name, role, ts(made), digest))
        rows.log(made, None if uid == admin else admin, "create", "account", uid, None,
                 {"username": login, "role": role})
    clinicians = [(uid, name) for uid, name in enumerate(CLINICIANS, 1)]
    specs, courses = schedule(rng, n_sessions, n_patients, start, days)
    first_seen = {}
    for patient, _p, _n, begin in courses:
        first_seen.setdefault(patient, begin)
    weights = []
    for i in range(n_patients):
        pid, code = i + 1, f"K-{10001 + i}"
        made = first_seen.get(i, start + timedelta(days=rng.randint(0, days))) - \
            timedelta(days=rng.randint(7, 21))
        fields = {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                  "date_of_birth": date(rng.randint(1945, 2004), rng.randint(1, 12),
                                        rng.randint(1, 28)).isoformat(),
                  "weight_kg": float(rng.randint(48, 125)), "allergies": rng.choice(ALLERGIES)}
        weights.append(fields["weight_kg"])
        rows.patients.append((pid, code, ts(made), fields["name"], fields["date_of_birth"],
                              fields["weight_kg"], fields["allergies"], ""))
        rows.log(made, 1, "create", "patient", pid, None, {"code": code, **fields})
    for cid, (patient, protocol, planned, begin) in enumerate(courses, 1):
        made = begin - timedelta(days=rng.randint(1, 6))
        rows.courses.append((cid, patient + 1, protocol, planned, begin.date().isoformat(),
                             "active", ts(made), 1))
        rows.log(made, 1, "create", "course", cid, None,
                 {"patient": f"K-{10001 + patient}", "protocol": protocol, "planned": planned})
    dosing = sum(1 for s in specs if s[1] == "dosing" and not s[6])
    base, extra = divmod(n_observations, max(dosing, 1))
    writer = SessionWriter(rows, rng, Thresholds())
    talk_json = json.dumps(INTEGRATION.to_dict())
    n = 0
    for sid, (planned, kind, patient, course, number, protocol, cancelled) in \
            enumerate(specs, 1):
        user = rng.choice(clinicians)
        code = f"K-{10001 + patient}"
        if kind == "dosing":
            quota = 0 if cancelled else max(3, base + (1 if n < extra else 0))
            n += 0 if cancelled else 1
            writer.dosing(sid, code, (patient + 1, weights[patient]), protocols[protocol],
                          course + 1, number, planned, user, quota, cancelled)
            rows.log(planned - timedelta(minutes=rng.randint(5, 40)), user[0], "login",
                     "account", user[0])
            continue
        text = (f"Integration talk: {rng.choice(NOTES)}\n\nPlan: journal daily; next dosing "
                "session as planned.")
        noted = planned + timedelta(minutes=rng.randint(60, 240))
        rows.sessions.append((sid, patient + 1, "integration", talk_json, "closed", ts(planned),
                              None, user[0], course + 1, "integration", None))
        rows.notes.append((sid, text, ts(noted), user[0]))
        rows.log(noted, user[0], "create", "integration_session", sid, None,
                 {"patient": code, "chars": len(text)})
    for d in range(days):  # the daily backups, as BackupService records them
        at = start + timedelta(days=d, hours=2)
        rows.log(at, None, "backup", "database", None, None, {
            "file": f"kapdesk-{at:%Y%m%d-%H%M%S}.sqlite3", "reason": "daily",
            "bytes": 4096 * (200 + d * 60)})
    return rows


def chained(audit: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    prev = GENESIS
    for at, user, action, entity, entity_id, old, new in sorted(audit, key=lambda r: r[0]):
        at_s, old_s, new_s = ts(at), canonical(old), canonical(new)
        digest = row_hash(prev, at_s, user, action, entity, entity_id, old_s, new_s)
        yield (at_s, user, action, entity, entity_id, old_s, new_s, prev, digest)
        prev = digest


INSERTS = (
    ("users", "id, username, display_name, role, created_at, password_hash"),
    ("patients", "id, code, created_at, name, date_of_birth, weight_kg, allergies, notes"),
    ("courses", "id, patient_id, protocol_id, planned_sessions, start_date, status, "
                "created_at, created_by"),
    ("sessions", "id, patient_id, protocol_id, protocol_json, state, planned_at, t0, "
                 "created_by, course_id, kind, number"),
    ("events:session_events", "id, session_id, at, kind, cue_key, user_id, data"),
    ("observations", "id, session_id, kind, observed_at, recorded_at, user_id, data, "
                     "corrects, reason, amendment"),
    ("alerts", "id, session_id, observation_id, rule, severity, message, raised_at, "
               "confirm_due_at"),
    ("acks:alert_acks", "alert_id, at, user_id"),
    ("notes:session_notes", "session_id, text, updated_at, updated_by"),
    ("plays:music_plays", "session_id, phase, path, started_at, ended_at, outcome, reason"),
    # last: a signed session's rows are locked (migration 0006)
    ("signatures", "session_id, user_id, name, meaning, signed_at, content_hash"),
)


def write(path: Path, rows: Rows) -> dict[str, int]:
    db = open_database(path)
    counts: dict[str, int] = {}
    try:
        with db.atomic():
            for spec, columns in INSERTS:
                attr, _, table = spec.partition(":")
                data = getattr(rows, attr)
                marks = ", ".join("?" * len(columns.split(",")))
                db.conn.executemany(f"INSERT INTO {table or attr} ({columns}) VALUES ({marks})",
                                    data)
                counts[table or attr] = len(data)
            db.conn.executemany(
                "INSERT INTO audit (at, user_id, action, entity, entity_id, old, new, "
                "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", chained(rows.audit))
            counts["audit"] = len(rows.audit)
            # the history is written as an older KAPdesk wrote it (no audit row per session
            # event, version-1 signatures); the baseline says so, as migration 0006 does
            write_baseline(db.conn, max(r[0] for r in rows.audit) + timedelta(seconds=1))
            db.execute("INSERT INTO settings (key, value) VALUES ('current_user_id', '1')")
    finally:
        db.close()
    return counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="a data folder, or a .sqlite3 file")
    parser.add_argument("--sessions", type=int, default=12000)
    parser.add_argument("--observations", type=int, default=500000)
    parser.add_argument("--patients", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--end", type=date.fromisoformat, default=datetime.now(UTC).date(),
                        help="the last day of the history (default: today, UTC)")
    args = parser.parse_args(argv)
    path: Path = args.path if args.path.suffix == ".sqlite3" else args.path / "kapdesk.sqlite3"
    if path.exists() and path.stat().st_size > 0:
        print(f"make_10y_db: {path} already exists; choose a new path", file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    found, errors = load_protocols([builtin_protocols_dir()])
    if errors:
        print(f"make_10y_db: {errors[0]}", file=sys.stderr)
        return 2
    end = datetime.combine(args.end, datetime.min.time(), UTC)
    rows = generate(random.Random(args.seed), {p.id: p for p in found}, args.sessions,
                    args.observations, args.patients, end)
    made = time.perf_counter()
    counts = write(path, rows)
    done = time.perf_counter()
    print(f"{path}: " + ", ".join(f"{v} {k}" for k, v in counts.items()) +
          f"; {done - started:.1f} s ({made - started:.1f} s generating, "
          f"{done - made:.1f} s writing), {path.stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
