"""Send by itself when the link returns.

While the app is open and something waits in the outbox, the AutoSender tries the hub in the background on
the OpRunner's network lane (`operations/sync.auto_send`, quiet: never a dialog, never blocking the officer):
soon after start, after every day close, and then by the one link policy of both senders
(sync.link_policy): while nothing answers, a small probe every 15–30 s (jittered), forever, and the real send
only once a probe reached the hub; a hub that answers 5xx/429 is given time (jittered backoff up to a cap,
its Retry-After honoured). Any change Qt's QNetworkInformation reports except Disconnected (Online, but also
Local or Site: a satellite link or a closed network with a private hub) triggers a probe at once. It tells
the status bar what happened: "Đang chờ mạng (thử lại sau 20 giây)", "Đã gửi lúc 17:42 (3 ngày)" or why not.
The setting `sync.auto_send` = "0" turns it off (metered satellite links).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from desktop.changes import Changes
from desktop.settings_keys import KEY_AUTO_SEND
from desktop.ui.operations import sync as sync_ops
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit
from sync.link_policy import LinkPolicy, Outcome, Pacer

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
                 base_ms: int = 15_000, cap_ms: int = 5 * 60_000, idle_ms: int = 60_000,
                 probe_ms: tuple[int, int] = (15_000, 30_000), watch_network: bool = True) -> None:
        """`probe_ms`: the probe's spacing while nothing answers; `base_ms`/`cap_ms`: the backoff on a busy hub."""
        super().__init__(parent)
        self.app = app
        self.first_ms, self.idle_ms = first_ms, idle_ms
        self.pacer = Pacer(LinkPolicy(probe_min=probe_ms[0] / 1000, probe_max=probe_ms[1] / 1000,
                                      base=base_ms / 1000, cap=cap_ms / 1000, idle=idle_ms / 1000), random.random)
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
        """Any news from the network except "Disconnected" is worth one probe now (a probe costs the hub
        nothing): Windows reports a satellite link or a private hub's network as Local or Site, not Online."""
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Disconnected or not self._alive():
            return
        if self.enabled and not self._running:
            log.info("network change reported (%s): probing the hub now", reachability)
            self._timer.start(0)

    # running -----------------------------------------------------------------------------------------------

    def try_now(self) -> None:
        if not self.enabled or self._running or not self._alive():
            return
        self._running = True
        self.runs += 1
        try:
            (self.app.runner.op(sync_ops.auto_send(), None, "auto_send").network().quiet()
             .success(self._done).failure(self._failed).run())
        except RuntimeError:  # the runner's thread pools are gone (the app is closing): nothing more to send
            log.info("auto-send stopped: the operation runner is gone")
            self._running = False
            self.stop()

    def _done(self, result: SyncResult | None) -> None:
        self._running = False
        if not self._alive():
            return
        now = dt.datetime.now().strftime("%H:%M")
        if result is None:  # nothing waits, or nowhere to send
            self.failures = 0
            self._timer.start(self.idle_ms)
            return
        outcome = cast("Outcome", result.link or ("failed" if result.error else "sent"))
        wait = round(1000 * self.pacer.next_wait(outcome, result.retry_after))
        if outcome == "silent":  # nothing answered (or not the hub): probe again soon, say when
            self.failures += 1
            emit(self.status, _("Đang chờ mạng (thử lại sau {0} giây)").format(max(1, round(wait / 1000))))
        elif result.error:
            self.failures += 1
            again = (dt.datetime.now() + dt.timedelta(milliseconds=wait)).strftime("%H:%M")
            emit(self.status, _("Chưa tự gửi được lúc {0}: {1} Sẽ thử lại lúc {2}.").format(now, result.error, again))
        else:
            self.failures = 0
            wait = self.idle_ms
            if result.sent:
                emit(self.status, _("Đã gửi lúc {0} ({1} ngày)").format(now, result.sent))
        self._timer.start(wait)
        emit(self.sent, result)

    def _failed(self, exc: BaseException, _tb: str) -> None:
        """Already logged by the runner; say why in the status bar and back off."""
        from desktop.ui.support.errors import user_message

        self._running = False
        if not self._alive():
            return
        self.failures += 1
        emit(self.status, _("Chưa tự gửi được: {0}").format(user_message(exc) or _("lỗi không lường trước.")))
        self._timer.start(round(1000 * self.pacer.next_wait("failed")))

    def stop(self) -> None:
        self.enabled = False
        if self._alive():
            self._timer.stop()
