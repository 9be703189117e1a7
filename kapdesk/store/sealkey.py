"""The audit seal's key: 32 random bytes per database, kept outside the database and
outside its data folder (the user's config folder, kapdesk.paths.Paths.key_dir), readable
by its owner alone, made the first time a KAPdesk with a key folder seals that database.

With the key every seal slot carries an HMAC-SHA256 of its content (kapdesk.store.seal), so
a seal rewritten by someone who has the data folder but not the key no longer verifies.
The key is named by the database's identity (the `database_id` setting), so one config
folder serves any number of data folders, and a restored backup (same identity) keeps it.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from pathlib import Path

from kapdesk.core.errors import KapdeskError
from kapdesk.store.connection import Database

KEY_BYTES = 32
ENV_KEY_DIR = "KAPDESK_KEY_DIR"


class SealKeyError(KapdeskError):
    """The key folder or file cannot be used (named, with the reason)."""


def database_id(db: Database) -> str | None:
    try:
        row = db.execute("SELECT value FROM settings WHERE key = 'database_id'").fetchone()
    except sqlite3.Error:
        return None
    try:
        value = json.loads(row[0]) if row else None
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, str) and value.isalnum() else None


def default_key_dir() -> Path:
    """$KAPDESK_KEY_DIR, else `seal-keys` in the user's config folder (platformdirs)."""
    chosen = os.environ.get(ENV_KEY_DIR)
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    from kapdesk import APP_NAME

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "seal-keys"


def key_for(db: Database, database: Path, create: bool = False,
            ) -> tuple[bytes | None, Path | None]:
    """The key of the database at `database` (from db.seal_key_dir, else the default
    folder) and its file; (None, the file it would be) when there is none yet; (None,
    None) when the database has no identity. SealKeyError when it cannot be used."""
    identity = database_id(db)
    if identity is None:
        return None, None
    folder = db.seal_key_dir or default_key_dir()
    refuse_inside(folder, database.parent)
    return load_key(folder, identity, create), key_file(folder, identity)


def key_file(key_dir: Path, identity: str) -> Path:
    return key_dir / f"seal-{identity}.key"


def refuse_inside(key_dir: Path, data_dir: Path) -> None:
    """A key beside the data it protects protects nothing: refused, in words."""
    key, data = key_dir.expanduser().resolve(), data_dir.expanduser().resolve()
    if key == data or data in key.parents:
        raise SealKeyError(f"The seal's key folder {key_dir} is inside the data folder "
                           f"{data_dir}: anyone with the data folder would have the key. "
                           "Choose a key folder elsewhere (KAPDESK_KEY_DIR).")


def _read(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not a key"
        raise SealKeyError(f"The seal's key {path} cannot be read ({why}).") from None
    if len(key) != KEY_BYTES:
        raise SealKeyError(f"The seal's key {path} is not a key ({len(key)} bytes, not "
                           f"{KEY_BYTES}).")
    return key


def load_key(key_dir: Path, identity: str, create: bool = False) -> bytes | None:
    """The database's key; None if there is none (and `create` is false). A new key is
    written whole or not at all (a hidden file renamed into place), mode 0600."""
    path = key_file(key_dir, identity)
    if path.exists() or not create:
        return _read(path) if path.exists() else None
    try:
        key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = key_dir / f".{path.name}-{os.getpid()}.partial"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temp, path)  # never over a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            temp.unlink(missing_ok=True)
    except OSError as exc:
        raise SealKeyError(f"The seal's key cannot be written in {key_dir} "
                           f"({exc.strerror}).") from None
    return _read(path)
