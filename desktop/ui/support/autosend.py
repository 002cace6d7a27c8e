"""Send by itself when the link returns.

While the app is open and something waits in the outbox, the AutoSender tries the hub in the background on
the OpRunner's network lane (`operations/sync.auto_send`, quiet: never a dialog, never blocking the officer):
soon after start, after every day close, then with exponential backoff while the hub cannot be reached
(30 s, 1, 2, 4 … up to 30 minutes, with jitter), and at once when Qt's QNetworkInformation reports the
network back (when the platform has a backend). It tells the status bar what happened: "Đã tự gửi 3 ngày
lúc 17:42" or why not. The setting `sync.auto_send` = "0" turns it off (metered satellite links).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from common import backoff
from desktop.changes import Changes
from desktop.settings_keys import KEY_AUTO_SEND
from desktop.ui.operations import sync as sync_ops
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit

if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkInformation

    from desktop.storage.db import Session  # what a Database opens (the UI names no SQL library)
    from sync.outbox_port import SyncResult

_ = translator("AutoSend")
log = logging.getLogger(__name__)



def auto_send_enabled(session: Session) -> bool:
    from desktop import config

    return config.get(session, KEY_AUTO_SEND) != "0"


class AutoSender(QObject):
    """One per main window. `status` carries the status-bar text; `sent` each run's SyncResult."""

    status = Signal(str)
    sent = Signal(object)

    def __init__(self, app: AppContext, parent: QObject | None = None, *, first_ms: int = 5_000,
                 base_ms: int = 30_000, cap_ms: int = 30 * 60_000, idle_ms: int = 60_000,
                 watch_network: bool = True) -> None:
        super().__init__(parent)
        self.app = app
        self.first_ms, self.base_ms, self.cap_ms, self.idle_ms = first_ms, base_ms, cap_ms, idle_ms
        self.failures = 0
        self.runs = 0
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.try_now)
        self.enabled = self._read_enabled()
        app.runner.subscribe(self)  # told of change-sets through `notify`, as every view is
        self.network_backend = self._watch_network() if watch_network else ""
        if self.enabled:
            self._timer.start(first_ms)

    # settings --------------------------------------------------------------------------------------------

    def _read_enabled(self) -> bool:
        try:
            return bool(self.app.read(auto_send_enabled))
        except Exception:
            log.exception("cannot read the auto-send setting")
            return True

    def _alive(self) -> bool:
        """False once the window that owned this sender is gone (a result may still be on its way)."""
        return isValid(self) and isValid(self._timer)

    def notify(self, changes: Changes) -> None:
        """A setting changed: read the switch again; a day was closed: try soon."""
        if not self._alive():
            return
        if changes.settings:
            was, self.enabled = self.enabled, self._read_enabled()
            if not self.enabled:
                self._timer.stop()
                emit(self.status, _("Tự gửi đang tắt"))
            elif not was:
                self._timer.start(0)
        # a day was closed (or a send finished): try soon, but never hammer a hub that is down
        soon = not self._timer.isActive() or self._timer.remainingTime() > self.first_ms
        if changes.reports and self.enabled and not self._running and self.failures == 0 and soon:
            self._timer.start(self.first_ms)

    # the network coming back -------------------------------------------------------------------------------

    def _watch_network(self) -> str:
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if QNetworkInformation.instance() is None:
                QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability)
            info: QNetworkInformation | None = QNetworkInformation.instance()  # None without a backend
            if info is None:
                return ""
            info.reachabilityChanged.connect(self._on_reachability)
            return str(info.backendName())
        except Exception:  # no backend on this platform: the backoff timer alone will do
            log.info("no network information backend; auto-send uses its timer only")
            return ""

    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online and self.enabled and not self._running:
            log.info("network reported back: trying the hub now")
            self._timer.start(0)

    # running -----------------------------------------------------------------------------------------------

    def try_now(self) -> None:
        if not self.enabled or self._running or not self._alive():
            return
        self._running = True
        self.runs += 1
        (self.app.runner.op(sync_ops.auto_send(), None, "auto_send").network().quiet()
         .success(self._done).failure(self._failed).run())

    def _backoff_ms(self) -> int:
        return int(backoff.equal_jitter(self.failures, self.base_ms, self.cap_ms, random.random))

    def _done(self, result: SyncResult | None) -> None:
        self._running = False
        if not self._alive():
            return
        now = dt.datetime.now().strftime("%H:%M")
        if result is None:  # nothing waits, or nowhere to send
            self.failures = 0
            self._timer.start(self.idle_ms)
            return
        if result.error:
            self.failures += 1
            wait = self._backoff_ms()
            again = (dt.datetime.now() + dt.timedelta(milliseconds=wait)).strftime("%H:%M")
            emit(self.status, _("Chưa tự gửi được lúc {0}: {1} Sẽ thử lại lúc {2}.").format(now, result.error, again))
            self._timer.start(wait)
        else:
            self.failures = 0
            if result.sent:
                emit(self.status, _("Đã tự gửi {0} ngày lúc {1}").format(result.sent, now))
            self._timer.start(self.idle_ms)
        emit(self.sent, result)

    def _failed(self, exc: BaseException, _tb: str) -> None:
        """Already logged by the runner; say why in the status bar and back off."""
        from desktop.ui.support.errors import user_message

        self._running = False
        if not self._alive():
            return
        self.failures += 1
        emit(self.status, _("Chưa tự gửi được: {0}").format(user_message(exc) or _("lỗi không lường trước.")))
        self._timer.start(self._backoff_ms())

    def stop(self) -> None:
        self.enabled = False
        if self._alive():
            self._timer.stop()
