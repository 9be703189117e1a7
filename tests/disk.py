"""A real, small, full disk for tests: a tmpfs mounted where this machine allows it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tiny_disk(at: Path, size: str = "2m") -> Iterator[Path]:
    """A real file system of `size` at `at` (skips the test where mounting is not allowed)."""
    at.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(at)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("no permission to mount a small file system here")
    try:
        yield at
    finally:
        subprocess.run(["umount", "-l", str(at)], check=False)


def fill(disk: Path) -> Path:
    """Fill `disk` to the last byte with one file; remove it to free the space again."""
    filler = disk / "filler"
    with filler.open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler
