"""Where a track's loudness gain comes from, and how long its opening may wait for it.

In order: the gain the track was queued with (stored earlier), its ReplayGain tags, the
background measurer's answer. A track without one is asked for at the measurer with the
time it is due (less OPEN_LEAD_S, so that it is open before a crossfade can need it), and
waits until then; a track due now waits at most `wait_s`, then starts at an estimate
(see kapdesk.audio.decoder).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from kapdesk.audio.model import TrackSpec

if TYPE_CHECKING:
    from kapdesk.audio.measurer import Measurer

MEASURE_WAIT_S = 1.5  # a track due now waits this long for its measurement
OPEN_LEAD_S = 40.0  # a track measured ahead is opened this long before it is due


class GainSource:
    def __init__(self, spec: TrackSpec, measurer: Measurer | None, due_in_s: float = 0.0,
                 wait_s: float = MEASURE_WAIT_S) -> None:
        self.spec = spec
        self.known: float | None = spec.gain_db
        self._measurer = measurer
        self._tags_read = spec.gain_db is not None
        self.asked = False  # the measurer was asked for it
        self._due_in = due_in_s
        self._wait_s = wait_s
        self.open_by = time.monotonic() + max(wait_s, due_in_s - OPEN_LEAD_S)

    def hurry(self) -> None:
        """It is due now: measured first, waited for no longer than `wait_s`."""
        self.open_by = min(self.open_by, time.monotonic() + self._wait_s)
        if self.asked and self._measurer is not None:
            self._measurer.request([self.spec.path], 0.0)

    def may_wait(self) -> bool:
        """Still no gain, and there is time to wait for the measurement."""
        if self.known is None:
            self.known = self._look()
        return self.known is None and self.asked and time.monotonic() < self.open_by

    def measured(self) -> float | None:
        """The measurer's gain, once it is in (0 dB for a file it could not measure)."""
        if self._measurer is None:
            return None
        result = self._measurer.result(self.spec.path)
        if result is None:
            return None
        return result.gain_db if result.gain_db is not None else 0.0

    def _look(self) -> float | None:
        if not self._tags_read:
            self._tags_read = True
            from kapdesk.audio.loudness import read_tags

            tagged = read_tags(self.spec.path)
            if tagged is not None:
                return tagged.gain_db
        found = self.measured()
        if found is None and self._measurer is not None and not self.asked:
            self.asked = True
            self._measurer.request([self.spec.path], max(0.0, self._due_in - OPEN_LEAD_S))
        return found
