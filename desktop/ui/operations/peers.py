"""Laptops of this commune: the group, LAN sync, USB files. Run sync and serve with `.network()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.changes import changes_of
from desktop.ui.support.runner import JobContext, OpResult, WorkerFn

if TYPE_CHECKING:
    from desktop.services.peer.lan import PeerServer

class _CancelFlag:
    """`lan.sync_with` asks `is_set()` between pages; the runner's cancel button answers."""

    def __init__(self, job: JobContext) -> None:
        self._job = job

    def is_set(self) -> bool:
        return self._job.cancelled()


def sync_with(address: str) -> WorkerFn:
    """Exchange both ways with a laptop that serves; value: lan.SyncResult. Progress per page, cancellable."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.peer import lan

        def progress(phase: str, done: int, total: int) -> None:
            text = "Đang gửi" if phase == "send" else "Đang nhận"
            job.progress(done, total, f"{text}: {done:,} thay đổi")

        result = lan.sync_with(job.db, address, progress=progress, cancel=_CancelFlag(job))
        return OpResult(result, changes_of(lan.sync_with))

    return run


def export_file(path: str) -> WorkerFn:
    """What the other laptops lack, to a file for a USB stick; value: usbfile.ExportResult."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.peer import usbfile

        return OpResult(usbfile.export_file(job.db, path), changes_of(usbfile.export_file))

    return run


def import_file(path: str) -> WorkerFn:
    """A file another laptop of the group exported; value: usbfile.ImportResult."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.peer import usbfile

        return OpResult(usbfile.import_file(job.db, path), changes_of(usbfile.import_file))

    return run


def create_group(replace: bool = False) -> WorkerFn:
    """This laptop becomes the first of the commune's group; value: GroupInfo with the code (show once)."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.peer import group

        return OpResult(group.create_group(job.db, replace=replace), changes_of(group.create_group))

    return run


def join_group(code: str, name: str | None = None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.peer import group

        return OpResult(group.join_group(job.db, code, name), changes_of(group.join_group))

    return run


def start_server(host: str, port: int) -> WorkerFn:
    """Serve peer sync on host:port (its own thread); value: the running lan.PeerServer (stop it on close)."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.peer import lan

        return OpResult(lan.PeerServer(job.db, host, port).start())

    return run


def stop_server(server: PeerServer) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        server.stop()
        return OpResult(None)

    return run


def resolve_conflict(conflict_id: int) -> WorkerFn:
    """The officer has looked at a conflict: it leaves the list (the records stay as they are)."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.peer.status import resolve_conflict as resolve

        with job.db.session() as s:
            resolve(s, conflict_id)
        return OpResult(None, changes_of(resolve))

    return run
