"""Writing a file the officer carries away (a PDF, a bundle, a peer file on a USB stick) so that its real
name never holds half a file: write a temporary file beside it, flush it to the disk, then rename it over
the target in one step. A pulled stick or a crash leaves the old file or the new one, never a mix."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_open(path: str | os.PathLike[str], *, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: the content appears under `path` only when the block ends
    without an error (fsynced first when `durable`); on an error the temporary file is removed and `path`
    is left as it was. Missing parent folders are made."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> Path:
    """Write `data` to `path` atomically (see `atomic_open`); returns the path written."""
    with atomic_open(path, durable=durable) as f:
        f.write(data)
    return Path(path)
