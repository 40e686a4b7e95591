"""Files on the local disk under one root directory (the default, ``uploads/``)."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from portal.storage.base import (
    CHUNK_SIZE,
    ClosingChunks,
    ObjectNotFound,
    StagedUpload,
    Storage,
    StorageError,
    StoredObject,
    TooLarge,
    copy_hashing,
    validate_content_type,
    validate_key,
    validate_prefix,
)
from portal.storage.journal import note_put

# Temporary files carry a "~", a character no valid key can contain, so a half-written
# upload can never be mistaken for an object (by list, stat or a key chosen later).
_TEMP_SUFFIX = ".part~"
_STAGED_PREFIX = ".upload."


class _LocalStagedUpload(StagedUpload):
    """A staged upload written straight into a temporary file inside the storage root, on
    the same filesystem as every object, so that ``put`` can rename it into place."""

    def __init__(self, storage: LocalStorage, fd: int, path: Path, max_size: int | None):
        self.storage = storage
        self.path = path  # set first: _discard() needs it whatever fails below
        try:
            file = os.fdopen(fd, "w+b")
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise
        super().__init__(file, max_size)

    def sync(self) -> None:
        file = self._open_file()
        try:
            file.flush()
            # A citizen's document must survive a power cut once we say "received".
            os.fsync(file.fileno())
        except OSError as exc:
            raise StorageError(f"cannot write staged upload {self.path}: {exc}") from exc

    def adopted(self) -> None:
        self._mark_stored()

    def _discard(self) -> None:
        try:
            super()._discard()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.path)


class LocalStorage(Storage):
    """Objects are plain files: ``<root>/<key>``.

    The local filesystem keeps no content type or checksum, so ``stat`` reports
    ``application/octet-stream`` and an empty sha256; the database row is the record
    of both (DESIGN §5), this backend only holds bytes.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        # Absolute at construction so a later chdir cannot move the storage. No I/O here:
        # the directory is created on first write, so importing the app never touches disk.
        self.root = Path(root).expanduser().absolute()

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    # -- paths ---------------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        validate_key(key)
        root = self.root.resolve()
        # resolve() follows symlinks, so a link planted inside the root cannot be used to
        # read or write outside it.
        path = (root / key).resolve()
        if not path.is_relative_to(root) or path == root:
            raise ValueError(f"storage key escapes the storage root: {key!r}")
        return path

    def _key_of(self, path: Path, root: Path) -> str:
        return path.relative_to(root).as_posix()

    # -- writing -------------------------------------------------------------------------

    def put(
        self,
        key: str,
        stream: BinaryIO,
        *,
        content_type: str = "application/octet-stream",
        max_size: int | None = None,
    ) -> StoredObject:
        path = self._path(key)
        validate_content_type(content_type)
        note_put(self, key)
        if isinstance(stream, _LocalStagedUpload) and stream.storage is self and stream.is_whole():
            return self._adopt(key, path, stream, content_type, max_size)
        return self._copy(key, path, stream, content_type, max_size)

    def _copy(
        self, key: str, path: Path, stream: BinaryIO, content_type: str, max_size: int | None
    ) -> StoredObject:
        fd, tmp_name = self._make_temp(path)
        try:
            with os.fdopen(fd, "wb") as tmp:
                size, digest = copy_hashing(stream, tmp, max_size)
                try:
                    tmp.flush()
                    # A citizen's document must survive a power cut once we say "received".
                    os.fsync(tmp.fileno())
                except OSError as exc:
                    raise StorageError(f"cannot write {key!r}: {exc}") from exc
            try:
                # Atomic: readers see the old object or the new one, never a partial file.
                os.replace(tmp_name, path)
            except OSError as exc:
                raise StorageError(f"cannot store {key!r}: {exc}") from exc
        except BaseException:
            # Anything (TooLarge, a broken client stream, Ctrl-C) leaves no temp file.
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise
        return StoredObject(key=key, size=size, sha256=digest, content_type=content_type)

    def _adopt(
        self,
        key: str,
        path: Path,
        staged: _LocalStagedUpload,
        content_type: str,
        max_size: int | None,
    ) -> StoredObject:
        """Make a staged upload the object by renaming its file: its bytes are written once."""
        if max_size is not None and staged.size > max_size:
            raise TooLarge(max_size)  # the caller's close() removes the staged file
        staged.sync()
        for attempt in range(3):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Atomic, as in _copy: readers see the old object or the new one.
                os.replace(staged.path, path)
                break
            except FileNotFoundError as exc:
                # A concurrent delete() may prune the directory between mkdir and replace.
                if attempt == 2:
                    raise StorageError(f"cannot store {key!r}: {exc}") from exc
            except OSError as exc:
                if exc.errno == errno.EXDEV:  # the key's directory is another mount: copy
                    return self._copy(key, path, staged, content_type, max_size)
                raise StorageError(f"cannot store {key!r}: {exc}") from exc
        staged.adopted()
        return StoredObject(
            key=key, size=staged.size, sha256=staged.sha256, content_type=content_type
        )

    def _make_temp(self, path: Path) -> tuple[int, str]:
        # delete() prunes empty directories, so a concurrent delete may remove the parent
        # between our mkdir and mkstemp; retrying a couple of times covers that race.
        for attempt in range(3):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # mkstemp creates the file 0600: uploads are private to the application.
                return tempfile.mkstemp(
                    dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX
                )
            except FileNotFoundError as exc:
                if attempt == 2:
                    raise StorageError(f"cannot create directory for {path}: {exc}") from exc
            except OSError as exc:
                raise StorageError(f"cannot create temporary file in {path.parent}: {exc}") from exc
        raise AssertionError("unreachable")

    def stage(self, *, max_size: int | None = None) -> StagedUpload:
        # In the root itself: put() renames it to <root>/<key> without crossing filesystems.
        # The "~" suffix keeps it out of list() (and so out of the orphan sweep) meanwhile.
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                dir=self.root, prefix=_STAGED_PREFIX, suffix=_TEMP_SUFFIX
            )
        except OSError as exc:
            raise StorageError(f"cannot create a staged upload in {self.root}: {exc}") from exc
        return _LocalStagedUpload(self, fd, Path(name), max_size)

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except NotADirectoryError:
            return  # a parent segment is a file, so the object cannot exist
        except OSError as exc:
            raise StorageError(f"cannot delete {key!r}: {exc}") from exc
        self._prune_empty_dirs(path.parent)

    def _prune_empty_dirs(self, directory: Path) -> None:
        # One directory per dossier: without pruning, deleted drafts would leave thousands
        # of empty directories behind. rmdir refuses non-empty ones, which is the check.
        root = self.root.resolve()
        while directory != root and directory.is_relative_to(root):
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent

    # -- reading -------------------------------------------------------------------------

    def open(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        try:
            handle = open(path, "rb")  # closed by ClosingChunks, not a with-block
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise ObjectNotFound(f"no object {key!r}") from exc
        except OSError as exc:
            raise StorageError(f"cannot open {key!r}: {exc}") from exc

        def chunks() -> Iterator[bytes]:
            try:
                while chunk := handle.read(CHUNK_SIZE):
                    yield chunk
            except OSError as exc:
                raise StorageError(f"cannot read {key!r}: {exc}") from exc

        return ClosingChunks(chunks(), handle.close)

    def stat(self, key: str) -> StoredObject | None:
        path = self._path(key)
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise StorageError(f"cannot stat {key!r}: {exc}") from exc
        if not path.is_file():
            return None
        return StoredObject(
            key=key, size=st.st_size, sha256="", content_type="application/octet-stream"
        )

    def list(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        validate_prefix(prefix)
        root = self.root.resolve()
        # Walk only the directory the prefix points into, not the whole tree.
        start = root / prefix.rpartition("/")[0] if "/" in prefix else root
        if not start.resolve().is_relative_to(root):
            raise ValueError(f"storage prefix escapes the storage root: {prefix!r}")

        def on_error(exc: OSError) -> None:
            if not isinstance(exc, FileNotFoundError | NotADirectoryError):
                raise StorageError(f"cannot list {prefix!r}: {exc}") from exc

        for dirpath, dirnames, filenames in os.walk(start, onerror=on_error):
            dirnames.sort()  # deterministic order, close to S3's lexicographic listing
            for name in sorted(filenames):
                if name.endswith(_TEMP_SUFFIX):
                    continue
                path = Path(dirpath) / name
                key = self._key_of(path, root)
                if not key.startswith(prefix):
                    continue
                try:
                    validate_key(key)
                    st = path.stat()
                except (ValueError, FileNotFoundError):
                    continue  # a stray file that is not an object, or deleted meanwhile
                except OSError as exc:
                    raise StorageError(f"cannot stat {key!r}: {exc}") from exc
                yield key, datetime.fromtimestamp(st.st_mtime, tz=UTC)

    def presigned_url(self, key: str, expires: timedelta) -> str | None:
        validate_key(key)
        return None  # local files are only served through the authorised download route

    def remove_incomplete(self, before: datetime) -> int:
        # Every temporary file of this backend ends in "~" (staged uploads in the root,
        # _copy's temporary files beside their object, the health probe): a kill -9 between
        # creating one and renaming or unlinking it leaves it here for good. Written to
        # last before ``before``: an upload still arriving touches its file all the time.
        root = self.root.resolve()
        cutoff = before.timestamp()
        removed = 0
        for dirpath, _dirnames, filenames in os.walk(root):
            for name in filenames:
                if not name.endswith(_TEMP_SUFFIX):
                    continue
                path = Path(dirpath) / name
                try:
                    if path.lstat().st_mtime >= cutoff:
                        continue
                    path.unlink()
                except FileNotFoundError:
                    continue  # renamed into place or removed by its request meanwhile
                except OSError as exc:
                    raise StorageError(f"cannot remove temporary file {path}: {exc}") from exc
                removed += 1
                if Path(dirpath) != root:
                    self._prune_empty_dirs(Path(dirpath))
        return removed

    def check(self) -> None:
        # A real write proves more than os.access: full disks and read-only mounts show up.
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(dir=self.root, prefix=".health.", suffix=_TEMP_SUFFIX)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise StorageError(f"storage root {self.root} is not writable: {exc}") from exc
