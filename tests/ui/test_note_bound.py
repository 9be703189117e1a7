"""The note a clinician types is held to its bound in the editor (kapdesk.ui.widgets
.bounded_text), by the same rule the store keeps (kapdesk.core.text_rules.MAX_NOTE): a
count near the bound, a key or a paste past it refused in words that say how much over,
nothing typed ever cut off; a note stored longer (a restored old backup) still opens,
shown in part and read-only, and is never saved back cut off. History shows it in part."""

from PySide6.QtWidgets import QApplication

from kapdesk.core.session import State
from kapdesk.core.text_rules import MAX_NOTE, NOTE_WARN_AT
from kapdesk.store.database import open_database
from kapdesk.store.timefmt import to_db
from kapdesk.ui.dialogs import IntegrationDialog
from tests.ui.history_helpers import (  # noqa: F401  (fixtures)
    Clinic,
    click_patient,
    clinic_fixture,
    no_modal_left,
    open_history,
)


def _dosed(window):
    room = window.room
    assert room.plan("K-021", next(p for p in window.protocols if p.id == "im-kap"))
    assert room.advance(State.PREPARING)
    window.act_dose.trigger()
    return room.session


def _stored_note(data_dir, session_id) -> str:
    db = open_database(data_dir / "kapdesk.sqlite3")
    try:
        row = db.execute("SELECT text FROM session_notes WHERE session_id = ?",
                         [session_id]).fetchone()
        return str(row[0]) if row else ""
    finally:
        db.close()


def test_the_note_counts_near_the_bound_and_refuses_keys_past_it(make_window, data_dir, qtbot):
    window = make_window()
    session = _dosed(window)
    note, count = window.view.note, window.view.note_count
    note.setFocus()
    note.setPlainText("x" * (NOTE_WARN_AT - 1))
    assert count.isHidden()  # far from the bound: nothing to say
    qtbot.keyClicks(note, "a")
    assert not count.isHidden() and count.text() == "18,000 of 20,000 characters"
    note.setPlainText("x" * (MAX_NOTE - 2))
    note.moveCursor(note.textCursor().MoveOperation.End)
    qtbot.keyClicks(note, "abcd")
    assert note.toPlainText() == "x" * (MAX_NOTE - 2) + "ab"  # the first two went in whole
    assert count.text() == "The note is full at 20,000 characters: nothing more was typed."
    note.selectAll()
    qtbot.keyClicks(note, "Settled.")  # typing over a selection makes room
    assert note.toPlainText() == "Settled." and count.isHidden()
    note.flush()
    assert _stored_note(data_dir, session.id) == "Settled."


def test_a_paste_past_the_bound_is_refused_whole_and_says_how_much_over(make_window,
                                                                       data_dir):
    window = make_window()
    session = _dosed(window)
    note, count = window.view.note, window.view.note_count
    note.setPlainText("n" * (MAX_NOTE - 2_000))
    note.moveCursor(note.textCursor().MoveOperation.End)
    QApplication.clipboard().setText("p" * 5_000)
    note.paste()
    assert note.toPlainText() == "n" * (MAX_NOTE - 2_000)  # not a character of it went in
    assert count.text() == ("Not pasted: the 5,000 characters pasted would take the note "
                            "3,000 over the 20,000 it may hold. Nothing was cut off; paste a "
                            "shorter part.")
    QApplication.clipboard().setText("p" * 2_000)
    note.paste()
    assert note.toPlainText() == "n" * (MAX_NOTE - 2_000) + "p" * 2_000
    assert count.text() == "20,000 of 20,000 characters"
    note.flush()
    assert len(_stored_note(data_dir, session.id)) == MAX_NOTE


def test_a_note_stored_past_the_bound_opens_in_part_read_only_and_is_never_cut_off(
        make_window, data_dir, clock):
    window = make_window()
    session = _dosed(window)
    window.close()
    old = "o" * 300_000  # one unbroken line, as a backup from before the bound could hold
    db = open_database(data_dir / "kapdesk.sqlite3")
    with db.atomic():
        db.execute("INSERT INTO session_notes (session_id, text, updated_at, updated_by) "
                   "VALUES (?, ?, ?, 1) ON CONFLICT(session_id) DO UPDATE SET "
                   "text = excluded.text", [session.id, old, to_db(clock.now())])
    db.close()
    again = make_window()
    note, count = again.view.note, again.view.note_count
    assert again.room.session.id == session.id
    shown = note.toPlainText()
    assert shown.startswith("o" * MAX_NOTE) and len(shown) < MAX_NOTE + 300  # laid out fast
    assert "280,000 more characters not shown" in shown
    assert note.isReadOnly() and note.held_back
    assert count.text() == ("The note is 300,000 characters, from before notes were bounded "
                            "at 20,000: it is shown in part and read-only; the record keeps "
                            "it whole.")
    again.resize(again.width() - 120, again.height())
    note.setPlainText("typed over")  # even were it changed, the part shown is never saved
    note.flush()
    again.close()
    assert _stored_note(data_dir, session.id) == old


def test_the_integration_dialog_holds_its_note_to_the_bound(make_window, clock, qtbot):
    window = make_window()
    seen = []

    def answer(dialog):
        assert isinstance(dialog, IntegrationDialog)
        dialog.code_edit.setText("K-800")
        dialog.note_edit.setPlainText("i" * MAX_NOTE)
        qtbot.keyClicks(dialog.note_edit, "more")
        seen.append((len(dialog.note_edit.toPlainText()), dialog.note_count.text()))
        dialog.note_edit.setPlainText("Reflected; felt lighter.")
        dialog.plan_edit.setText("p" * 2_001)  # the plan past its bound: refused inside
        dialog.save_button.click()
        seen.append(dialog.error_label.text())
        dialog.plan_edit.setText("Second dose next week")
        dialog.save_button.click()
    window.prompts.answer = answer
    window.view.empty.integration_button.click()
    assert seen[0] == (MAX_NOTE, "The integration note is full at 20,000 characters: "
                                 "nothing more was typed.")
    assert seen[1].startswith("The plan is at most 2,000 characters; this is 2,001.")
    assert window.status.text() == "Integration session for K-800 saved"


def test_history_shows_an_older_longer_integration_note_in_part(qtbot, db, clock,
                                                                clinic: Clinic):
    with db.atomic():
        db.execute("UPDATE session_notes SET text = ? WHERE session_id = ?",
                   ["t" * 300_000, clinic.talk_id])
    window = open_history(qtbot, db, clock, clinic.users["clinician"])
    click_patient(qtbot, window, "K-204")
    window.right_tabs.setCurrentWidget(window.course_panel)
    shown = window.course_panel.notes_view.toPlainText()
    assert "t" * MAX_NOTE in shown and "t" * (MAX_NOTE + 1) not in shown
    assert "280,000 more characters not shown" in shown
