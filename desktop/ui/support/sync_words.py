"""The province link's failures in the app's own words and language.

`sync/failures.py` holds one Vietnamese sentence per failure for the sender, and the CLI prints it as it is
(naming `enrollpoint connect`, the CLI's step). In the app the same failure names the menu path instead
and reads in the interface's language: `app_words(text)` maps a known sentence (Vietnamese, or the English
the services give with `en=`) to the app's wording; any other text is returned unchanged.
"""

from __future__ import annotations

import re

from desktop.ui.support.lang import translator
from sync import failures as f

_ = translator("SyncWords")


def _fixed() -> dict[str, str]:
    from desktop.services.province_link.hub_link import MSG_NOT_CONNECTED_EN

    connect = _("Hãy kết nối: menu Đồng bộ → Kết nối bằng tệp (không có mạng)…")
    not_connected = _("Máy chưa được kết nối với máy chủ tỉnh.") + " " + connect
    return {
        f.MSG_NOT_CONNECTED: not_connected,
        MSG_NOT_CONNECTED_EN: not_connected,
        f.MSG_AUTH: _("Máy chưa được kết nối hoặc mã truy cập đã hết hạn. Hãy xin mã kết nối mới từ công an tỉnh "
                      "rồi kết nối lại: menu Đồng bộ → Kết nối bằng tệp (không có mạng)…. Báo cáo vẫn được giữ "
                      "trên máy."),
        f.MSG_FORBIDDEN: _("Máy chưa được kết nối hoặc mã truy cập đã hết hạn: máy chủ tỉnh không chấp nhận chữ ký "
                           "của máy này. Hãy kết nối lại bằng mã mới. Báo cáo vẫn được giữ trên máy."),
        f.MSG_UNREACHABLE: _("Không kết nối được máy chủ tỉnh (mất mạng hoặc máy chủ đang tắt). Báo cáo vẫn được "
                             "giữ lại để gửi sau."),
        f.MSG_NOT_THE_HUB: _("Có mạng nhưng không tới được máy chủ tỉnh (có thể mạng yêu cầu đăng nhập trước). "
                             "Báo cáo vẫn được giữ lại để gửi sau."),
        f.MSG_TIMEOUT: _("Máy chủ tỉnh không trả lời kịp. Báo cáo vẫn được giữ lại; gửi lại sau sẽ không bị tính "
                         "trùng."),
        f.MSG_TOO_LARGE: _("Báo cáo quá lớn, máy chủ tỉnh không nhận."),
        f.MSG_BAD_ANSWER: _("Máy chủ tỉnh trả lời không đúng định dạng. Báo cáo vẫn được giữ lại để gửi sau."),
        f.MSG_UNEXPECTED: _("Gửi không thành công do lỗi không lường trước. Báo cáo vẫn được giữ lại để gửi sau."),
        f.MSG_ENROL_CODE: _("Mã kết nối không đúng, đã dùng hoặc đã hết hạn. Hãy xin mã mới từ công an tỉnh."),
    }


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """The sentences with a field ({code}, {detail}) as patterns and the app's sentence for each."""
    return [
        (re.compile(re.escape(f.MSG_SERVER).replace(re.escape("{code}"), r"(?P<code>\S+)") + "$"),
         _("Máy chủ tỉnh đang gặp lỗi (mã {code}). Báo cáo vẫn được giữ lại để gửi sau.")),
        (re.compile(re.escape(f.MSG_REJECTED).replace(re.escape("{code}"), r"(?P<code>\S+)")
                    .replace(re.escape("{detail}"), r"(?P<detail>.*)") + "$", re.S),
         _("Máy chủ tỉnh từ chối báo cáo (mã {code}): {detail}")),
    ]


def app_words(text: str) -> str:
    """`text` as the app says it (menu path, interface language) when it is a known sync sentence."""
    if not text:
        return text
    fixed = _fixed().get(text.strip())
    if fixed is not None:
        return fixed
    for pattern, words in _patterns():
        m = pattern.match(text.strip())
        if m:
            return words.format(**m.groupdict())
    return text
