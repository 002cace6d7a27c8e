"""What can go wrong when the laptop sends to the hub, and the Vietnamese words the officer reads for it.

The sender (`client`) raises these; the desktop shows `message` as it is. Each class says what the sender
does next: stop and tell (AuthError), split (TooLarge), set aside (Rejected), or retry later (Transient).
"""

from __future__ import annotations

MSG_AUTH = (
    "Máy chưa được kết nối hoặc mã truy cập đã hết hạn. Hãy xin mã kết nối mới từ công an tỉnh "
    "rồi kết nối lại (enrollpoint connect). Báo cáo vẫn được giữ trên máy."
)
MSG_FORBIDDEN = (
    "Máy chưa được kết nối hoặc mã truy cập đã hết hạn: máy chủ tỉnh không chấp nhận chữ ký của máy này. "
    "Hãy kết nối lại bằng mã mới. Báo cáo vẫn được giữ trên máy."
)
MSG_UNREACHABLE = "Không kết nối được máy chủ tỉnh (mất mạng hoặc máy chủ đang tắt). Báo cáo vẫn được giữ lại để gửi sau."
MSG_CERTIFICATE = (
    "Chứng chỉ của máy chủ tỉnh không được tin cậy (không kiểm tra được chứng chỉ TLS, có thể tỉnh dùng chứng "
    "chỉ riêng của tỉnh): nhận tệp chứng chỉ của tỉnh rồi chạy lại với --ca-file TỆP (trong ứng dụng: «Chứng "
    "chỉ của tỉnh»). Báo cáo vẫn được giữ trên máy."
)
MSG_CERTIFICATE_EN = (
    "The province server's certificate is not trusted (TLS verification failed; the province may use its own "
    "certificate authority): get the province's certificate file and run again with --ca-file FILE (in the app: "
    "«Chứng chỉ của tỉnh»). The reports stay on the laptop."
)
MSG_NOT_THE_HUB = (
    "Có mạng nhưng không tới được máy chủ tỉnh (có thể mạng yêu cầu đăng nhập trước). Báo cáo vẫn được giữ lại "
    "để gửi sau."
)
MSG_TIMEOUT = "Máy chủ tỉnh không trả lời kịp. Báo cáo vẫn được giữ lại; gửi lại sau sẽ không bị tính trùng."
MSG_SERVER = "Máy chủ tỉnh đang gặp lỗi (mã {code}). Báo cáo vẫn được giữ lại để gửi sau."
MSG_REJECTED = "Máy chủ tỉnh từ chối báo cáo (mã {code}): {detail}"
MSG_TOO_LARGE = "Báo cáo quá lớn, máy chủ tỉnh không nhận."
MSG_BAD_ANSWER = "Máy chủ tỉnh trả lời không đúng định dạng. Báo cáo vẫn được giữ lại để gửi sau."
MSG_NOT_CONNECTED = "Máy chưa được kết nối với máy chủ tỉnh. Hãy chạy bước kết nối (enrollpoint connect)."
MSG_UNEXPECTED = "Gửi không thành công do lỗi không lường trước. Báo cáo vẫn được giữ lại để gửi sau."
MSG_ENROL_CODE = "Mã kết nối không đúng, đã dùng hoặc đã hết hạn. Hãy xin mã mới từ công an tỉnh."
MSG_REENROL_COMMUNE = (
    "Mã kết nối này thuộc một xã khác, không phải xã của máy này. Mã chưa bị dùng: hãy xin mã đúng xã "
    "rồi kết nối lại."
)
MSG_REENROL_PROOF = (
    "Máy chủ tỉnh không xác nhận được đây là máy đã kết nối trước đây (khóa ký của máy không khớp). Mã kết nối "
    "chưa bị dùng. Hãy báo cán bộ kỹ thuật; chỉ khi được hướng dẫn mới kết nối như một máy mới "
    "(enrollpoint connect … --new-device)."
)
MSG_REENROL_UNKNOWN = "Máy chủ tỉnh không biết máy này (mã máy cũ không có trên máy chủ). Mã kết nối chưa bị dùng."


# --- errors ---------------------------------------------------------------------------------------------


class SyncError(Exception):
    """A failure with a plain Vietnamese message for the officer."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class AuthError(SyncError):
    """401/403: stop the run and tell; retrying cannot help."""


class BatchIdConflict(SyncError):
    """409: the hub holds this batch id with other content."""


class TooLarge(SyncError):
    """413: split the batch."""


class Rejected(SyncError):
    """400/422 and other 4xx: this batch will not be accepted as it is."""


class EnrolRejected(Rejected):
    """The hub refused an enrolment; `field` says what (code, commune, previous_device_id, previous_proof...)."""

    def __init__(self, message: str, status: int | None = None, field: str = "") -> None:
        super().__init__(message, status)
        self.field = field


class Transient(SyncError):
    """Connection failure, timeout or 5xx: retry later. `never_sent` when the hub cannot have seen it."""

    def __init__(self, message: str, status: int | None = None, *, never_sent: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message, status)
        self.never_sent = never_sent
        self.retry_after = retry_after


class CertificateError(Transient):
    """TLS verification failed: the hub's certificate is not trusted by this laptop (a province CA not pinned,
    an expired or mismatched certificate). Nothing reached the hub; retrying without the province's CA file
    cannot help, so the words say what to do. `en`: the English words for the CLI's --lang en."""

    def __init__(self) -> None:
        super().__init__(MSG_CERTIFICATE, never_sent=True)
        self.en = MSG_CERTIFICATE_EN
