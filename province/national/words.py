"""The CLI lines of `enrollpoint-hub national …`, Vietnamese and English, added to province.cli_words.WORDS
(kept here so the national commands stay in their own package)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "national.code": ("{code}\n(mã kết nối dùng một lần cho máy chủ tỉnh {province}, hết hạn {expires})\n"
                      "Dấu khóa máy chủ toàn quốc: {fingerprint}",
                      "{code}\n(one-time code for the hub of province {province}, expires {expires})\n"
                      "National hub key fingerprint: {fingerprint}"),
    "national.connected": ("Đã kết nối máy chủ toàn quốc {url} cho tỉnh {province}. Dấu khóa máy chủ toàn quốc: "
                           "{fingerprint} (so với dấu đọc kèm mã).",
                           "Connected to the national hub {url} for province {province}. National hub key "
                           "fingerprint: {fingerprint} (compare with the one read out with the code)."),
    "national.request": ("Đã ghi yêu cầu kết nối vào tệp {file}: mang tệp lên máy chủ toàn quốc (`national enrol-file`), "
                         "mang tệp trả lời về và chạy `national connect --answer TỆP --code … --province …`.",
                         "Enrolment request written to {file}: carry it to the national hub (`national enrol-file`), "
                         "bring the answer file back and run `national connect --answer FILE --code … --province …`."),
    "national.answered": ("Đã kết nối máy chủ tỉnh {province} bằng tệp; tệp trả lời: {answer}. Dấu khóa máy chủ toàn "
                          "quốc: {fingerprint}.",
                          "Province hub {province} enrolled by file; answer file: {answer}. National hub key "
                          "fingerprint: {fingerprint}."),
    "national.sent": ("Đã gửi {batches} lô ({rows} dòng xã-ngày) lên máy chủ toàn quốc; {stored} dòng mới hoặc "
                      "sửa, {duplicates} lô đã nhận từ trước.",
                      "Sent {batches} batches ({rows} commune-days) to the national hub; {stored} new or revised, "
                      "{duplicates} batches already received."),
    "national.nothing": ("Không có số liệu mới để gửi lên máy chủ toàn quốc.", "Nothing new to send to the national hub."),
    "national.file": ("Đã ghi {batches} lô số liệu vào tệp {file}: mang tệp lên máy chủ toàn quốc, rồi mang tệp biên "
                      "nhận về và chạy `national receipt`.",
                      "{batches} batches written to {file}: carry it to the national hub, bring the receipts file "
                      "back and run `national receipt`."),
    "national.imported": ("Đã nhận {batches} lô ({stored} dòng xã-ngày mới hoặc sửa, {duplicates} lô đã nhận từ "
                          "trước); biên nhận: {receipt}.",
                          "{batches} batches imported ({stored} commune-days new or revised, {duplicates} already "
                          "received); receipts: {receipt}."),
    "national.receipts": ("{count} lô đã được máy chủ toàn quốc xác nhận.", "{count} batches acknowledged by the national hub."),
    "national.status": ("Vai trò: {role}; máy chủ toàn quốc: {url}; tỉnh: {province}; lô chờ gửi: {pending}.",
                        "Role: {role}; national hub: {url}; province: {province}; batches waiting: {pending}."),
}
