"""A track's loudness gain as its decoder applies it: constant, or settling to a new value.

The gain is in dB and changes only along a ramp that is linear in dB (an even glide to
the ear), over SETTLE_S seconds, so a provisional gain that a measurement later corrects
never jumps. `estimate` gives the provisional gain from a track's opening seconds.
"""

from __future__ import annotations

import math

import numpy as np

from kapdesk.audio.loudness import SILENCE_LUFS, limited_gain

SETTLE_S = 5.0  # a provisional gain glides to the measured one over this
ESTIMATE_MARGIN_DB = 2.0  # an estimate errs low: rising to the true level is gentler
ESTIMATE_CEILING_DB = 0.0  # and never lifts: an opening can be quieter than the track


class TrackGain:
    __slots__ = ("_step", "db", "target")

    def __init__(self, db: float) -> None:
        self.db = db  # at the end of the audio processed so far
        self.target = db
        self._step = 0.0  # dB per frame while settling

    def settle_to(self, db: float, frames: int) -> None:
        self.target = db
        self._step = (db - self.db) / max(frames, 1)

    def factors(self, frames: int) -> float | np.ndarray:
        """The amplitude factors for the next `frames` frames, advancing the ramp."""
        if self.db == self.target:
            return float(10 ** (self.db / 20))
        values = self.db + self._step * np.arange(1, frames + 1, dtype=np.float64)
        if self._step > 0:
            np.minimum(values, self.target, out=values)
        else:
            np.maximum(values, self.target, out=values)
        self.db = float(values[-1])
        return (10 ** (values / 20)).astype(np.float32)

    def apply(self, block: np.ndarray) -> None:
        """block (frames, 2) *= the gain, in place."""
        if not len(block):
            return
        factors = self.factors(len(block))
        if isinstance(factors, np.ndarray):
            block *= factors[:, None]
        elif factors != 1.0:
            block *= np.float32(factors)


def estimate(frames: np.ndarray, rate: int) -> float:
    """A provisional gain from the opening of a track (stereo float32 at `rate`): its
    BS.1770 loudness and true peak, lowered by ESTIMATE_MARGIN_DB, never above 0 dB."""
    import pyebur128

    mode = pyebur128.MeasurementMode
    state = pyebur128.R128State(2, rate, mode.MODE_I | mode.MODE_TRUE_PEAK)
    state.add_frames(np.ascontiguousarray(frames).reshape(-1), len(frames))
    lufs = pyebur128.get_loudness_global(state)
    peak = max(pyebur128.get_true_peak(state, 0), pyebur128.get_true_peak(state, 1))
    if not math.isfinite(lufs) or lufs < SILENCE_LUFS:
        return ESTIMATE_CEILING_DB - ESTIMATE_MARGIN_DB
    gain = limited_gain(lufs, 20 * math.log10(peak) if peak > 0 else None)
    return min(gain - ESTIMATE_MARGIN_DB, ESTIMATE_CEILING_DB)
