"""The day code dialog: a closed day's totals as a short code, in large type (to read aloud over a satellite
phone) and as a QR code (to photograph), one per point. The codes come from `operations/sync.day_codes`; the
QR modules from `desktop.printing.qrcode.matrix` (the slips' encoder), painted here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.support.lang import current, translator
from sync import indicators as registry

if TYPE_CHECKING:
    from desktop.services.province_link.hub_offline import DayCode

_ = translator("DayCodeDialog")



def _short() -> dict[str, str]:
    """Every indicator of the registry (sync/indicators.py) in its order; these words go through Qt's
    translations, an indicator without them shows the registry's short words."""
    known = {"card_captured": _("Thẻ căn cước"), "vneid_l2_captured": _("VNeID mức 2"),
             "vneid_activated": _("Kích hoạt VNeID"), "attended": _("Đến"), "no_show": _("Vắng")}
    return {i.key: known.get(i.key) or registry.label(i.key, current(), short=True) for i in registry.REGISTRY}


class QrWidget(QWidget):
    """A QR code painted module by module (with the quiet zone the standard asks for)."""

    def __init__(self, data: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.printing.qrcode import QUIET, matrix

        self.data = data
        self.modules = matrix(data)
        self.quiet = QUIET
        self.setMinimumSize(QSize(180, 180))
        self.setAccessibleName(_("Mã QR của mã ngày"))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(220, 220)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        n = len(self.modules) + 2 * self.quiet
        side = min(self.width(), self.height())
        unit = max(1, side // n)
        p = QPainter(self)
        p.fillRect(0, 0, unit * n, unit * n, QColor("white"))
        for r, row in enumerate(self.modules):
            for c, dark in enumerate(row):
                if dark:
                    p.fillRect((c + self.quiet) * unit, (r + self.quiet) * unit, unit, unit, QColor("black"))
        p.end()


class DayCodeDialog(QDialog):
    """Shows the day codes of one day (list of hub_offline.DayCode)."""

    def __init__(self, codes: list[DayCode], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DayCodeDialog")
        self.setWindowTitle(_("Mã số liệu ngày (đọc qua điện thoại / SMS)"))
        box = QVBoxLayout(self)
        intro = QLabel(_("Đọc mã này cho công an tỉnh qua điện thoại, hoặc gửi nguyên mã bằng một tin nhắn SMS. "
                         "Tỉnh nhập mã vào bảng theo dõi; số liệu được ghi là tạm cho tới khi tệp báo cáo về."))
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.code_labels: list[QLabel] = []
        big = QFont("monospace")
        big.setStyleHint(QFont.StyleHint.Monospace)
        big.setPointSize(22)
        big.setBold(True)
        for c in codes:
            title = QLabel(_("Điểm {0}, ngày {1} (lần chốt {2})").format(
                c.point_code, c.day.strftime("%d/%m/%Y"), c.revision))
            title.setStyleSheet("font-weight: 600;")
            box.addWidget(title)
            short = _short()
            figures = QLabel(", ".join(f"{short[k]}: {v}" for k, v in c.totals.items() if k in short))
            box.addWidget(figures)
            row = QHBoxLayout()
            code = QLabel(c.code)
            code.setObjectName("dayCode")
            code.setFont(big)
            code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            code.setWordWrap(True)
            self.code_labels.append(code)
            row.addWidget(code, 1)
            row.addWidget(QrWidget(c.code, self))
            box.addLayout(row)
            copy = QPushButton(_("Sao chép mã"))
            copy.clicked.connect(lambda _checked=False, text=c.code: QGuiApplication.clipboard().setText(text))
            box.addWidget(copy, 0, Qt.AlignmentFlag.AlignLeft)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        box.addWidget(buttons)
