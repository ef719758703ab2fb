"""The raw document archive: content-addressed files, written so a crash never leaves a partial one.

``ab/abcdef….pdf`` where ``abcdef…`` is the sha256 of the bytes and the extension is the
sniffed type. A file is staged in ``.tmp/`` (fsynced), recorded in the run's catalog journal,
then renamed into place; recovery (:mod:`pipeline.crawl.catalog`) finishes or discards staged
files of a run that died, so the archive and the catalog always agree.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from pipeline.sniff import EXTENSIONS

TMP = ".tmp"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file beside the target, fsync, rename, fsync the directory; no temp file is left
    behind when any step fails (a full disk, a permission error, an interrupt)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)

    @staticmethod
    def relative_path(sha256: str, sniffed: str) -> str:
        return f"{sha256[:2]}/{sha256}{EXTENSIONS.get(sniffed, '.bin')}"

    def path(self, relative: str) -> Path:
        return self.root / relative

    def staging_path(self, sha256: str, portal_id: str, run_id: str) -> Path:
        return self.root / TMP / f"{sha256}.{portal_id}.{run_id}.tmp"

    def stage(self, data: bytes, portal_id: str, run_id: str) -> tuple[str, Path]:
        """Write ``data`` to a fsynced staging file; returns (sha256, staging path)."""
        sha = hashlib.sha256(data).hexdigest()
        tmp = self.staging_path(sha, portal_id, run_id)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return sha, tmp

    def stage_file(self, path: Path, sha256: str, portal_id: str, run_id: str) -> Path:
        """Stage a downloaded temp file (same file system) by renaming it, after an fsync."""
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
        tmp = self.staging_path(sha256, portal_id, run_id)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, tmp)
        return tmp

    def commit(self, staged: Path, relative: str) -> None:
        """Move a staged file into place; identical content already there wins."""
        target = self.path(relative)
        if target.exists():
            staged.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        fsync_dir(target.parent)

    def read(self, relative: str) -> bytes:
        return self.path(relative).read_bytes()

    def holds(self, relative: str, sha256: str, size: int | None = None) -> bool:
        """Whether the file of ``sha256`` is in place: its content-addressed name and, when
        known, its size. The bytes are not re-read (a night's cost must not grow with the
        archive): extraction hashes every document it reads, so an altered file is caught there.
        """
        if Path(relative).stem != sha256:
            return False
        try:
            info = self.path(relative).stat()
        except OSError:
            return False
        return stat.S_ISREG(info.st_mode) and (size is None or info.st_size == size)

    def files(self) -> list[str]:
        """Every archived document, relative to the root (catalog and staging excluded)."""
        out: list[str] = []
        for sub in sorted(self.root.iterdir()) if self.root.exists() else []:
            if sub.is_dir() and len(sub.name) == 2:
                out.extend(f"{sub.name}/{f.name}" for f in sorted(sub.iterdir()) if f.is_file())
        return out
