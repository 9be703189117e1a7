"""The list being played, where we are in it, and the next tracks opened ahead of time.

Opening the next track while the current one plays means that its first block is
decoded before it is due (gapless starts and exact crossfades), and that a file that
cannot be played is found out early and skipped without a gap.
"""

from __future__ import annotations

from kapdesk.audio.decoder import DecodedStream, DecoderPool, Status
from kapdesk.audio.model import Skipped, TrackSpec

LOOKAHEAD = 4  # tracks opened ahead, past the next one only while those fail


class TrackList:
    def __init__(self, rate: int, pool: DecoderPool) -> None:
        self.rate = rate
        self.pool = pool
        self.tracks: list[TrackSpec] = []
        self.index = 0  # the current track, or the one to start next
        self._ahead: dict[int, DecodedStream] = {}

    def __len__(self) -> int:
        return len(self.tracks)

    def replace(self, tracks: list[TrackSpec]) -> None:
        for stream in self._ahead.values():
            self.pool.drop(stream)
        self._ahead.clear()
        self.tracks = list(tracks)
        self.index = 0
        self.pool.measure_later(self.tracks)

    def prepare(self, first: int, due_in_s: float = 0.0) -> None:
        """Open track `first` ahead of time (and the ones after it while those fail), due
        in `due_in_s` seconds; forget streams opened for tracks out of that window."""
        end = min(first + LOOKAHEAD, len(self.tracks))
        for i in list(self._ahead):
            if not first <= i < end:
                self.pool.drop(self._ahead.pop(i))
        for i in range(first, end):
            stream = self._ahead.get(i)
            if stream is None:
                stream = self._ahead[i] = self.pool.open(self.tracks[i], self.rate,
                                                         due_in_s)
            if stream.status is not Status.FAILED:
                return

    def next_ready(self, frames: int) -> DecodedStream | None:
        """The first playable stream after the current track, once `frames` are decoded."""
        self.prepare(self.index + 1)
        for i in range(self.index + 1, len(self.tracks)):
            stream = self._ahead.get(i)
            if stream is None or stream.status is Status.PENDING:
                return None
            if stream.status is Status.READY:
                return stream if stream.ready(frames) else None
        return None

    def take(self, skipped: list[Skipped]) -> DecodedStream | None:
        """The open stream of the track at `index`, moving past (and reporting) tracks
        that cannot be played. None while it is still opening, or past the end (then
        `index == len(self)`)."""
        while self.index < len(self.tracks):
            stream = self._ahead.pop(self.index, None)
            if stream is None:
                stream = self.pool.open(self.tracks[self.index], self.rate)
            if stream.status is Status.PENDING:
                stream.source.hurry()  # due now
                self._ahead[self.index] = stream
                return None
            if stream.status is Status.READY:
                return stream
            skipped.append(Skipped(stream.spec.id, stream.error or "unreadable"))
            self.pool.drop(stream)
            self.index += 1
        return None

    @property
    def at_end(self) -> bool:
        return self.index >= len(self.tracks)
