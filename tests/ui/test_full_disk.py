"""The disk fills up during a session: the room says "Not saved: the disk is full" in the
dialog, keeps what was typed so nothing is retyped, and the session and its clock go on;
once there is space again the same Save goes through."""

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

from kapdesk.core.session import State
from kapdesk.ui.entry_dialogs import VitalsDialog
from tests import disk

TYPED = {"systolic": "128", "diastolic": "82", "heart_rate": "76", "spo2": "97",
         "resp_rate": "15"}


def test_a_full_disk_keeps_the_dialog_and_the_session(make_window, tmp_path: Path,
                                                      qtbot) -> None:
    with disk.tiny_disk(tmp_path / "tiny", "3m") as mount:
        window = make_window(folder=mount / "data")
        window.room.plan("K-1", next(p for p in window.protocols if p.id == "im-kap"))
        assert window.room.advance(State.PREPARING) and window.room.advance(State.DOSED)
        opened: list[VitalsDialog] = []
        window.prompts.answer = opened.append
        window.entry.open("vitals")
        dialog = opened[0]
        qtbot.addWidget(dialog)
        dialog.show()
        for key, text in TYPED.items():
            dialog.edits[key].setText(text)
        filler = disk.fill(mount)
        save = dialog.findChild(QPushButton, "save_vitals")
        save.click()
        assert dialog.isVisible() and dialog.error_label.isVisible()
        assert dialog.error_label.text().startswith("Not saved: the disk is full")
        assert {k: e.text() for k, e in dialog.edits.items()} == TYPED  # nothing retyped
        before = window.room.current.elapsed_s
        window.room.clock.advance(30)
        window.room.refresh()
        assert window.room.current.elapsed_s == before + 30  # the clock goes on
        assert window.room.session is not None and window.room.session.state is State.DOSED
        filler.unlink()
        save.click()
        assert not dialog.isVisible()
        stored = window.records.records.current(window.room.session.id)
        assert [o.values["systolic"] for o in stored if o.kind.value == "vitals"] == [128]
        window.room.stop()
        window.close()


def test_a_cue_falling_due_on_a_full_disk_is_shown_once_and_the_clock_goes_on(
        make_window, contexts, tmp_path: Path) -> None:
    with disk.tiny_disk(tmp_path / "tiny", "3m") as mount:
        window = make_window(folder=mount / "data")
        room = window.room
        room.plan("K-1", next(p for p in window.protocols if p.id == "im-kap"))
        assert room.advance(State.PREPARING) and room.advance(State.DOSED)
        told: list[str] = []
        room.cue_became_due.connect(lambda state: told.append(state.cue.key))
        room.clock.advance(110)
        room.refresh()
        filler = disk.fill(mount)
        for _ in range(4):  # T+1:50 to T+2:10 on the full disk: the T+2 cue falls due
            room.clock.advance(5)
            room.refresh()
        assert told == ["lights-dim#1"]  # once, though it could not be stored
        assert window.view.banner.cue_key == "lights-dim#1"
        tick = room.findChild(QTimer, "room display tick")
        assert room.current.elapsed_s == 130 and tick.isActive()
        assert window.view.clock_label.text() == "0:02:10"
        filler.unlink()
        room.clock.advance(1)
        room.refresh()  # stored at the next look, and not told again
        assert told == ["lights-dim#1"]
        assert [e.cue_key for e in contexts[-1].stores.sessions.events(room.session.id)
                if e.kind == "cue_due"] == ["lights-dim#1"]
        room.stop()
        window.close()
