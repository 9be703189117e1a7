"""Sound: the music engine, loudness analysis and the chime. The only package that imports
pygame. Importing it is cheap; numpy, soundfile and soxr load when the player first works.

- `model`: TrackSpec, PlayerState and the player's events (no heavy imports)
- `player.MusicPlayer`: the thread-safe engine the UI drives
- `device.SoundDevice`: the one output (pygame's mixer), shared with `output.MixerOutput`
- `loudness.analyse`: ReplayGain tags or a BS.1770 measurement -> the gain to -18 LUFS
- `measurer.Measurer`: that analysis on a background thread, paced by when a track is due
- `files.open_audio`: libsndfile for most formats, `avfile` (FFmpeg via PyAV) for MP4/M4A
"""
