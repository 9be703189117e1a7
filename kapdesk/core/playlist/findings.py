"""What "Check playlist" found, in words, each naming the phase, the track and the file:
a file that would not play (the reasons come from kapdesk.audio.track_files.check_paths,
run on a worker), the lyrics rule, each phase against its target; and problems met
reading a playlist. Pure Python: the editor shows these, the tests read them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kapdesk.core.playlist.model import PHASES, PlaylistProblem, PlaylistSet, Track, phase_name
from kapdesk.core.playlist.rules import lyrics_allowed, phase_totals
from kapdesk.core.playlist.text import clock_text

PROBLEM, WARNING, GOOD = "problem", "warning", "good"


@dataclass(frozen=True)
class Finding:
    severity: str  # "problem" (will not play), "warning" (plays, but see), "good"
    text: str
    phase: str | None = None
    row: int | None = None  # 0-based row in the phase, to select the track
    path: Path | None = None

    def __str__(self) -> str:
        mark = {PROBLEM: "Problem", WARNING: "Warning", GOOD: "OK"}.get(self.severity, "")
        return f"{mark}: {self.text}" if mark else self.text


def from_problems(problems: list[PlaylistProblem], when: str) -> list[Finding]:
    """Problems met reading a playlist (web addresses, missing files) as findings."""
    severity = {"lyrics": WARNING}
    return [Finding(severity.get(p.kind, PROBLEM), f"{when}: {p}", path=p.path)
            for p in problems]


def findings(playlist_set: PlaylistSet, reasons: Mapping[str, str],
             durations: Mapping[str, float], label: Callable[[Track], str],
             ) -> list[Finding]:
    """Everything the check found, problems first. `label(track)` names a track."""
    problems: list[Finding] = []
    warnings: list[Finding] = []
    for phase in PHASES:
        for row, track in enumerate(playlist_set.tracks(phase)):
            where = f"{phase_name(phase)}, track {row + 1} '{label(track)}'"
            reason = reasons.get(str(track.path))
            if reason:
                problems.append(Finding(PROBLEM, f"{where}: {reason} ({track.path})",
                                        phase, row, track.path))
            if not lyrics_allowed(phase, track.lyrics):
                warnings.append(Finding(
                    WARNING, f"{where} has lyrics in the patient's language; keep words for "
                    "the return phase or later", phase, row, track.path))
    for total in phase_totals(playlist_set, durations):
        name = phase_name(total.phase)
        if total.target_s > 0 and not playlist_set.tracks(total.phase):
            warnings.append(Finding(WARNING, f"{name} has no tracks but a target of "
                                    f"{clock_text(total.target_s)}", total.phase))
        elif total.target_s > 0 and not total.meets_target:
            warnings.append(Finding(
                WARNING, f"{name} is short by {clock_text(total.short_s)}: "
                f"{clock_text(total.total_s)} of {clock_text(total.target_s)}", total.phase))
        if total.unknown:
            tracks = "1 track is" if total.unknown == 1 else f"{total.unknown} tracks are"
            warnings.append(Finding(WARNING, f"{name}: {tracks} of unknown length",
                                    total.phase))
    if problems or warnings:
        return problems + warnings
    files = len({str(t.path) for t in playlist_set.all_tracks()})
    return [Finding(GOOD, f"All {files} file{'s' if files != 1 else ''} are present and play "
                    "from start to end; every phase reaches its target.")]


def summary(found: list[Finding]) -> str:
    problems = sum(f.severity == PROBLEM for f in found)
    warnings = sum(f.severity == WARNING for f in found)
    if not problems and not warnings:
        return "Check done: everything plays."
    parts = []
    if problems:
        parts.append(f"{problems} problem{'s' if problems > 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings > 1 else ''}")
    return "Check done: " + " and ".join(parts) + " (see the list below)."
