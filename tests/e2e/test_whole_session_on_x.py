"""A whole session as a clinic meets it, with real key and mouse events (xdotool) on the real
window of the app started the README's way (`python main.py --data-dir D`), on Xvfb at
1366x768 under openbox: the first run's admin account, a clinician account made by the
admin (user menu > Accounts…), the clinician signed in (user menu > Sign in as someone
else…), then plan, screening, start preparing, the dose (its reason asked, the preparation
being incomplete), cues (a clinic protocol in D/protocols with cues seconds after the dose,
as the app runs on the real clock), Space, vitals typed, lock and unlock, recovery,
discharge (early: its reason, then the checklist), sign, History (session and course tabs)
and an export. Once the app has quit, the database, read-only, holds what was done.

Screenshots go to tests/artifacts/session_*.png (the History ones are copied to docs/ by
hand when they change): open them and look.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapdesk.store.seal import read_seal
from tests.e2e.xsession import TOOLS, Desk, x_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
ADMIN = ("Morgan Reyes", "morgan", "admin-password-e2e")
CLINICIAN = ("Dr Ada Quill", "ada", "clinician-password-e2e")
MAIN = "KAPdesk 0.1.0"
NOTE = "Calm, eyes closed; asked for the music a little softer."
VITALS = {"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 97, "resp_rate": 14}
# The clinic's copy of the default template (same id, so it is the default): cues at
# 12, 24 and 36 s after the dose, so that a session runs in a minute on the real clock.
PROTOCOL = """\
id = "im-kap"
name = "Intramuscular ketamine (KAP)"
route = "intramuscular"
drug = "ketamine"
session_minutes = 10
min_monitoring_minutes = 8
preparation = ["Screening confirmed for today", "Baseline vitals recorded",
               "Escort confirmed for discharge"]

[[phases]]
key = "onset"
name = "Onset"
start = 0
end = 1

[[phases]]
key = "peak"
name = "Peak"
start = 1
end = 6

[[phases]]
key = "return"
name = "Return"
start = 6
end = 10

[[cues]]
id = "lights-dim"
at = 0.2
kind = "lights"
text = "Dim the lights to low"
detail = "Eyeshades on."

[[cues]]
id = "vitals"
at = 0.4
kind = "vitals"
text = "Take vitals"

[[cues]]
id = "ratings"
at = 0.6
kind = "rating"
text = "Rate sedation and dissociation"
"""


def _event(desk: Desk, kind: str, cue: str, timeout: float = 30) -> None:
    desk.wait_for(f"the {kind} of cue {cue}", "SELECT id FROM session_events WHERE kind = ? "
                  "AND cue_key = ?", kind, cue, timeout=timeout)


def _state(desk: Desk, state: str) -> None:
    desk.wait_for(f"the session {state}", "SELECT id FROM sessions WHERE state = ?", state)


def _user_menu(desk: Desk, main: str, downs: int) -> None:
    """The user menu: second control from the right of the toolbar; then an item by keys."""
    desk.park_mouse()
    boxes = desk.boxes(main)
    left, right = boxes[-2]
    desk.click(main, (left + right) // 2, 20)
    desk.key(*["Down"] * downs, "Return")


def _sign_in(desk: Desk, user: tuple[str, str, str]) -> None:
    desk.window("Sign in to KAPdesk")
    desk.type(user[1])
    desk.key("Tab")
    desk.type(user[2])
    desk.key("Return")


def _first_run_and_accounts(desk: Desk) -> str:
    desk.window("Create the admin account", timeout=40)
    desk.type(ADMIN[0])
    desk.key("Tab")
    desk.type(ADMIN[1])
    desk.key("Tab", "Tab")  # the role is Admin, the only choice
    desk.type(ADMIN[2])
    desk.key("Tab")
    desk.type(ADMIN[2])
    desk.key("Return")
    _sign_in(desk, ADMIN)
    main = desk.window(MAIN)
    _user_menu(desk, main, 3)  # Lock now, Set my PIN…, Accounts…
    desk.window("Accounts")
    desk.key("Tab", "space")  # from the list to New account…
    desk.window("New account")
    desk.type(CLINICIAN[0])
    desk.key("Tab")
    desk.type(CLINICIAN[1])
    desk.key("Tab")
    desk.type("c")  # Clinician
    desk.key("Tab")
    desk.type(CLINICIAN[2])
    desk.key("Tab")
    desk.type(CLINICIAN[2] + "x")  # the two differ: said in the dialog, nothing made
    desk.key("Return")
    time.sleep(0.5)
    assert not desk.query("SELECT id FROM users WHERE username = ?", CLINICIAN[1])
    desk.window("New account")
    desk.key("BackSpace", "Return")
    desk.wait_for("the clinician's account", "SELECT id FROM users WHERE username = ? AND "
                  "role = 'clinician'", CLINICIAN[1])
    desk.gone("New account")
    desk.window("Accounts")
    desk.key("Escape")
    desk.gone("Accounts")
    main = desk.window(MAIN)
    _user_menu(desk, main, 4)  # the admin's menu: Lock, PIN, Accounts, Sign in as…
    _sign_in(desk, CLINICIAN)
    desk.wait_for("the clinician's sign-in", "SELECT id FROM audit WHERE action = 'login' "
                  "AND user_id = (SELECT id FROM users WHERE username = ?)", CLINICIAN[1])
    return desk.window(MAIN)


def _plan_screen_and_dose(desk: Desk) -> None:
    desk.park_mouse()
    desk.key("ctrl+n")
    desk.window("Plan a session")
    desk.type("K-014")
    desk.key("Tab", "Tab")  # the name stays empty; the weight
    desk.type("72")
    desk.key(*["Tab"] * 5)  # allergies, date of birth, sex, protocol: to the course
    desk.type("N")  # New course of 6 dosing sessions
    desk.key("Return")
    _state(desk, "planned")
    desk.window(MAIN)
    desk.key(*["Tab"] * 6)  # the five entry buttons, then Screening checklist…
    desk.key("space")
    desk.window("Screening before the dose")
    for _ in range(8):
        desk.key("space", "Down")
    desk.key("Tab")
    desk.type("all confirmed with the patient")
    desk.key("Tab", "space")
    desk.wait_for("the screening", "SELECT id FROM observations WHERE kind = 'screening'")
    desk.window(MAIN)
    desk.key("ctrl+shift+p")
    _state(desk, "preparing")
    desk.key("ctrl+d")
    desk.window("Preparation incomplete")
    desk.type("Baseline vitals taken on paper")
    desk.key("Return")
    _state(desk, "dosed")


def _cues_vitals_and_lock(desk: Desk) -> None:
    desk.window(MAIN)
    desk.shot("session_onset.png")
    desk.key("space")  # nothing is due yet: Space does nothing (no button pressed)
    _event(desk, "cue_due", "lights-dim#1")
    time.sleep(0.5)  # the banner is drawn with the event
    desk.shot("session_banner.png")
    desk.key("space")
    _event(desk, "cue_acknowledged", "lights-dim#1")
    _event(desk, "cue_due", "vitals#1")
    desk.key("v")
    desk.window("Record vitals")
    for i, value in enumerate(VITALS.values()):
        desk.key(*(["Tab"] if i else []))
        desk.type(str(value))
    desk.key("Return")
    desk.wait_for("the vitals", "SELECT id FROM observations WHERE kind = 'vitals'")
    main = desk.window(MAIN)
    _type_the_note(desk, main)
    desk.key("ctrl+l")
    _event(desk, "cue_due", "ratings#1")
    time.sleep(0.5)
    desk.shot("session_lock.png")
    desk.key("space")  # acknowledges on the lock screen, never typed into the password
    _event(desk, "cue_acknowledged", "ratings#1")
    desk.type("not-the-password")  # refused in words; the field is cleared, still locked
    desk.key("Return")
    desk.wait_for("the refused unlock", "SELECT id FROM audit WHERE action = 'login_failed'")
    desk.type(CLINICIAN[2])
    desk.key("Return")


def _type_the_note(desk: Desk, main: str) -> None:
    """A click in the note (the fourth box of the right column: upcoming, done, entries,
    note) hands it the keys; Esc gives them back, and the note is saved."""
    width = int(desk.xdotool("getwindowgeometry", "--shell", main).split("WIDTH=")[1].split()[0])
    x = width - 60  # right of most text, inside the right column's boxes
    tall = [box for box in desk.column_boxes(main, x) if box[1] - box[0] >= 60]
    top, bottom = tall[3]
    desk.click(main, x - 200, (top + bottom) // 2)
    desk.type(NOTE)
    desk.key("Escape")
    desk.wait_for("the note", "SELECT session_id FROM session_notes WHERE text = ?", NOTE)


def _recovery_discharge_sign(desk: Desk) -> None:
    desk.key("ctrl+r")
    _state(desk, "recovery")
    desk.key("ctrl+shift+d")
    desk.window("Discharge early")  # 8 min minimum monitoring: a reason first
    desk.type("Escort here early, patient alert and steady")
    desk.key("Return")
    desk.window("Discharge check")
    for _ in range(6):
        desk.key("space", "Down")
    desk.key("Tab")
    desk.type("left with escort")
    desk.key("Tab", "Tab", "Tab", "space")  # the ready time's hour, its minutes, Save
    _state(desk, "discharged")
    desk.window(MAIN)
    desk.key("ctrl+shift+s")
    desk.window("Review and sign session 1")
    desk.key("Tab")  # from the entries to the password
    desk.type(CLINICIAN[2])
    desk.key("Return")
    desk.wait_for("the signature", "SELECT id FROM signatures WHERE session_id = 1")


def history_width(desk: Desk, wid: str) -> int:
    return int(desk.xdotool("getwindowgeometry", "--shell", wid).split("WIDTH=")[1].split()[0])


def _history_and_export(desk: Desk) -> None:
    desk.window(MAIN)
    desk.key("ctrl+h")
    history = desk.window("History · KAPdesk")
    desk.click(history, 40, 196)  # the first patient in the list: K-014
    time.sleep(1.0)  # the newest session opens, its timeline drawn
    desk.park_mouse()
    desk.shot("session_history_session.png")
    # the tab bar above the session: the chosen tab (Session 1) is bordered; Course is next
    chosen = [x for x, _ in desk.edges(history, 20) if x > history_width(desk, history) // 2]
    desk.click(history, chosen[-1] + 40, 16)
    time.sleep(0.8)
    desk.park_mouse()
    desk.shot("session_history_course.png")
    desk.key("ctrl+e")
    desk.window("Export session")
    desk.key("Return")  # PDF; Choose where to save…
    desk.window("Export session 1: PDF session note")
    desk.key("Return")  # the suggested name, in the home folder
    desk.wait_for("the export's audit row", "SELECT id FROM audit WHERE action = 'export'")
    desk.window("History · KAPdesk")
    desk.key("ctrl+w")
    desk.gone("History · KAPdesk")
    desk.window(MAIN)
    desk.key("ctrl+shift+w")
    _state(desk, "closed")
    desk.key("alt+F4")


@pytest.mark.gui
@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                    reason="needs Xvfb, openbox, xdotool, xdpyinfo, xprop and ImageMagick's "
                           "import (apt: xvfb openbox xdotool x11-utils imagemagick)")
def test_a_whole_session_with_real_keys_and_clicks(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    data, home = tmp_path / "D", tmp_path / "home"
    (data / "protocols").mkdir(parents=True)
    home.mkdir()
    (data / "protocols" / "im-kap.toml").write_text(PROTOCOL, encoding="utf-8")
    with x_server() as display:
        env = {k: v for k, v in os.environ.items()
               if k not in ("QT_QPA_PLATFORM", "KAPDESK_DATA_DIR", "QT_SCALE_FACTOR")}
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", SDL_AUDIODRIVER="dummy",
                   PYGAME_HIDE_SUPPORT_PROMPT="1", HOME=str(home),
                   XDG_CONFIG_HOME=str(home / ".config"))
        app = subprocess.Popen([sys.executable, "main.py", "--data-dir", str(data)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        desk = Desk(display, data / "kapdesk.sqlite3", ARTIFACTS)
        try:
            _first_run_and_accounts(desk)
            _plan_screen_and_dose(desk)
            _cues_vitals_and_lock(desk)
            _recovery_discharge_sign(desk)
            _history_and_export(desk)
            out, err = app.communicate(timeout=30)
        except AssertionError as exc:
            desk.shot("session_failure.png")  # what the screen showed when a step failed
            app.kill()
            out, err = app.communicate()
            raise AssertionError(f"{exc}\nthe app (exit {app.returncode}) said: "
                                 f"{(out + err)[-3000:]}") from exc
        finally:
            if app.poll() is None:
                app.kill()
                app.communicate()
    assert app.returncode == 0, err[-3000:]
    # the app quit cleanly: its audit seal flushed and said so, at the trail's last row
    sealed = read_seal(data / "kapdesk.seal")
    assert sealed is not None and not sealed.running
    assert sealed.last_id == desk.query("SELECT max(id) FROM audit")[0][0]
    _check_the_record(desk, home)


def _check_the_record(desk: Desk, home: Path) -> None:
    q = desk.query
    users = dict(q("SELECT username, role FROM users"))
    assert users == {ADMIN[1]: "admin", CLINICIAN[1]: "clinician"}
    (ada,) = q("SELECT id FROM users WHERE username = ?", CLINICIAN[1])[0]
    (code, weight) = q("SELECT code, weight_kg FROM patients")[0]
    assert (code, weight) == ("K-014", 72)
    (state, t0, by) = q("SELECT state, t0, created_by FROM sessions")[0]
    assert state == "closed" and t0 and by == ada
    dosed = json.loads(q("SELECT data FROM session_events WHERE kind = 'transition' AND "
                         "json_extract(data, '$.to') = 'dosed'")[0][0])
    assert dosed["reason"] == "Baseline vitals taken on paper"
    discharged = json.loads(q("SELECT data FROM session_events WHERE kind = 'transition' AND "
                              "json_extract(data, '$.to') = 'discharged'")[0][0])
    assert discharged["reason"] == "Escort here early, patient alert and steady"
    kinds = {kind: json.loads(data) for kind, data in
             q("SELECT kind, data FROM observations WHERE user_id = ?", ada)}
    assert kinds["vitals"] == VITALS
    assert all(kinds["screening"]["items"].values()) and len(kinds["screening"]["items"]) == 8
    assert kinds["screening"]["comment"] == "all confirmed with the patient"
    assert all(kinds["discharge"]["items"].values())
    assert kinds["discharge"]["comment"] == "left with escort"
    assert q("SELECT text, updated_by FROM session_notes") == [(NOTE, ada)]
    acknowledged = {key for (key,) in q("SELECT cue_key FROM session_events WHERE kind = "
                                        "'cue_acknowledged' AND user_id = ?", ada)}
    assert {"lights-dim#1", "ratings#1"} <= acknowledged  # in the room, on the lock screen
    answered = q("SELECT data FROM session_events WHERE cue_key = 'vitals#1' AND kind != "
                 "'cue_due'")
    assert answered, "the vitals reading answered the vitals cue"
    assert q("SELECT count(*) FROM music_plays")[0][0] == 0, \
        "Space with nothing due pressed a button (the music started)"
    (signer, meaning) = q("SELECT user_id, meaning FROM signatures WHERE session_id = 1")[0]
    assert signer == ada and meaning
    (acked_on_lock,) = q("SELECT at FROM session_events WHERE cue_key = 'ratings#1' AND "
                         "kind = 'cue_acknowledged'")[0]
    (recovery,) = q("SELECT at FROM session_events WHERE kind = 'transition' AND "
                    "json_extract(data, '$.to') = 'recovery'")[0]
    unlocked = q("SELECT id FROM audit WHERE action = 'login' AND user_id = ? AND at > ? "
                 "AND at < ?", ada, acked_on_lock, recovery)
    assert unlocked, "the password typed on the lock screen unlocked it (a login audited)"
    refused = q("SELECT user_id FROM audit WHERE action = 'login_failed'")
    assert refused == [(ada,)], "the wrong password on the lock screen was refused, once"
    target = json.loads(q("SELECT new FROM audit WHERE action = 'export'")[0][0])["target"]
    pdf = home / "K-014-session-1-note.pdf"
    assert target == str(pdf) and pdf.read_bytes()[:5] == b"%PDF-"
