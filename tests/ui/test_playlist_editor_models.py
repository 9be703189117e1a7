"""The editor's models: adapters over the core lists, checked with qtmodeltester; adding,
removing, reordering (moveRows, dropMimeData) and dropping files from outside."""

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from kapdesk.core.playlist import PlaylistSet, Track, track_key
from kapdesk.services.music_ops import MusicOps
from kapdesk.ui.playlist_editor.catalog import TrackCatalog
from kapdesk.ui.playlist_editor.track_model import (
    LENGTH,
    LYRICS_COLUMN,
    ROWS_MIME,
    TAGS,
    TITLE,
    TRACK_ROLE,
    PhaseTrackModel,
)
from kapdesk.ui.playlist_editor.vetoes import VETO_ROLE, VetoModel
from tests.ui.playlist_editor_support import Answers, make_stores, open_editor, tone, wait_idle


@pytest.fixture
def stores(data_dir, clock):
    made = make_stores(data_dir, clock)
    yield made
    made.db.close()


@pytest.fixture
def songs(tmp_path: Path) -> list[Path]:
    return [tone(tmp_path / "music" / f"{n}-{name}.ogg", seconds, 220 + 110 * n,
                 title=name.title(), artist="Test Ensemble")
            for n, (name, seconds) in enumerate([("dawn", 2.0), ("tide", 3.0), ("drift", 1.5),
                                                 ("ember", 2.5), ("hush", 1.0)])]


@pytest.fixture
def catalog(stores, qtbot):
    made = TrackCatalog(MusicOps(stores.db, stores.music))
    yield made
    made.shutdown()


def rows_of(model: PhaseTrackModel) -> list[str]:
    return [model.data(model.index(r, 0), TRACK_ROLE).path.stem for r in range(model.rowCount())]


def test_the_track_model_passes_qtmodeltester_through_edits(qtmodeltester, catalog, songs,
                                                             qtbot):
    tracks = [Track(p) for p in songs]
    model = PhaseTrackModel("peak", catalog, tracks)
    qtmodeltester.check(model, force_py=True)  # stays connected: checks every change below
    catalog.ensure(p for p in songs)
    qtbot.waitUntil(lambda: catalog.idle)
    model.insert_tracks(1, [Track(songs[0])])
    model.move_rows_to([0, 3], 5)
    model.remove_rows([1])
    model.setData(model.index(0, TAGS), "ambient, ocean")
    model.set_tracks(list(tracks))
    assert model.data(model.index(0, 0), TRACK_ROLE) is tracks[0]
    assert model.data(model.index(0, TITLE)) == tracks[0].path.stem.split("-")[1].title()
    assert model.data(model.index(0, LENGTH)) in {"0:02", "0:03", "0:01"}


def test_the_veto_model_passes_qtmodeltester(qtmodeltester, stores, songs):
    stores.patients.save("K-014", stores.staff.id)
    stores.music.add_veto("K-014", songs[0], stores.staff.id, "too bright")
    stores.music.add_veto("K-014", songs[1], stores.staff.id)
    model = VetoModel()
    model.set_vetoes(stores.music.vetoes("K-014"))
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(0, 0), VETO_ROLE).reason == "too bright"
    assert model.data(model.index(0, 0)) == songs[0].name
    assert model.data(model.index(1, 1)) == "—"
    model.set_vetoes(stores.music.vetoes("K-014")[1:])


def test_the_model_edits_the_core_list_itself(catalog, songs):
    playlist_set = PlaylistSet("s", "S", songs[0].parent, phases={"peak": [Track(songs[0])]})
    model = PhaseTrackModel("peak", catalog)
    model.set_tracks(playlist_set.phases["peak"])
    edits: list[None] = []
    model.edited.connect(lambda: edits.append(None))
    model.insert_tracks(-1, [Track(songs[1]), Track(songs[2])])
    model.removeRows(0, 1)
    assert [t.path for t in playlist_set.phases["peak"]] == [songs[1], songs[2]]
    assert model.moveRows(QModelIndex(), 1, 1, QModelIndex(), 0)
    assert [t.path for t in playlist_set.phases["peak"]] == [songs[2], songs[1]]
    assert not model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 1)  # onto itself
    assert not model.removeRows(5, 1)
    assert len(edits) == 3


def test_moving_any_rows_anywhere_gives_the_plain_reordering(catalog, songs):
    names = [p.stem for p in songs]
    for count in (1, 2, 3):
        for rows in itertools.combinations(range(5), count):
            for destination in range(6):
                model = PhaseTrackModel("peak", catalog, [Track(p) for p in songs])
                moved = [names[r] for r in rows]
                before = [n for i, n in enumerate(names) if i < destination and i not in rows]
                after = [n for i, n in enumerate(names) if i >= destination and i not in rows]
                now = model.move_rows_to(rows, destination)
                assert rows_of(model) == before + moved + after, (rows, destination)
                assert [rows_of(model)[r] for r in now] == moved


def test_dropping_own_rows_moves_them_and_dropping_files_adds_them(catalog, songs, tmp_path):
    model = PhaseTrackModel("onset", catalog, [Track(p) for p in songs[:3]])
    data = model.mimeData([model.index(0, 0), model.index(0, 2)])
    assert data.hasFormat(ROWS_MIME) and model.canDropMimeData(
        data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert rows_of(model) == [songs[1].stem, songs[2].stem, songs[0].stem]
    outside = QMimeData()
    outside.setUrls([QUrl.fromLocalFile(str(songs[3])), QUrl.fromLocalFile(str(songs[4]))])
    assert model.dropMimeData(outside, Qt.DropAction.CopyAction, -1, -1, model.index(1, 0))
    assert rows_of(model) == [songs[1].stem, songs[3].stem, songs[4].stem, songs[2].stem,
                              songs[0].stem]
    other = PhaseTrackModel("peak", catalog, [])
    across = model.mimeData([model.index(0, 0)])  # rows of another phase: added as copies
    assert other.dropMimeData(across, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert rows_of(other) == [songs[1].stem] and model.rowCount() == 5


def test_lyrics_and_tags_belong_to_the_file_in_every_phase(qtbot, stores, songs, tmp_path):
    window = open_editor(qtbot, stores, tmp_path / "no-shipped-sets")
    c = window.controller
    c.add_paths("settling", [songs[0], songs[1]])
    c.add_paths("return", [songs[0]])
    c.add_paths("return", [songs[0]])
    settling, ret = c.models["settling"], c.models["return"]
    assert settling.setData(settling.index(0, TAGS), "Ocean; drone,, ocean")
    assert ret.setData(ret.index(1, LYRICS_COLUMN), "patient_language")
    assert not ret.setData(ret.index(1, LYRICS_COLUMN), "sung loudly")
    for phase, row in (("settling", 0), ("return", 0), ("return", 1)):
        track = c.set.phases[phase][row]
        assert track.tags == frozenset({"Ocean", "drone", "ocean"})
        assert track.lyrics == "patient_language"
    assert settling.data(settling.index(0, LYRICS_COLUMN), Qt.ItemDataRole.ForegroundRole) \
        is not None  # words before the return phase: shown in the alert colour
    assert ret.data(ret.index(0, LYRICS_COLUMN), Qt.ItemDataRole.ForegroundRole) is None
    assert c.set.phases["settling"][1].tags == frozenset() and c.dirty


def test_files_dropped_on_the_table_from_outside_are_added(qtbot, stores, songs, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not music")
    (songs[0].parent / "cover.jpg").write_bytes(b"not music either")
    window = open_editor(qtbot, stores, tmp_path / "no-shipped-sets", Answers())
    window.tabs.setCurrentIndex(2)
    table = window.tables["peak"]
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in (songs[2], songs[0].parent, notes)])
    point = table.viewport().rect().center()
    args = (Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter, move = QDragEnterEvent(point, *args), QDragMoveEvent(point, *args)
    drop = QDropEvent(QPointF(point), *args)
    for event in (enter, move, drop):  # what a file manager's drag sends, in order
        QApplication.sendEvent(table.viewport(), event)
        assert event.isAccepted(), event
    stems = rows_of(window.controller.models["peak"])
    assert stems == [songs[2].stem, *sorted(p.stem for p in songs)]  # the folder's audio
    assert any("notes.txt: not an audio file" in str(f) for f in window.controller.findings)
    wait_idle(qtbot, window)
    assert window.controller.catalog.info(track_key(songs[2])).duration_s == 1.5
