"""Writing files so that no reader ever sees half of one: each is written to a temporary file
beside its target ('.<name>.<8 random characters>', with the permissions a plain `open` would
give) and renamed onto it. `remove_temporaries` deletes what a killed build left behind."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}$")


def temporary(path: Path) -> str:
    """A new empty temporary file beside `path` (its folder is made if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files: co-authors could not read the tables
    return tmp


def atomic_write_with(path: Path, fill, durable: bool = True) -> None:
    """Write what `fill(binary file)` streams into path, atomically; `durable` False skips the
    fsync (for caches: a file a crash leaves empty is unreadable, and rebuilt)."""
    tmp = temporary(path)
    try:
        with open(tmp, "wb") as fh:
            fill(fh)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())  # the new bytes are on disk before the name points at them
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write_with(path, lambda fh: fh.write(data))


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def remove_temporaries(folder: Path) -> None:
    """Delete what killed builds left half-written in folder (run under the build lock)."""
    if folder.is_dir():
        for p in folder.iterdir():
            if _TEMPORARY.match(p.name) and p.is_file():
                p.unlink(missing_ok=True)
