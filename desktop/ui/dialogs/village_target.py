"""`VillageTargetDialog`: set, change or clear one village's target for one indicator (set by the commune).

The current targets are read once (`village_targets.village_targets`); the spin box shows the village's
current number for the chosen indicator. Saving goes through ui/operations/targets.py (the service checks the
supervisor and writes the audit entry).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from desktop.ui.support import labels
from desktop.ui.support.combo import data_of
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator

_ = translator("VillageTargetDialog")


class VillageTargetDialog(QDialog):
    def __init__(self, app: AppContext, parent: QWidget | None = None, village_key: str | None = None) -> None:
        super().__init__(parent)
        from desktop.services.due import search
        from desktop.services.figures import village_targets

        self.setWindowTitle(_("Chỉ tiêu theo thôn/tổ"))
        self.setObjectName("villageTargetDialog")
        self.current = app.read(village_targets.village_targets)
        form = QFormLayout(self)
        form.addRow(QLabel(_("Chỉ tiêu do xã tự chia cho từng thôn/tổ (không gửi lên tỉnh).")))
        self.village = QComboBox(self)
        self.village.setObjectName("targetVillage")
        for key, name, _n in app.read(search.villages):
            self.village.addItem(name, key)
        if village_key is not None and (i := self.village.findData(village_key)) >= 0:
            self.village.setCurrentIndex(i)
        form.addRow(_("&Thôn/Tổ:"), self.village)
        self.indicator = QComboBox(self)
        self.indicator.setObjectName("targetIndicator")
        for code in village_targets.VILLAGE_INDICATORS:
            self.indicator.addItem(labels.indicator(code), code)
        form.addRow(_("Chỉ &tiêu:"), self.indicator)
        self.value = QSpinBox(self)
        self.value.setObjectName("targetValue")
        self.value.setRange(1, village_targets.MAX_TARGET)
        self.value.setGroupSeparatorShown(True)
        form.addRow(_("&Số cần đạt:"), self.value)
        self.clear = QCheckBox(_("&Xoá chỉ tiêu này của thôn"), self)
        self.clear.setObjectName("targetClear")
        self.clear.toggled.connect(lambda on: self.value.setEnabled(not on))
        form.addRow(self.clear)
        self.now = QLabel("")
        self.now.setObjectName("targetNow")
        form.addRow(self.now)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.village.currentIndexChanged.connect(lambda _i: self._show_current())
        self.indicator.currentIndexChanged.connect(lambda _i: self._show_current())
        self._show_current()

    def _show_current(self) -> None:
        have = self.current.get(data_of(self.village) or "", {}).get(self.indicator.currentData())
        if have:
            self.value.setValue(int(have))
            self.now.setText(_("Chỉ tiêu hiện tại: {0}").format(f"{int(have):,}".replace(",", ".")))
        else:
            self.now.setText(_("Thôn/tổ này chưa có chỉ tiêu này."))

    def chosen(self) -> tuple[str, str, int | None]:
        """(village name, indicator, value); value None means clear."""
        return (self.village.currentText(), str(self.indicator.currentData()),
                None if self.clear.isChecked() else int(self.value.value()))
