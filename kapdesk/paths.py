"""Where KAPdesk keeps its data, and where its shipped resources are, source or frozen."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from kapdesk import APP_NAME
from kapdesk.core.errors import KapdeskError

ENV_DATA_DIR = "KAPDESK_DATA_DIR"
DB_NAME = "kapdesk.sqlite3"


class DataDirError(KapdeskError):
    """The data folder cannot be used: missing and not creatable, or read-only."""


def resource_root() -> Path:
    """The folder holding kapdesk/, playlists/ and assets/ (PyInstaller's _MEIPASS frozen)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def builtin_protocols_dir() -> Path:
    return resource_root() / "kapdesk" / "protocols"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> Paths:
        """--data-dir wins, then KAPDESK_DATA_DIR, then the platform's user data folder."""
        chosen = data_dir or os.environ.get(ENV_DATA_DIR) or default_data_dir()
        return cls(Path(chosen).expanduser().resolve())

    @property
    def database(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def log_file(self) -> Path:
        return self.data_dir / "kapdesk.log"

    @property
    def protocols_dir(self) -> Path:
        return self.data_dir / "protocols"

    @property
    def playlists_dir(self) -> Path:
        return self.data_dir / "playlists"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    def protocol_dirs(self) -> list[Path]:
        return [builtin_protocols_dir(), self.protocols_dir]

    def ensure(self) -> None:
        """Make the data folder if missing and prove it is writable, or say why not."""
        folder = self.data_dir
        try:
            is_file = folder.exists() and not folder.is_dir()
        except OSError as exc:  # e.g. a parent folder this user may not enter
            raise DataDirError(f"The data folder {folder} cannot be reached "
                               f"({exc.strerror}). Check its permissions or choose "
                               "another with --data-dir.") from None
        if is_file:
            raise DataDirError(f"The data folder {folder} is a file, not a folder. "
                               "Choose another with --data-dir.")
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise DataDirError(f"The data folder {folder} does not exist and cannot be "
                               f"created ({exc.strerror}). Choose another with --data-dir."
                               ) from None
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
                pass
        except OSError as exc:
            raise DataDirError(
                f"The data folder {folder} is read-only ({exc.strerror}): KAPdesk cannot "
                "save notes there. Nothing was changed. Fix its permissions or choose "
                "another folder with --data-dir.") from None
        for sub in (folder, self.protocols_dir, self.playlists_dir, self.backups_dir):
            sub.mkdir(exist_ok=True, mode=0o700)
            if os.name == "posix":
                os.chmod(sub, 0o700)  # health records: the owner's alone
