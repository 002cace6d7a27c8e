"""The hub CLI's words, by message id, in its two languages: Vietnamese (default) and English.

One language per run, like the laptop: `--lang en` or ENROLLPOINT_HUB_LANG=en gives English. Refusals carry
their own words (`province.errors.HubRefusal.words`); these are the CLI's own lines. `--json` output is for
programs and keeps its English keys in every language.
"""

from __future__ import annotations

from typing import Any

WORDS: dict[str, tuple[str, str]] = {
    # id: (Vietnamese, English)
    "init": ("Cơ sở dữ liệu máy chủ tỉnh sẵn sàng ({db}); {total} xã ({added} xã mới thêm).",
             "Hub database ready ({db}); {total} communes ({added} added)."),
    "commune.saved": ("Đã lưu xã {code} {name} (tỉnh {province}).",
                      "Commune {code} {name} (province {province}) saved."),
    "commune.imported": ("Đã thêm {added} xã; danh sách có {total} xã.",
                         "{added} communes added; {total} in the register."),
    "commune.none": ("Chưa có xã nào.", "No communes."),
    "target.saved": ("Chỉ tiêu {commune} {indicator} = {value}, hạn {deadline}.",
                     "Target {commune} {indicator} = {value} by {deadline}."),
    "target.none": ("Chưa có chỉ tiêu nào.", "No targets."),
    "enrol.code": ("{code}\n(mã kết nối dùng một lần cho xã {commune} {name}, hết hạn {expires})\n"
                   "Dấu khóa máy chủ tỉnh: {fingerprint} (đọc kèm mã kết nối; máy xã hiện đúng dấu này sau khi "
                   "kết nối)",
                   "{code}\n(one-time code for {commune} {name}, expires {expires})\n"
                   "Hub key fingerprint: {fingerprint} (read it out with the code; the laptop shows the same "
                   "after connecting)"),
    "enrol.replacement_code": ("{code}\n(mã THAY THẾ cho máy {device} «{device_name}» của xã {commune} {name}, hết hạn "
                               "{expires}: máy khôi phục từ bản sao lưu kết nối bằng mã này sẽ thay cho máy cũ)\n"
                               "Dấu khóa máy chủ tỉnh: {fingerprint} (đọc kèm mã; máy xã hiện đúng dấu này sau khi "
                               "kết nối)",
                               "{code}\n(REPLACEMENT code for laptop {device} «{device_name}» of {commune} {name}, "
                               "expires {expires}: a laptop restored from a backup that connects with it succeeds "
                               "the old one)\nHub key fingerprint: {fingerprint} (read it out with the code; the "
                               "laptop shows the same after connecting)"),
    "serve.ssl_pair": ("--ssl-certfile và --ssl-keyfile phải đi cùng nhau.",
                       "--ssl-certfile and --ssl-keyfile go together."),
    "device.none": ("Chưa có máy nào kết nối.", "No devices."),
    "device.held_state": ("CHỜ DUYỆT: {reason}", "HELD (waiting for approval): {reason}"),
    "device.approved": ("Đã duyệt máy {id}: báo cáo của máy được tính từ lần gửi tới.",
                        "Device {id} approved: its reports are counted from its next delivery."),
    "device.revoked": ("Đã thu hồi máy {id}.", "Device {id} revoked."),
    "device.active": ("đang dùng", "active"),
    "device.revoked_state": ("ĐÃ THU HỒI", "REVOKED"),
    "user.added": ("Đã thêm tài khoản {name} ({role}).", "User {name} ({role}) added."),
    "user.passwd": ("Đã đổi mật khẩu của {name}; các phiên đăng nhập của tài khoản đã kết thúc.",
                    "Password of {name} changed; their sessions ended."),
    "user.none": ("Chưa có tài khoản bảng theo dõi (thêm: user add TÊN --role admin).",
                  "No dashboard users (add one: user add NAME --role admin)."),
    "user.row": ("{name}\t{role}\t{state}\tđăng nhập gần nhất {last}", "{name}\t{role}\t{state}\tlast login {last}"),
    "user.scope_province": ("Chỉ xem và làm việc với các xã của tỉnh {province}.",
                            "Sees and acts on the communes of province {province} only."),
    "user.scope_communes": ("Chỉ xem các xã: {communes}.", "Sees these communes only: {communes}."),
    "user.scope_all": ("Xem toàn bộ máy chủ.", "Sees the whole hub."),
    "user.scope_set": ("Đã đổi phạm vi của tài khoản {name} ({role}); các phiên đăng nhập đã kết thúc.",
                       "Scope of user {name} ({role}) changed; its sessions ended."),
    "user.scope_conflict": ("--all không dùng cùng --province hoặc --communes.",
                            "--all cannot be combined with --province or --communes."),
    "user.scope_missing": ("Cần --province, --communes hoặc --all.", "Give --province, --communes or --all."),
    "user.disabled_state": ("ĐÃ KHÓA", "DISABLED"),
    "user.disabled": ("Đã khóa tài khoản {name}; các phiên đăng nhập đã kết thúc.",
                      "User {name} disabled; their sessions ended."),
    "user.enabled": ("Đã mở lại tài khoản {name} (xóa khóa tạm).", "User {name} enabled (lockout cleared)."),
    "user.link": ("{url}\n(dùng một lần, hiệu lực đến {expires})", "{url}\n(single use, valid until {expires})"),
    "password.prompt": ("Mật khẩu: ", "Password: "),
    "password.again": ("Nhập lại mật khẩu: ", "Password again: "),
    "password.none": ("Chưa nhập mật khẩu (đặt biến ENROLLPOINT_HUB_PASSWORD hoặc gõ mật khẩu).",
                      "No password given (set ENROLLPOINT_HUB_PASSWORD or type it)."),
    "password.differ": ("Hai lần nhập mật khẩu không giống nhau.", "The two passwords differ."),
    "serve": ("Máy chủ tỉnh EnrollPoint tại http://{host}:{port} ({db})",
              "EnrollPoint hub on http://{host}:{port} ({db})"),
    "serve.https": ("Máy chủ tỉnh EnrollPoint tại https://{host}:{port} ({db})",
                    "EnrollPoint hub on https://{host}:{port} ({db})"),
    "usage": ("Lệnh không đúng: {message} (xem {prog} --help)", "Wrong command: {message} (see {prog} --help)"),
    "db.unavailable": ("Cơ sở dữ liệu của máy chủ tỉnh đang bận hoặc không dùng được ({why}). Không lưu gì; hãy "
                       "thử lại.",
                       "The hub database is busy or unavailable ({why}). Nothing was stored; try again."),
    "interrupted": ("Đã dừng theo yêu cầu.", "Stopped on request."),
    # cli_ops
    "backup.prompt": ("Mật khẩu sao lưu: ", "Backup passphrase: "),
    "backup.again": ("Nhập lại mật khẩu sao lưu: ", "Backup passphrase again: "),
    "backup.none": ("Chưa nhập mật khẩu sao lưu (đặt ENROLLPOINT_HUB_BACKUP_PASSPHRASE, dùng --passphrase-fd hoặc "
                    "gõ mật khẩu).",
                    "No backup passphrase (set ENROLLPOINT_HUB_BACKUP_PASSPHRASE, use --passphrase-fd or type it)."),
    "backup.short": ("Mật khẩu sao lưu phải có từ {n} ký tự.", "The backup passphrase needs at least {n} characters."),
    "backup.fd": ("Không đọc được mật khẩu sao lưu từ mô tả tệp {fd}: {why}.",
                  "Cannot read the backup passphrase from file descriptor {fd}: {why}."),
    "backup.done": ("Đã sao lưu máy chủ tỉnh vào {path} (mã hóa; {devices} máy, {reports} báo cáo, {users} tài khoản). "
                    "Cất tệp và mật khẩu sao lưu ở hai nơi khác nhau.",
                    "Hub backed up to {path} (encrypted; {devices} devices, {reports} reports, {users} accounts). "
                    "Keep the file and the passphrase in two different places."),
    "restore.done": ("Đã khôi phục máy chủ tỉnh từ {path}: {devices} máy, {reports} báo cáo, {users} tài khoản. "
                     "Khởi động lại máy chủ (serve).",
                     "Hub restored from {path}: {devices} devices, {reports} reports, {users} accounts. Restart "
                     "the hub (serve)."),
    "audit.row": ("{at}\t{actor}\t{action}\txã {commune}\t{detail}", "{at}\t{actor}\t{action}\tcommune {commune}\t{detail}"),
    "audit.none": ("Không có mục nhật ký nào.", "No audit entries."),
    "device.reinstated": ("Đã mở lại máy {id}: máy gửi báo cáo được như trước.",
                          "Device {id} reinstated: it can send reports again."),
    "targets.imported": ("Đã nhập {count} chỉ tiêu từ {path} cho {communes} xã ({added} mới, {updated} thay giá trị cũ).",
                         "{count} targets imported from {path} for {communes} communes ({added} new, {updated} "
                         "replaced)."),
    "targets.checked": ("Tệp {path} hợp lệ: {count} chỉ tiêu cho {communes} xã (chưa lưu gì: bỏ --dry-run để nhập).",
                        "{path} is valid: {count} targets for {communes} communes (nothing stored: drop --dry-run "
                        "to import)."),
    "targets.sets_imported": ("Đã nhập {count} chỉ tiêu của {sets} bộ chỉ tiêu từ {path} cho {communes} xã.",
                              "{count} targets of {sets} target sets imported from {path} for {communes} communes."),
    "targets.sets_checked": ("Tệp {path} hợp lệ: {count} chỉ tiêu của {sets} bộ chỉ tiêu cho {communes} xã (chưa lưu "
                             "gì: bỏ --dry-run để nhập).",
                             "{path} is valid: {count} targets of {sets} target sets for {communes} communes "
                             "(nothing stored: drop --dry-run to import)."),
    # cli_files
    "rankings.published": ("Đã công bố xếp hạng ngày {day} của bộ chỉ tiêu {set_id}: {count} xã.",
                           "Published the ranking of target set {set_id} for {day}: {count} communes."),
    "rankings.kept": ("Xếp hạng ngày {day} của bộ chỉ tiêu {set_id} đã công bố trước đó: giữ nguyên.",
                      "The ranking of target set {set_id} for {day} was published before: kept as it was."),
    "rankings.no_sets": ("Chưa có bộ chỉ tiêu nào để xếp hạng.", "No target set to rank yet."),
    "groups.imported": ("Đã nhập {groups} nhóm ({rows} xã); nhóm cũ đã được thay.",
                        "Imported {groups} groups ({rows} communes); the previous grouping was replaced."),
    "groups.none": ("Chưa có nhóm xã nào (nhập: groups import TỆP.csv).", "No groups yet (groups import FILE.csv)."),
    "file.unreadable": ("Không đọc được tệp {path}: {why}.", "Cannot read {path}: {why}."),
    "file.unwritable": ("Không ghi được tệp {path}: {why}.", "Cannot write {path}: {why}."),
    "receipt.unwritable": ("Đã nhập dữ liệu, nhưng không ghi được biên nhận {path}: {why}.",
                           "Imported, but cannot write the receipt {path}: {why}."),
    "bundle.summary": ("{batches} lô từ máy {device} (xã {commune}): {imported} mới, {updated} cập nhật, "
                       "{ignored} trùng (bỏ qua), {conflicts} xung đột.",
                       "{batches} batches from device {device} (commune {commune}): {imported} imported, "
                       "{updated} updated, {ignored} ignored, {conflicts} conflicts."),
    "bundle.replayed": ("Lô {batch} ({reports} báo cáo): {already}.", "Batch {batch} ({reports} reports): {already}."),
    "bundle.receipt": ("Đã ghi biên nhận vào {path} (mang về máy xã).",
                       "Receipt written to {path} (carry it back to the commune laptop)."),
    "enrol.same": ("kết nối lại: vẫn là máy cũ (các ngày máy gửi lại không bị cộng hai lần)",
                   "re-enrolled: the same device (its re-sent days are not counted twice)"),
    "enrol.new": ("kết nối như MÁY MỚI: yêu cầu xin giữ mã máy {previous}, nhưng máy chủ tỉnh này không biết mã "
                  "đó (máy chủ khác hoặc máy chủ mới)",
                  "enrolled as a NEW device: the request asked to keep device {previous}, which this hub does "
                  "not know (another or a new hub)"),
    "enrol.first": ("đã kết nối", "enrolled"),
    "enrol.file": ("Máy {device} ({name}) của xã {commune}: {what}.\nDấu khóa máy chủ tỉnh (máy xã hiện đúng dấu "
                   "này): {fingerprint}\nĐã ghi tệp trả lời {path}: mang về máy xã (enrollpoint connect "
                   "--response-file).",
                   "Device {device} ({name}) of commune {commune} {what}.\nHub key fingerprint (the laptop shows "
                   "the same): {fingerprint}\nResponse written to {path}: carry it back to the laptop "
                   "(enrollpoint connect --response-file)."),
    "targets.file": ("Đã ghi {count} chỉ tiêu của xã {commune} {name} vào {path}.",
                     "Targets of {commune} {name} ({count}) written to {path}."),
    "daycode.stored": ("Đã lưu số liệu tạm (qua điện thoại)", "Stored as provisional (by phone)"),
    "daycode.duplicate": ("Mã này đã được nhận trước đó", "Already received"),
    "daycode.result": ("{status}: xã {commune} điểm {point} ngày {day} lần chốt {revision} (máy {device}): "
                       "{figures}.",
                       "{status}: commune {commune} point {point} {day} revision {revision} (device {device}): "
                       "{figures}."),
    "daycode.none": ("Chưa nhận mã ngày nào.", "No day codes received."),
    "report.saved": ("Đã lưu {count} mục cài đặt báo cáo.", "{count} report settings saved."),
    "report.setting": ("{key}: {value}", "{key}: {value}"),
    "daycode.row": ("{commune}\t{point}\t{day}\tlần {revision}\t{status}",
                    "{commune}\t{point}\t{day}\trevision {revision}\t{status}"),
    # cli_steering
    "calendar.cutoff": ("Giờ chốt báo cáo hằng ngày: {cutoff} (giờ Việt Nam); ngày làm việc: thứ Hai–thứ Sáu, trừ "
                        "và cộng các ngày dưới đây.",
                        "Daily cut-off: {cutoff} (Vietnam time); working days: Monday–Friday, less and plus the "
                        "days below."),
    "calendar.row_holiday": ("{day}	nghỉ	{note}", "{day}	day off	{note}"),
    "calendar.row_work": ("{day}	làm bù	{note}", "{day}	make-up working day	{note}"),
    "calendar.cutoff_set": ("Đã đặt giờ chốt báo cáo hằng ngày: {cutoff} (giờ Việt Nam).",
                            "Daily cut-off set to {cutoff} (Vietnam time)."),
    "calendar.holiday": ("Ngày {day} là ngày nghỉ: không xã nào phải báo cáo.",
                         "{day} is a day off: no report expected."),
    "calendar.workday": ("Ngày {day} là ngày làm bù: mọi xã có máy phải báo cáo.",
                         "{day} is a make-up working day: every commune with a laptop is expected to report."),
    "calendar.clear": ("Ngày {day} theo lịch thường (thứ Hai–thứ Sáu).", "{day} follows the Monday–Friday rule."),
    "leader.set": ("Lãnh đạo phụ trách xã {commune}: {name}.", "Leader of commune {commune}: {name}."),
    "leader.clear": ("Đã bỏ tên lãnh đạo phụ trách xã {commune}.", "Leader of commune {commune} cleared."),
    "leader.none": ("Chưa ghi tên lãnh đạo phụ trách xã nào.", "No leaders named."),
}


def say(lang: str, message_id: str, **params: Any) -> str:
    """The line `message_id` in `lang` ("en" English, anything else Vietnamese), with its parameters."""
    vi, en = WORDS[message_id]
    return (en if lang == "en" else vi).format(**params)
