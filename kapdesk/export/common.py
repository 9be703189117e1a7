"""What every export shares: its errors, writing the chosen file and nothing else, and times."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from kapdesk.core.errors import KapdeskError

FORMATS = ("pdf", "csv", "json", "fhir")
PAGE_SIZES = ("a4", "letter")


class ExportError(KapdeskError):
    """An export that cannot be written as asked (the message says why, and what to do)."""


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


@contextlib.contextmanager
def _target(path: Path, mode: str) -> Iterator[IO[Any]]:
    """A temp file beside `path`, renamed over it once complete; removed on any failure,
    so a failed export leaves neither a half-written file nor anything else behind."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give the export a file name.")
    if not path.parent.is_dir():
        raise ExportError(f"Cannot write {path}: the folder {path.parent} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}. Choose a folder "
                          "you can write to.") from None
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else
                                    {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: Path, write: Callable[[IO[str]], None]) -> Path:
    with _target(path, "w") as handle:
        write(handle)
    return Path(path)


def write_bytes(path: Path, data: bytes) -> Path:
    with _target(path, "wb") as handle:
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
