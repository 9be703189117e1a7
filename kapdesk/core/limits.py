"""Bounds on what a clinic file may hold, and a file reader that keeps to them.

A clinic file (a protocol template, a playlist set, a phase playlist) is read only when it
is a regular file of bounded size: a link to /dev/zero, a pipe or a folder is refused
before anything is read, and a file that grows while it is read is cut off at the bound
and refused. Every number is finite and within the range named here.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

MAX_TEMPLATE_BYTES = 1_000_000  # a protocol template or a set.toml
MAX_PLAYLIST_BYTES = 4_000_000  # one phase playlist (.m3u / .m3u8)
MAX_PLAYLIST_ENTRIES = 10_000  # tracks in one phase playlist
MAX_SESSION_MINUTES = 24 * 60  # a session, a minimum monitoring time, a timer
MIN_REPEAT_MINUTES = 1.0  # a cue repeats at most once a minute
MAX_ESCALATE_MINUTES = 240.0
MAX_CUES = 200  # cue definitions in one template
MAX_CUE_OCCURRENCES = 2_000  # cue occurrences once the repeats are expanded
MAX_TEXT = 500  # characters in a name, a cue text, a detail
MAX_TARGET_MINUTES = 24 * 60  # a playlist phase target


class FileRefused(Exception):
    """A file that is not read, with why (in words, without the file's name)."""


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; FileRefused otherwise."""
    try:
        info = os.stat(path)  # follows a link: a link to /dev/zero is a device here
    except FileNotFoundError:
        raise FileRefused("was not found") from None
    except OSError as exc:
        raise FileRefused(f"cannot be read ({exc.strerror or exc})") from None
    _check_kind(info.st_mode)
    if info.st_size > max_bytes:
        raise FileRefused(f"is {_size(info.st_size)}; a file of this kind may be at most "
                          f"{_size(max_bytes)}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileRefused(f"cannot be read ({exc.strerror or exc})") from None
    try:
        _check_kind(os.fstat(fd).st_mode)  # swapped for a pipe between stat and open
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise FileRefused(f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if total > max_bytes:
        raise FileRefused(f"grew past {_size(max_bytes)} while it was read; a file of this "
                          "kind may be at most that")
    return b"".join(chunks)


def _check_kind(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise FileRefused("is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise FileRefused("is not an ordinary file (a device, a pipe or a socket); it was "
                          "not read")


def finite_in(value: float, low: float, high: float, *, low_open: bool = False) -> bool:
    """True when `value` is a finite number within low..high (above low when low_open)."""
    if not math.isfinite(value):
        return False
    return (value > low if low_open else value >= low) and value <= high
