"""A full day driven through the widgets, and a long import that leaves the UI answering."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTime, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from common.idnumber import make
from desktop.services.due import search
from desktop.ui.operations import register as register_ops
from tests.support.qt import slot_children as _slot_children
from tests.support.qt import wait_idle

VILLAGES = ["Thôn Bình Ba", "Thôn Đông Hải", "Tổ dân phố Hòa Bình"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Đức", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nga", "Phúc", "Quyên", "Sơn",
         "Thảo", "Uyên", "Vy", "Xuân", "Yến", "Đạt", "Ánh"]


def write_csv(path: Path, n: int, start_serial: int = 700000) -> list[dict]:
    rows = []
    for i in range(n):
        year = 1960 + i % 45
        sex = "M" if i % 2 else "F"
        rows.append({
            "Họ và tên": f"{FAMILY[i % 8]} {MIDDLE[(i // 8) % 8]} {GIVEN[(i // 64) % 20]}",
            "Số định danh": make("056", year, sex, start_serial + i),
            "Ngày sinh": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{year}",
            "Giới tính": "Nam" if sex == "M" else "Nữ",
            "Thôn/Tổ dân phố": VILLAGES[i % 3],
            "Số điện thoại": f"09{i:08d}",
        })
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return rows


def test_full_day(qtbot, controller, window, tmp_path, monkeypatch):
    infos: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: infos.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: infos.append("WARN " + text))
    # a session today that has already ended (the test runs after 15:00) is created once confirmed
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    runner = controller.runner

    # 1. import a small list
    path = tmp_path / "danh_sach.csv"
    rows = write_csv(path, 12)
    controller.import_path(str(path))
    wait_idle(qtbot, runner)
    assert infos and infos[-1].startswith("Thêm mới: 12"), infos
    with controller.db.session() as s:
        assert search.count_citizens(s, search.CitizenQuery()) == 312
    qtbot.keyClicks(window.queue.search, rows[3]["Số định danh"])
    qtbot.waitUntil(lambda: window.queue.model.rowCount() >= 1
                    and window.queue.model.row_at(0).full_name == rows[3]["Họ và tên"], timeout=3000)

    # 2. create a session today at a mobile point
    window.tabs.setCurrentWidget(window.schedule)
    sched = window.schedule
    sched.point.setCurrentIndex(sched.point.count() - 1)
    sched.day.setDate(QDate.currentDate())
    sched.start.setTime(QTime(13, 0))
    sched.end.setTime(QTime(15, 0))
    sched.slot_minutes.setValue(30)
    sched.kits.setValue(3)
    sched.per_person.setValue(1)
    assert sched.capacity.text() == "90 người/khung × 4 khung = 360 người"
    n_before = sched.sessions.count()
    qtbot.mouseClick(sched.create_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: sched.sessions.count() == n_before + 1, timeout=3000)
    assert sched.session_id() is not None
    assert sched.tree.topLevelItemCount() == 4

    # 3. auto-assign due citizens
    qtbot.mouseClick(sched.assign_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: len(_slot_children(sched.tree)) > 2, timeout=5000)
    people = _slot_children(sched.tree)
    first, second = people[0], people[1]
    code, name = first.text(3), first.text(0)
    name2, appt2 = second.text(0), second.data(0, Qt.ItemDataRole.UserRole)

    # 3b. move the second person to the last slot with the keyboard action
    last_slot = sched.tree.topLevelItem(3).data(0, Qt.ItemDataRole.UserRole + 1)
    sched._move(appt2, last_slot)
    wait_idle(qtbot, runner)
    def moved():
        top = sched.tree.topLevelItem(3)
        return [top.child(j).text(3) for j in range(top.childCount()) if top.child(j).text(0) == name2]

    qtbot.waitUntil(lambda: bool(moved()), timeout=3000)
    code2 = moved()[0]  # a moved appointment gets a new slip code

    # 4. scan the slip into check-in (a barcode scanner types the code, then Enter)
    qtbot.mouseClick(sched.checkin_button, Qt.MouseButton.LeftButton)
    ci = window.checkin
    assert window.tabs.currentWidget() is ci
    assert ci.session_id() == sched.session_id()
    before = {k: ci.counter(k) for k in ("attended", "card_captured", "vneid_l2_captured", "no_show")}
    window.activateWindow()
    ci.input.setFocus()
    QTest.keyClicks(ci.input, code)
    QTest.keyClick(ci.input, Qt.Key.Key_Return)
    assert ci.current is not None and ci.current["full_name"] == name

    # 5. one-key actions: F5 attended, F6 card dossier, F7 VNeID L2
    for key, counter in ((Qt.Key.Key_F5, "attended"), (Qt.Key.Key_F6, "card_captured"),
                         (Qt.Key.Key_F7, "vneid_l2_captured")):
        QTest.keyClick(ci.input, key)
        wait_idle(qtbot, runner)
        qtbot.waitUntil(lambda c=counter: ci.counter(c) == before[c] + 1, timeout=3000)
    assert "✔" in ci.message.text()

    # 6. a no-show for the moved person
    ci.input.clear()
    QTest.keyClicks(ci.input, code2)
    QTest.keyClick(ci.input, Qt.Key.Key_Return)
    assert ci.current is not None and ci.current["code"] == code2
    qtbot.mouseClick(ci.action_buttons["no_show"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: ci.counter("no_show") == before["no_show"] + 1, timeout=3000)

    # 7. progress shows the day's numbers
    window.tabs.setCurrentWidget(window.progress)
    today_cards = int(window.progress.indicator_value("card_captured", 1).replace(".", ""))
    assert today_cards == ci.counter("card_captured")
    assert int(window.progress.indicator_value("no_show", 1)) == ci.counter("no_show")
    assert not [i for i in infos if i.startswith("WARN")]


def test_walk_in_errors_shown_next_to_fields(qtbot, controller, window):
    from desktop.ui.dialogs.walk_in import WalkInDialog

    dlg = WalkInDialog(window, ["Thôn Bình Ba"])
    qtbot.addWidget(dlg)
    dlg.inputs["full_name"].setText("Lê Văn Đến")
    dlg.inputs["id_number"].setText("0561")
    dlg.inputs["birth_date"].setText("31/02/1990")
    dlg._try_accept()
    assert dlg.result() != WalkInDialog.DialogCode.Accepted
    assert dlg.errors["id_number"].isVisibleTo(dlg) and dlg.errors["id_number"].text()
    assert not dlg.errors["full_name"].isVisibleTo(dlg)
    ci = window.checkin
    before = ci.counter("attended") or 0
    fields = {"full_name": "Lê Văn Đến", "id_number": make("056", 1990, "M", 912345), "birth_date": "05/06/1990",
              "sex": "M", "village": "Thôn Bình Ba", "phone": ""}
    window.tabs.setCurrentWidget(ci)
    ci._add_walk_in(fields)
    wait_idle(qtbot, controller.runner)
    qtbot.waitUntil(lambda: ci.counter("attended") == before + 1, timeout=3000)
    assert ci.current["full_name"] == "Lê Văn Đến"


def test_long_import_keeps_ui_answering(qtbot, controller, window, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    path = tmp_path / "lon.csv"
    write_csv(path, 4000, start_serial=100000)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(dt.datetime.now().timestamp()))
    progress: list[tuple[int, int]] = []
    timer.start()
    job = (controller.runner.op(register_ops.import_file(path), window)
           .progress(lambda d, t, _x: progress.append((d, t))).run())
    wait_idle(qtbot, controller.runner, timeout=120000)
    timer.stop()
    assert job.finished
    assert progress, "progress signal arrived"
    assert len(ticks) >= 5, "the GUI timer kept firing during the import"
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 1.0
    with controller.db.session() as s:
        assert search.count_citizens(s, search.CitizenQuery()) == 4300


def test_cancel_import(qtbot, controller, window, tmp_path):
    path = tmp_path / "huy.csv"
    write_csv(path, 3000, start_serial=200000)
    failures = []
    job = controller.runner.op(register_ops.import_file(path), window).failure(lambda e, tb: failures.append(e)).run()
    job.cancel()
    wait_idle(qtbot, controller.runner, timeout=60000)
    from desktop.services.importer import ImportCancelled

    assert failures and isinstance(failures[0], ImportCancelled)
