"""What every export shares: its errors, writing the chosen file and nothing else, and times.

A file is written safely (`_target`): only ever over a regular file, and over an existing
one only when asked (`overwrite`); through a temporary file in the same folder, created
exclusively and readable by its owner only, renamed over the target once complete and
removed in any case, so an export killed halfway leaves nothing of the records behind (the
next export to that folder also removes leftovers of our own naming).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from kapdesk.core.errors import KapdeskError

FORMATS = ("pdf", "csv", "json", "fhir")
PAGE_SIZES = ("a4", "letter")
PART_MARK = ".kapdesk-export-"  # in every temporary file's name: ".NAME.kapdesk-export-X.part"
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"),
          (stat.S_ISCHR, "a character device node"), (stat.S_ISBLK, "a block device node"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


class ExportError(KapdeskError):
    """An export that cannot be written as asked (the message says why, and what to do)."""


class ExportExists(ExportError):
    """The target is an existing file: replace it only when the user says so (--force)."""


def check_format(fmt: str) -> str:
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise ExportError(f"The format '{fmt}' is not supported: choose one of "
                          f"{', '.join(FORMATS)}.")
    return fmt


def check_page_size(page_size: str) -> str:
    size = page_size.strip().lower()
    if size not in PAGE_SIZES:
        raise ExportError(f"The page size '{page_size}' is not supported: choose "
                          f"{' or '.join(PAGE_SIZES)}.")
    return size


def what_is_there(path: Path) -> str | None:
    """None when nothing is at `path`; "a file" for a regular file; else what it is."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    if stat.S_ISREG(mode):
        return "a file"
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def check_target(path: Path, overwrite: bool) -> None:
    """Refuse anything at `path` but a regular file, and a regular file unless `overwrite`."""
    there = what_is_there(path)
    if there is None:
        return
    if there == "a folder":
        raise ExportError(f"{path} is a folder: give the export a file name.")
    if there != "a file":
        raise ExportError(f"{path} is {there}, not a regular file: an export replaces only "
                          "a regular file. Choose another name.")
    if not overwrite:
        raise ExportExists(f"{path} already exists: choose another name, or confirm that "
                           "it should be replaced (--force).")


def remove_leftovers(folder: Path, name: str) -> int:
    """Remove temporary files of ours for `name` left by an export that was killed:
    regular files owned by this user, named as `_target` names them. Returns how many."""
    removed = 0
    prefix = f".{name}{PART_MARK}"
    me = os.geteuid() if hasattr(os, "geteuid") else None  # no owners to compare on Windows
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.name.startswith(prefix) and entry.name.endswith(".part")):
                continue
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and (me is None or info.st_uid == me):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _create_part(path: Path) -> tuple[int, Path]:
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0))
    tmp = path.parent / f".{path.name}{PART_MARK}{secrets.token_hex(6)}.part"
    try:
        return os.open(tmp, flags, 0o600), tmp
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}. Choose a folder "
                          "you can write to.") from None


def _publish(tmp: Path, path: Path, overwrite: bool) -> None:
    """Put the complete temporary file in place: never over anything but a regular file,
    never over an existing file unless `overwrite` (a hard link fails if one appeared)."""
    check_target(path, overwrite)
    if overwrite:
        os.replace(tmp, path)
    else:
        try:
            os.link(tmp, path, follow_symlinks=False)
        except FileExistsError:
            raise ExportExists(f"{path} appeared while the export was written: choose "
                               "another name, or confirm that it should be replaced "
                               "(--force).") from None
        except OSError:  # a file system without hard links: the check above stands
            os.rename(tmp, path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    if hasattr(os, "O_DIRECTORY"):
        with contextlib.suppress(OSError):
            fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


@contextlib.contextmanager
def _target(path: Path, mode: str, overwrite: bool) -> Iterator[IO[Any]]:
    """A temp file beside `path`, put in its place once complete; removed in any case."""
    path = Path(path).expanduser()
    if path.name in ("", ".", ".."):
        raise ExportError(f"{path} is not a file name: give the export a file name.")
    check_target(path, overwrite)
    if not path.parent.is_dir():
        raise ExportError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    remove_leftovers(path.parent, path.name)
    fd, tmp = _create_part(path)
    try:
        handle: IO[Any] = (os.fdopen(fd, "wb") if "b" in mode
                           else os.fdopen(fd, "w", encoding="utf-8", newline=""))
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _publish(tmp, path, overwrite)
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@contextlib.contextmanager
def finish_on_terminate() -> Iterator[None]:
    """SIGTERM and SIGHUP end the process through SystemExit while this holds, so an export
    that is stopped runs its clean-up (its temporary file removed, its failure audited);
    the handlers before are restored after. (SIGKILL cannot be caught: the next export to
    that folder removes what it left.)"""
    caught = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
              if s is not None]

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    before = {s: signal.signal(s, stop) for s in caught}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def write_text(path: Path, write: Callable[[IO[str]], object], *,
               overwrite: bool = False) -> Path:
    with _target(path, "w", overwrite) as handle:
        write(handle)
    return Path(path)


def write_bytes(path: Path, data: bytes, *, overwrite: bool = False) -> Path:
    with _target(path, "wb", overwrite) as handle:
        handle.write(data)
    return Path(path)


def utc_iso(instant: datetime | None) -> str | None:
    """UTC, ISO 8601 with microseconds: the database's own spelling."""
    if instant is None:
        return None
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def local(instant: datetime, tz: tzinfo | None) -> datetime:
    """The instant on the clinic's clock (`tz`, else this computer's)."""
    return instant.astimezone(tz) if tz is not None else instant.astimezone()


def hhmm(instant: datetime | None, tz: tzinfo | None) -> str:
    return local(instant, tz).strftime("%H:%M") if instant is not None else "-"


def day_time(instant: datetime | None, tz: tzinfo | None) -> str:
    return local(instant, tz).strftime("%Y-%m-%d %H:%M") if instant is not None else "-"


def zone_label(instant: datetime, tz: tzinfo | None) -> str:
    moment = local(instant, tz)
    offset = moment.strftime("%z")
    return f"{moment.tzname() or 'local'} (UTC{offset[:3]}:{offset[3:]})"


def t_plus(minutes: float | None) -> str:
    """Session minutes as 'T+15' / 'T-20' ('' when unknown)."""
    if minutes is None:
        return ""
    whole = round(minutes)
    return f"T{'+' if whole >= 0 else '-'}{abs(whole)}"
