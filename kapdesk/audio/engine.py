"""The music timeline: which track sounds, how loud, and how one gives way to the next.

Pure logic over numpy: no threads, no device. The player calls the commands and
`render(frames)` under one lock; `render` returns the next block of 16-bit PCM with the
events that happen in it. Everything audible changes by ramps counted in output frames,
so fades and crossfades are exact whatever the timing of the threads around it.

Gains: each track's loudness gain is applied by its decoder; here a crossfade envelope
per voice (equal power), then the master fade (play/pause/stop) and the volume (both on
the cubic perceptual taper), then a soft limiter so the sum never clips.
"""

from __future__ import annotations

import numpy as np

from kapdesk.audio.decoder import DecoderPool
from kapdesk.audio.dsp import Ramp, apply_gain, equal_power, soft_limit, taper, to_pcm16
from kapdesk.audio.model import (
    PlayerEvent,
    PlayerState,
    PlaylistEnded,
    Skipped,
    Started,
    TrackSpec,
)
from kapdesk.audio.tracklist import TrackList
from kapdesk.audio.voice import Block, Voice

START_FADE_S = 3.0  # play() from stopped: the session's music fades in
RESUME_FADE_S = 0.25  # play() after pause
PAUSE_FADE_S = 0.25
STOP_FADE_S = 3.0
MANUAL_FADE_S = 0.5  # shortest crossfade for next/previous/new list, even when gapless
CROSSFADE_S = 6.0
MAX_CROSSFADE_S = 30.0
VOLUME_RAMP_S = 0.15
HURRY_S = 0.05  # a third overlapping voice fades this fast
MAX_FADING = 2
RESTART_AFTER_S = 3.0  # previous() later than this restarts the track


class Engine:
    def __init__(self, rate: int, pool: DecoderPool) -> None:
        self.rate = rate
        self.list = TrackList(rate, pool)
        self.state = PlayerState.STOPPED
        self.rendering = False  # audio is due: playing, or fading out towards pause/stop
        self.crossfade_s = CROSSFADE_S
        self._current: Voice | None = None
        self._fading: list[Voice] = []
        self._fade = Ramp(0.0)
        self._volume = Ramp(1.0)
        self._after_fade: PlayerState | None = None
        self._incoming_ramp = 0  # frames: the next track to start fades in over this
        self._incoming_lead = 0  # frames into the next block where it starts
        self._list_done = False  # next() ran off the end: report it once the fade is over
        self._events: list[PlayerEvent] = []

    # -- reading --------------------------------------------------------------------------
    def current(self) -> TrackSpec | None:
        return self._current.spec if self._current is not None else None

    def position(self) -> float:
        return self._current.stream.consumed / self.rate if self._current is not None else 0.0

    def take_events(self) -> list[PlayerEvent]:
        events, self._events = self._events, []
        return events

    # -- commands -------------------------------------------------------------------------
    def load(self, tracks: list[TrackSpec]) -> None:
        """A new list, stopped at its first track (what sounds now fades out quickly)."""
        self._retire(PAUSE_FADE_S)
        self._replace(tracks)
        self.state = PlayerState.STOPPED
        self._after_fade = None

    def crossfade_to(self, tracks: list[TrackSpec]) -> None:
        """A new list that takes over with a crossfade if playing (else like load)."""
        if self.state is not PlayerState.PLAYING:
            self.load(tracks)
            return
        self._incoming_ramp = self._retire(max(self.crossfade_s, MANUAL_FADE_S))
        self._replace(tracks)

    def play(self, fade_s: float | None = None) -> None:
        """Start (fade-in, default 3 s), resume after pause (default 250 ms), or take back
        a stop that is still fading out."""
        if self.state is PlayerState.PLAYING or not (len(self.list) or self._current):
            return
        paused = self.state is PlayerState.PAUSED
        resume = self._current is not None and (self.rendering or paused)
        seconds = fade_s if fade_s is not None else (
            RESUME_FADE_S if resume or paused else START_FADE_S)
        if resume or not self.rendering:
            if not self.rendering:
                self._fade.jump(0.0)
            self._fade.to(1.0, seconds * self.rate)
        else:  # tracks of an old list still fading out: the new one fades in by itself
            self._incoming_ramp = int(seconds * self.rate)
            self._fade.to(1.0, RESUME_FADE_S * self.rate)
        self.state = PlayerState.PLAYING
        self._after_fade = None
        self._list_done = False
        self.rendering = True

    def pause(self) -> None:
        if self.state is PlayerState.PLAYING:
            self.state = PlayerState.PAUSED
            self._fade_out(PAUSE_FADE_S, PlayerState.PAUSED)

    def stop(self, fade_s: float = STOP_FADE_S, lead_s: float = 0.0) -> None:
        """Fade out, then forget the track (play() starts it again). `lead_s`: audio already
        queued ahead of the fade; the fade is shortened by it (to no less than half), so
        silence comes fade_s after the command."""
        self.state = PlayerState.STOPPED
        if self.rendering:
            self._fade_out(max(fade_s - lead_s, fade_s / 2), PlayerState.STOPPED)
        else:
            self._finish_stop()

    def next(self) -> None:
        self._go(self.list.index + 1)

    def previous(self) -> None:
        late = self._current is not None and self.position() > RESTART_AFTER_S
        self._go(self.list.index if late else max(0, self.list.index - 1))

    def set_crossfade(self, seconds: float) -> None:
        self.crossfade_s = min(max(0.0, float(seconds)), MAX_CROSSFADE_S)

    def set_volume(self, level: float) -> None:
        level = min(max(0.0, float(level)), 1.0)
        if self.rendering:
            self._volume.to(level, VOLUME_RAMP_S * self.rate)
        else:
            self._volume.jump(level)

    def device_restarted(self) -> None:
        """The output was reopened: come back in with a short fade, not mid-waveform."""
        if self.rendering:
            self._fade.jump(0.0)
            if self.state is PlayerState.PLAYING:
                self._fade.to(1.0, RESUME_FADE_S * self.rate)

    # -- rendering ------------------------------------------------------------------------
    def render(self, frames: int) -> Block | None:
        """The next `frames` frames, or None when nothing is due (stopped, paused, or
        waiting for the first frames of a track so a fade-in is not spent on silence)."""
        if not self.rendering:
            return None
        if self._current is None and self.state is PlayerState.PLAYING:
            self._begin()
        cur = self._current
        waiting = cur is None or (not cur.announced and not cur.stream.ready(frames))
        if waiting and not self._fading:
            if cur is None and self.state is not PlayerState.PLAYING:
                self._finish_stop()  # a list that ended, or a stop with nothing left
            return None
        self._maybe_crossfade(frames)
        track, position = self.current(), self.position()
        out = np.zeros((frames, 2), dtype=np.float32)
        for voice in self._fading:
            self._mix(voice, out, 0)
        self._mix_current(out)
        apply_gain(out, taper(self._fade.take(frames)))
        apply_gain(out, taper(self._volume.take(frames)))
        soft_limit(out)
        for voice in [v for v in self._fading if v.silent or v.stream.drained]:
            self._fading.remove(voice)
            self._end(voice, voice.natural)
        if self._after_fade is not None and self._fade.done and self._fade.value == 0.0:
            if self._after_fade is PlayerState.PAUSED:
                self.rendering = False
                self._after_fade = None
            else:
                self._finish_stop()
        self._prepare()
        return Block(to_pcm16(out), frames, self.take_events(), track, position)

    def _mix(self, voice: Voice, out: np.ndarray, start: int) -> int:
        """Add the voice to out[start:]; the frames it filled, counted from start."""
        lead, voice.lead = min(voice.lead, len(out) - start), 0
        data = voice.stream.read(len(out) - start - lead)
        if len(data) == 0:
            return lead
        if not voice.announced:
            voice.announced = True
            self._events.append(Started(voice.spec.id))
        apply_gain(data, equal_power(voice.env.take(len(data))))
        out[start + lead:start + lead + len(data)] += data
        return lead + len(data)

    def _mix_current(self, out: np.ndarray) -> None:
        """The current track, and if it ends inside this block the next one straight after
        it (gapless), and so on through any number of short or unplayable tracks."""
        pos = 0
        for _ in range(len(self.list) + 1):
            voice = self._current
            if voice is None:
                return
            pos += self._mix(voice, out, pos)
            if not voice.stream.drained:
                return  # the block is full, or the decoder is behind
            self._current = None
            self.list.index += 1
            self._end(voice, natural=True)
            if pos >= len(out) or self.state is not PlayerState.PLAYING:
                return
            self._begin()

    def _maybe_crossfade(self, frames: int) -> None:
        """Start the crossfade into the next track if it falls in the coming block, at
        the exact frame: the outgoing track ends as the incoming one reaches full level."""
        voice = self._current
        if (voice is None or self.state is not PlayerState.PLAYING or self.crossfade_s <= 0
                or not voice.env.done or self._fade.target == 0.0):
            return
        left = voice.stream.remaining()
        if left is None:
            return
        length = min(self.crossfade_s * self.rate, (voice.stream.total or left) / 2)
        if left > length + frames:
            return
        following = self.list.next_ready(frames)
        if following is None:
            return  # the list ends here, or the next file is still opening
        if following.total is not None:
            length = min(length, following.total / 2)
        delay = max(0, int(left - length))
        if delay >= frames:
            return
        length = left - delay
        voice.env.to(0.0, length, delay)
        self._fading.append(voice)
        self._current = None
        self.list.index += 1
        self._incoming_ramp, self._incoming_lead = max(length, 1), delay
        self._begin()

    # -- helpers --------------------------------------------------------------------------
    def _begin(self) -> None:
        """Make the track at the list's index current once it is open; report the ones
        that fail; at the end of the list, stop."""
        skipped: list[Skipped] = []
        stream = self.list.take(skipped)
        self._events += skipped
        if stream is not None:
            self._current = Voice(stream, self._incoming_ramp, self._incoming_lead)
        elif self.list.at_end:
            self._events.append(PlaylistEnded())
            self.state = PlayerState.STOPPED
            self.list.index = 0
        else:
            return  # still opening: keep the fade-in for when it is ready
        self._incoming_ramp = self._incoming_lead = 0

    def _prepare(self) -> None:
        """Open the next track ahead, telling it when it is due (for its measurement)."""
        cur = self._current
        if cur is None:
            self.list.prepare(self.list.index)
            return
        left = cur.stream.remaining()
        self.list.prepare(self.list.index + 1, 0.0 if left is None else left / self.rate)

    def _go(self, target: int) -> None:
        if not len(self.list):
            return
        playing = self.state is PlayerState.PLAYING
        if target >= len(self.list):
            if self.rendering:  # playing, or a pause or stop fade still sounding: the
                self._list_done = True  # fade runs out (never shortened, never a cut),
                self.stop()  # then the list ends
            else:
                self._retire(0.0)  # nothing sounds: nothing to fade
                self._events.append(PlaylistEnded())
                self.state, self.list.index = PlayerState.STOPPED, 0
            return
        ramp = self._retire(max(self.crossfade_s, MANUAL_FADE_S) if playing else PAUSE_FADE_S)
        self._incoming_ramp = ramp if playing else 0
        self.list.index = target
        self._prepare()

    def _retire(self, fade_s: float) -> int:
        """The current track gives way: fades out over fade_s if audible, else ends now.
        Returns the fade's length in frames (0 if none)."""
        voice, self._current = self._current, None
        if voice is None:
            return 0
        if not (self.rendering and voice.announced and fade_s > 0):
            self._end(voice, natural=False)
            return 0
        frames = int(fade_s * self.rate)
        voice.natural = False
        voice.env.to(0.0, frames * voice.env.value)
        self._fading.append(voice)
        for old in self._fading[:-MAX_FADING]:
            old.env.to(0.0, min(old.env.frames_left(), HURRY_S * self.rate))
        return frames

    def _replace(self, tracks: list[TrackSpec]) -> None:
        self.list.replace(tracks)
        self._list_done = False
        self._prepare()

    def _fade_out(self, fade_s: float, then: PlayerState) -> None:
        frames = fade_s * self.rate
        if not (self._fade.target == 0.0 and self._fade.frames_left() <= frames):
            self._fade.to(0.0, frames * self._fade.value)
        self._after_fade = then

    def _finish_stop(self) -> None:
        if self._current is not None:
            self._end(self._current, natural=False)
            self._current = None
        for voice in self._fading:
            self._end(voice, natural=False)
        self._fading.clear()
        self.rendering = False
        self._after_fade = None
        self._incoming_ramp = self._incoming_lead = 0
        self._fade.jump(0.0)
        if self._list_done:
            self._list_done = False
            self._events.append(PlaylistEnded())
            self.list.index = 0

    def _end(self, voice: Voice, natural: bool) -> None:
        event = voice.end_event(natural)
        if event is not None:
            self._events.append(event)
        self.list.pool.drop(voice.stream)
