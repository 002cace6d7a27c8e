<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="vi">
<context>
    <name>AuditActions</name>
    <message>
        <source>&amp;Nhật ký thao tác…</source>
        <translation>&amp;Audit trail…</translation>
    </message>
    <message>
        <source>xem nhật ký thao tác</source>
        <translation>view the audit trail</translation>
    </message>
    <message>
        <source>Nhật ký thao tác</source>
        <translation>Audit trail</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>Thời gian</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Cán bộ</source>
        <translation>Officer</translation>
    </message>
    <message>
        <source>Thao tác</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Đối tượng</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>Mã</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Chi tiết</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Làm mới</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Tất cả</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Cán bộ:</source>
        <translation>Officer:</translation>
    </message>
    <message>
        <source>%n dòng</source>
        <translation>%n rows</translation>
    </message>
</context>
<context>
    <name>AutoSend</name>
    <message>
        <source>Tự gửi đang tắt</source>
        <translation>Sending by itself is off</translation>
    </message>
    <message>
        <source>Chưa tự gửi được: {0}</source>
        <translation>Could not send by itself: {0}</translation>
    </message>
    <message>
        <source>lỗi không lường trước.</source>
        <translation>unexpected error.</translation>
    </message>
    <message>
        <source>Đang chờ mạng (thử lại sau {0} giây)</source>
        <translation>Waiting for the network (trying again in {0} s)</translation>
    </message>
    <message>
        <source>Chưa tự gửi được lúc {0}: {1} Sẽ thử lại lúc {2}.</source>
        <translation>Could not send by itself at {0}: {1} Will try again at {2}.</translation>
    </message>
    <message>
        <source>Đã gửi lúc {0} ({1} ngày)</source>
        <translation>Sent at {0} ({1} days)</translation>
    </message>
</context>
<context>
    <name>Chart</name>
    <message>
        <source>Trong ngày (cột, người)</source>
        <translation>Each day (bars, people)</translation>
    </message>
    <message>
        <source>Luỹ kế (đường, người)</source>
        <translation>Running total (lines, people)</translation>
    </message>
    <message>
        <source>Biểu đồ theo ngày</source>
        <translation>Chart by day</translation>
    </message>
    <message>
        <source>Chưa có số liệu theo ngày</source>
        <translation>No daily figures yet</translation>
    </message>
</context>
<context>
    <name>CheckinView</name>
    <message>
        <source>Hôm nay — toàn xã</source>
        <translation>Today — whole commune</translation>
    </message>
    <message>
        <source>Đã đến</source>
        <translation>Attended</translation>
    </message>
    <message>
        <source>Thu hồ sơ thẻ căn cước</source>
        <translation>Card dossier captured</translation>
    </message>
    <message>
        <source>Thu VNeID mức 2</source>
        <translation>VNeID L2 captured</translation>
    </message>
    <message>
        <source>Vắng mặt</source>
        <translation>No-show</translation>
    </message>
    <message>
        <source>Hôm nay tại {0}</source>
        <translation>Today at {0}</translation>
    </message>
    <message>
        <source>&amp;Buổi:</source>
        <translation>&amp;Session:</translation>
    </message>
    <message>
        <source>Quét phiếu, gõ tên / số định danh</source>
        <translation>Scan a slip, or type a name / ID</translation>
    </message>
    <message>
        <source>Quét mã trên phiếu hẹn, hoặc gõ tên / số định danh rồi Enter</source>
        <translation>Scan the slip&apos;s code, or type a name / ID number, then Enter</translation>
    </message>
    <message>
        <source>&amp;Quét / tìm:</source>
        <translation>Sc&amp;an / search:</translation>
    </message>
    <message>
        <source>Người đến trực tiế&amp;p (Ctrl+N)</source>
        <translation>&amp;Walk-in (Ctrl+N)</translation>
    </message>
    <message>
        <source>Công dân</source>
        <translation>Citizen</translation>
    </message>
    <message>
        <source>Chưa chọn ai</source>
        <translation>Nobody selected</translation>
    </message>
    <message>
        <source>Hôm nay</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>không có lịch hẹn</source>
        <translation>no appointment</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Ngày sinh</source>
        <translation>Born</translation>
    </message>
    <message>
        <source>Số định danh</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Thôn/Tổ</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>Giờ hẹn</source>
        <translation>Slot</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Không có buổi nào hôm nay (ghi tại trụ sở)</source>
        <translation>No session today (recorded at the office)</translation>
    </message>
    <message>
        <source>Chưa chọn công dân: hãy quét phiếu hoặc tìm trước.</source>
        <translation>No citizen selected: scan a slip or search first.</translation>
    </message>
    <message>
        <source>↶ Đã hủy “{0}” của {1}; trạng thái: {2}.</source>
        <translation>↶ Undone “{0}” for {1}; status: {2}.</translation>
    </message>
    <message>
        <source>Sinh {birth} · {village}
Số định danh: {idn}
Giờ hẹn: {slot} · {status}</source>
        <translation>Born {birth} · {village}
ID number: {idn}
Slot: {slot} · {status}</translation>
    </message>
    <message>
        <source>✔ Đã ghi “{0}” cho {1}.</source>
        <translation>✔ Recorded “{0}” for {1}.</translation>
    </message>
    <message>
        <source>✔ Đã thêm {0} và ghi đã đến.</source>
        <translation>✔ Added {0} and marked attended.</translation>
    </message>
    <message>
        <source>Không tìm thấy “{0}”.</source>
        <translation>Nothing found for “{0}”.</translation>
    </message>
    <message>
        <source>{0} kết quả: chọn bằng phím mũi tên.</source>
        <translation>{0} results: choose with the arrow keys.</translation>
    </message>
    <message>
        <source>(chưa có)</source>
        <translation>(none)</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>Chọn danh sách công dân</source>
        <translation>Choose a citizen list</translation>
    </message>
    <message>
        <source>Bảng tính (*.xlsx *.xls *.csv);;Tất cả (*)</source>
        <translation>Spreadsheets (*.xlsx *.xls *.csv);;All files (*)</translation>
    </message>
    <message>
        <source>Đã nhập danh sách</source>
        <translation>List imported</translation>
    </message>
    <message>
        <source>Thêm mới: {0}
Cập nhật: {1}
Không đổi: {2}
Cảnh báo: {3}
Lỗi: {4}
Có thể trùng: {5}</source>
        <translation>New: {0}
Updated: {1}
Unchanged: {2}
Warnings: {3}
Errors: {4}
Possible duplicates: {5}</translation>
    </message>
    <message>
        <source> (xã mẫu)</source>
        <translation> (demo commune)</translation>
    </message>
    <message>
        <source>Thiết lập xã/phường</source>
        <translation>Commune set-up</translation>
    </message>
    <message>
        <source>Báo cáo chi tiết: {0}</source>
        <translation>Detailed report: {0}</translation>
    </message>
    <message>
        <source>Đang nhập danh sách…</source>
        <translation>Importing the list…</translation>
    </message>
</context>
<context>
    <name>DayClose</name>
    <message>
        <source>Chốt số liệu ngày</source>
        <translation>Close the day&apos;s figures</translation>
    </message>
    <message>
        <source>Khi chốt, các số liệu trên (chỉ số đếm, không có thông tin cá nhân) được xếp hàng để gửi lên công an tỉnh.</source>
        <translation>When closed, the figures above (counts only, no personal data) are queued to be sent to the provincial police.</translation>
    </message>
    <message>
        <source>&amp;Chốt và gửi lên tỉnh</source>
        <translation>&amp;Close and send to the province</translation>
    </message>
    <message>
        <source>Chỉ tiêu</source>
        <translation>Indicator</translation>
    </message>
</context>
<context>
    <name>DayCodeDialog</name>
    <message>
        <source>Thẻ căn cước</source>
        <translation>ID card</translation>
    </message>
    <message>
        <source>VNeID mức 2</source>
        <translation>VNeID L2</translation>
    </message>
    <message>
        <source>Kích hoạt VNeID</source>
        <translation>VNeID activation</translation>
    </message>
    <message>
        <source>Đến</source>
        <translation>Attended</translation>
    </message>
    <message>
        <source>Vắng</source>
        <translation>No-show</translation>
    </message>
    <message>
        <source>Mã QR của mã ngày</source>
        <translation>QR code of the day code</translation>
    </message>
    <message>
        <source>Mã số liệu ngày (đọc qua điện thoại / SMS)</source>
        <translation>Day code (read over the phone / SMS)</translation>
    </message>
    <message>
        <source>Đọc mã này cho công an tỉnh qua điện thoại, hoặc gửi nguyên mã bằng một tin nhắn SMS. Tỉnh nhập mã vào bảng theo dõi; số liệu được ghi là tạm cho tới khi tệp báo cáo về.</source>
        <translation>Read this code to the province police over the phone, or send it whole in one SMS. The province types it into the dashboard; the figures count as provisional until the report file arrives.</translation>
    </message>
    <message>
        <source>Sao chép mã</source>
        <translation>Copy code</translation>
    </message>
    <message>
        <source>Điểm {0}, ngày {1} (lần chốt {2})</source>
        <translation>Point {0}, day {1} (close {2})</translation>
    </message>
</context>
<context>
    <name>EnrolByFileDialog</name>
    <message>
        <source>Không thực hiện được do lỗi không lường trước (đã ghi vào nhật ký). Không có gì được thay đổi.</source>
        <translation>Could not be done because of an unexpected error (written to the log). Nothing was changed.</translation>
    </message>
    <message>
        <source>Kết nối bằng tệp (không có mạng)</source>
        <translation>Connect by file (no network)</translation>
    </message>
    <message>
        <source>Dùng khi xã không có mạng: máy ghi một tệp yêu cầu, cán bộ mang tệp (USB) lên công an tỉnh, tỉnh trả lại một tệp trả lời; mở tệp đó ở bước 2 là máy được kết nối.</source>
        <translation>For a commune with no network: the laptop writes a request file, an officer carries it (USB stick) to the provincial police, the province gives back a response file; opening it in step 2 connects the laptop.</translation>
    </message>
    <message>
        <source>Bước 1: ghi tệp yêu cầu kết nối</source>
        <translation>Step 1: write the connection request file</translation>
    </message>
    <message>
        <source>Chọn nơi lưu…</source>
        <translation>Choose where to save…</translation>
    </message>
    <message>
        <source>Ghi tệp yêu cầu</source>
        <translation>Write request file</translation>
    </message>
    <message>
        <source>&amp;Mã kết nối một lần:</source>
        <translation>&amp;One-time connection code:</translation>
    </message>
    <message>
        <source>&amp;Tên máy:</source>
        <translation>Laptop &amp;name:</translation>
    </message>
    <message>
        <source>&amp;Lưu tệp yêu cầu vào:</source>
        <translation>&amp;Save request file to:</translation>
    </message>
    <message>
        <source>Bước 2: mở tệp trả lời của tỉnh</source>
        <translation>Step 2: open the province&apos;s response file</translation>
    </message>
    <message>
        <source>(chỉ khi tỉnh cấp tệp chứng chỉ .pem/.crt)</source>
        <translation>(.pem/.crt, if the province gives one)</translation>
    </message>
    <message>
        <source>Chọn tệp…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>C&amp;hứng chỉ của tỉnh:</source>
        <translation>Province c&amp;ertificate:</translation>
    </message>
    <message>
        <source>Mở tệp trả lời…</source>
        <translation>Open response file…</translation>
    </message>
    <message>
        <source>Lưu tệp yêu cầu kết nối (vào USB)</source>
        <translation>Save the connection request file (to a USB stick)</translation>
    </message>
    <message>
        <source>Tệp JSON (*.json)</source>
        <translation>JSON files (*.json)</translation>
    </message>
    <message>
        <source>Đang ghi tệp yêu cầu…</source>
        <translation>Writing the request file…</translation>
    </message>
    <message>
        <source>Mở tệp trả lời kết nối của tỉnh</source>
        <translation>Open the province&apos;s connection response file</translation>
    </message>
    <message>
        <source>Chứng chỉ của tỉnh</source>
        <translation>Province certificate</translation>
    </message>
    <message>
        <source>Chứng chỉ (*.pem *.crt *.cer);;Mọi tệp (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <source>Đang kiểm tra tệp trả lời…</source>
        <translation>Checking the response file…</translation>
    </message>
    <message>
        <source>Chưa có yêu cầu nào đang chờ: hãy làm bước 1 trước.</source>
        <translation>No request is waiting: do step 1 first.</translation>
    </message>
    <message>
        <source>Hãy nhập mã kết nối một lần do công an tỉnh cấp.</source>
        <translation>Enter the one-time connection code given by the provincial police.</translation>
    </message>
    <message>
        <source>Hãy chọn nơi lưu tệp yêu cầu (thường là USB).</source>
        <translation>Choose where to save the request file (usually a USB stick).</translation>
    </message>
    <message>
        <source>Đã ghi nhận chứng chỉ của tỉnh: máy tin máy chủ tỉnh theo chứng chỉ này.</source>
        <translation>The province&apos;s certificate is pinned: this laptop trusts the province server by that certificate.</translation>
    </message>
    <message>
        <source>Đã kết nối bằng tệp: xã {0} {1}, mã máy {2}. Khóa của máy chủ tỉnh đã được ghi nhận (ghim) để kiểm tra biên nhận và tệp chỉ tiêu; đã nhận {3} chỉ tiêu. Từ nay có thể gửi báo cáo bằng tệp USB («Xuất tệp USB…»).</source>
        <translation>Connected by file: commune {0} {1}, device id {2}. The provincial hub&apos;s key is pinned to check receipts and targets files; {3} targets received. From now on reports can be sent by USB file («Export USB file…»).</translation>
    </message>
    <message>
        <source>Đã ghi tệp yêu cầu (máy «{0}», xã {1}) lúc {2} vào {3}. Đang chờ tệp trả lời của tỉnh.</source>
        <translation>The request file (laptop «{0}», commune {1}) was written at {2} to {3}. Waiting for the province&apos;s response file.</translation>
    </message>
    <message>
        <source>Đã ghi tệp yêu cầu vào {0}. Mang tệp này (trong USB) lên công an tỉnh; mã kết nối không nằm trong tệp và không cần mang theo. Tỉnh sẽ trả lại một tệp trả lời: khi có, mở lại mục này và bấm «Mở tệp trả lời…».</source>
        <translation>The request file was written to {0}. Carry this file (on the USB stick) to the provincial police; the connection code is not in the file and need not be carried. The province will give back a response file: when you have it, open this again and click «Open response file…».</translation>
    </message>
</context>
<context>
    <name>EnrolFirst</name>
    <message>
        <source>&amp;Kết nối bằng tệp…</source>
        <translation>&amp;Connect by file…</translation>
    </message>
    <message>
        <source>Máy chưa được kết nối với máy chủ tỉnh nên chưa thể {0}. Hãy kết nối máy trước: không cần mạng, chỉ cần mã kết nối một lần do công an tỉnh cấp.</source>
        <translation>This laptop is not connected to the province server yet, so it cannot {0}. Connect it first: no network is needed, only the one-time connection code from the provincial police.</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Lỗi không mong muốn</source>
        <translation>Unexpected error</translation>
    </message>
    <message>
        <source>Đã xảy ra lỗi chương trình. Dữ liệu đã lưu không bị ảnh hưởng. Hãy sao chép nội dung dưới đây và gửi cho bộ phận kỹ thuật.</source>
        <translation>A program error occurred. Saved data is not affected. Copy the text below and send it to technical support.</translation>
    </message>
    <message>
        <source>&amp;Sao chép</source>
        <translation>&amp;Copy</translation>
    </message>
    <message>
        <source>Không thực hiện được</source>
        <translation>Could not be done</translation>
    </message>
</context>
<context>
    <name>Extensions</name>
    <message>
        <source>Chỉ người phụ trách mới được {0}. Hãy đăng nhập bằng tài khoản người phụ trách.</source>
        <translation>Only a supervisor may {0}. Log in with a supervisor account.</translation>
    </message>
    <message>
        <source>&amp;Ngày:</source>
        <translation>&amp;Date:</translation>
    </message>
    <message>
        <source>Đ&amp;iểm thu nhận:</source>
        <translation>Enrollment &amp;point:</translation>
    </message>
    <message>
        <source>Tất cả các điểm</source>
        <translation>All points</translation>
    </message>
    <message>
        <source>Tất cả</source>
        <translation>All</translation>
    </message>
    <message>
        <source>&amp;Thôn/Tổ:</source>
        <translation>&amp;Village:</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <source>Thiết lập lần đầu — EnrollPoint</source>
        <translation>First-run set-up — EnrollPoint</translation>
    </message>
    <message>
        <source>Chọn xã/phường/đặc khu mà máy này phục vụ và khai báo các điểm thu nhận. Có thể dùng xã mẫu để làm quen trước.</source>
        <translation>Choose the commune this laptop serves and declare its enrollment points. You can try a demo commune first.</translation>
    </message>
    <message>
        <source>Xã/phường</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Gõ tên xã, tỉnh hoặc mã (không cần dấu)…</source>
        <translation>Type a commune, province or code (marks optional)…</translation>
    </message>
    <message>
        <source>&amp;Tìm xã/phường:</source>
        <translation>&amp;Find commune:</translation>
    </message>
    <message>
        <source>Điểm thu nhận (điểm đầu tiên là trụ sở)</source>
        <translation>Enrollment points (the first is the office)</translation>
    </message>
    <message>
        <source>Trụ sở Công an xã</source>
        <translation>Commune police office</translation>
    </message>
    <message>
        <source>Thêm đ&amp;iểm</source>
        <translation>Add &amp;point</translation>
    </message>
    <message>
        <source>&amp;Xoá điểm</source>
        <translation>&amp;Remove point</translation>
    </message>
    <message>
        <source>Dùng xã &amp;mẫu (dữ liệu thử)</source>
        <translation>Use a &amp;demo commune (test data)</translation>
    </message>
    <message>
        <source>&amp;Bắt đầu với xã đã chọn</source>
        <translation>&amp;Start with the chosen commune</translation>
    </message>
    <message>
        <source>T&amp;hoát</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>Mã</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Tên điểm</source>
        <translation>Point name</translation>
    </message>
    <message>
        <source>Địa chỉ</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Chưa chọn xã</source>
        <translation>No commune chosen</translation>
    </message>
    <message>
        <source>Hãy chọn xã/phường trong danh sách.</source>
        <translation>Choose a commune in the list.</translation>
    </message>
    <message>
        <source>Chưa có điểm</source>
        <translation>No point</translation>
    </message>
    <message>
        <source>Cần ít nhất một điểm thu nhận (mã và tên).</source>
        <translation>At least one enrollment point (code and name) is needed.</translation>
    </message>
    <message>
        <source>Điểm lưu động</source>
        <translation>Mobile point</translation>
    </message>
    <message>
        <source>Đang tạo xã mẫu…</source>
        <translation>Creating the demo commune…</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Không theo điểm</source>
        <translation>No point (commune)</translation>
    </message>
    <message>
        <source>Đã đến</source>
        <translation>Attended</translation>
    </message>
    <message>
        <source>Vắng mặt</source>
        <translation>No-show</translation>
    </message>
    <message>
        <source>Thu hồ sơ thẻ căn cước</source>
        <translation>Card dossier captured</translation>
    </message>
    <message>
        <source>Đã có thẻ căn cước</source>
        <translation>Has ID card</translation>
    </message>
    <message>
        <source>Đã trả thẻ căn cước</source>
        <translation>ID card handed over</translation>
    </message>
    <message>
        <source>Đã đăng ký VNeID mức 2 ở nơi khác</source>
        <translation>VNeID level 2 registered elsewhere</translation>
    </message>
    <message>
        <source>Thu hồ sơ VNeID mức 2</source>
        <translation>VNeID L2 dossier captured</translation>
    </message>
    <message>
        <source>VNeID đã duyệt</source>
        <translation>VNeID approved</translation>
    </message>
    <message>
        <source>Đã kích hoạt VNeID</source>
        <translation>VNeID activated</translation>
    </message>
    <message>
        <source>Tạm hoãn</source>
        <translation>Defer</translation>
    </message>
    <message>
        <source>Từ chối</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>Không thuộc diện</source>
        <translation>Ineligible</translation>
    </message>
    <message>
        <source>Đã chuyển đi</source>
        <translation>Moved away</translation>
    </message>
    <message>
        <source>Đã mất</source>
        <translation>Deceased</translation>
    </message>
    <message>
        <source>Khôi phục</source>
        <translation>Reinstate</translation>
    </message>
    <message>
        <source>Đã hẹn</source>
        <translation>Booked</translation>
    </message>
    <message>
        <source>Hẹn lại</source>
        <translation>Rescheduled</translation>
    </message>
    <message>
        <source>Cấp thẻ lần đầu</source>
        <translation>First card</translation>
    </message>
    <message>
        <source>Đổi thẻ (đến tuổi)</source>
        <translation>Card renewal (age)</translation>
    </message>
    <message>
        <source>Đăng ký VNeID mức 2</source>
        <translation>VNeID L2 registration</translation>
    </message>
    <message>
        <source>Kích hoạt VNeID</source>
        <translation>VNeID activation</translation>
    </message>
</context>
<context>
    <name>LoginActions</name>
    <message>
        <source>Máy này không có kho khóa bảo mật của hệ điều hành (Windows Credential Manager, GNOME Keyring hoặc KWallet): cơ sở dữ liệu CHƯA được mã hoá. Không dùng máy này cho dữ liệu thật.</source>
        <translation>This computer has no secure operating-system keyring (Windows Credential Manager, GNOME Keyring or KWallet): the database is NOT encrypted. Do not use this computer for real data.</translation>
    </message>
    <message>
        <source>Dữ liệu chưa được mã hoá</source>
        <translation>Data not encrypted</translation>
    </message>
    <message>
        <source>Khóa khôi phục</source>
        <translation>Recovery key</translation>
    </message>
    <message>
        <source>Đổi &amp;cán bộ…</source>
        <translation>Switch &amp;officer…</translation>
    </message>
    <message>
        <source>Cơ sở dữ liệu vừa được mã hoá. KHÓA KHÔI PHỤC (ghi lại trên giấy, cất xa máy; chỉ hiện một lần):</source>
        <translation>The database has just been encrypted. RECOVERY KEY (write it on paper, keep it away from the laptop; shown only once):</translation>
    </message>
    <message>
        <source>Cán bộ: {0}</source>
        <translation>Officer: {0}</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>4–8 chữ số</source>
        <translation>4–8 digits</translation>
    </message>
    <message>
        <source>Đăng nhập EnrollPoint</source>
        <translation>Log in to EnrollPoint</translation>
    </message>
    <message>
        <source>Đăng nhập</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>Thoát</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Cán bộ:</source>
        <translation>Officer:</translation>
    </message>
    <message>
        <source>Mã PIN:</source>
        <translation>PIN:</translation>
    </message>
    <message>
        <source>Có thể đăng nhập lại.</source>
        <translation>You can log in again.</translation>
    </message>
    <message>
        <source>Tạo tài khoản người phụ trách</source>
        <translation>Create the supervisor account</translation>
    </message>
    <message>
        <source>Xã mẫu đã sẵn sàng. Bước cuối: tạo tài khoản người phụ trách để dùng thử. Nhập họ tên của bạn, chọn một mã PIN 4–8 chữ số (ví dụ 1234) và nhập lại lần nữa, rồi bấm «Tạo tài khoản». Lần sau mở EnrollPoint, chọn tên này và nhập mã PIN để đăng nhập.</source>
        <translation>The demo commune is ready. Last step: create a supervisor account to try the app. Type your name, choose a PIN of 4–8 digits (for example 1234), type it again, then press “Create account”. Next time you open EnrollPoint, choose this name and type the PIN to log in.</translation>
    </message>
    <message>
        <source>Lần chạy đầu tiên: tạo tài khoản người phụ trách. Chỉ người phụ trách được chốt ngày, sửa ngày đã chốt, đổi cài đặt và thêm cán bộ. Nhập họ tên, chọn mã PIN 4–8 chữ số và nhập lại lần nữa. Mỗi lần mở EnrollPoint sẽ hỏi tên và mã PIN.</source>
        <translation>First start: create the supervisor account. Only a supervisor may close a day, correct a closed day, change settings and add officers. Type the name, choose a PIN of 4–8 digits and type it again. EnrollPoint asks for the name and PIN every time it opens.</translation>
    </message>
    <message>
        <source>Họ tên:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Nhập lại PIN:</source>
        <translation>Repeat PIN:</translation>
    </message>
    <message>
        <source>Tạo tài khoản</source>
        <translation>Create account</translation>
    </message>
    <message>
        <source>Hãy chọn tên cán bộ.</source>
        <translation>Choose an officer.</translation>
    </message>
    <message>
        <source>ví dụ: Nguyễn Văn An</source>
        <translation>for example: Nguyễn Văn An</translation>
    </message>
    <message>
        <source>Hai lần nhập mã PIN không khớp.</source>
        <translation>The two PINs differ.</translation>
    </message>
    <message>
        <source>KHÓA KHÔI PHỤC (ghi lại trên giấy, cất xa máy; chỉ hiện một lần):</source>
        <translation>RECOVERY KEY (write it on paper, keep it away from the laptop; shown only once):</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Nhập danh sách từ tệp…</source>
        <translation>&amp;Import list from file…</translation>
    </message>
    <message>
        <source>&amp;Thoát</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Tìm công dân</source>
        <translation>&amp;Find citizen</translation>
    </message>
    <message>
        <source>&amp;Phím tắt</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <source>Phím tắt</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>EnrollPoint — Thu nhận thẻ căn cước và VNeID</source>
        <translation>EnrollPoint — ID card and VNeID enrollment</translation>
    </message>
    <message>
        <source>&amp;1 Danh sách công dân</source>
        <translation>&amp;1 Citizens</translation>
    </message>
    <message>
        <source>&amp;2 Lịch thu nhận</source>
        <translation>&amp;2 Schedule</translation>
    </message>
    <message>
        <source>&amp;3 Tiếp nhận</source>
        <translation>&amp;3 Check-in</translation>
    </message>
    <message>
        <source>&amp;4 Tiến độ</source>
        <translation>&amp;4 Progress</translation>
    </message>
    <message>
        <source>Đang xử lý nền…</source>
        <translation>Working in the background…</translation>
    </message>
    <message>
        <source>Chuyển giữa các màn hình</source>
        <translation>Switch between screens</translation>
    </message>
    <message>
        <source>Tìm công dân</source>
        <translation>Find citizen</translation>
    </message>
    <message>
        <source>Nhập danh sách từ tệp</source>
        <translation>Import list from file</translation>
    </message>
    <message>
        <source>Tiếp nhận: đã đến / thu hồ sơ thẻ căn cước / thu VNeID mức 2 / vắng mặt</source>
        <translation>Check-in: attended / card dossier / VNeID L2 / no-show</translation>
    </message>
    <message>
        <source>Tiếp nhận: thêm người đến trực tiếp</source>
        <translation>Check-in: add a walk-in</translation>
    </message>
    <message>
        <source>Lịch: chuyển người sang khung giờ khác</source>
        <translation>Schedule: move a person to another slot</translation>
    </message>
    <message>
        <source>Chữ gạch chân trên nút và nhãn</source>
        <translation>Underlined letter of buttons and labels</translation>
    </message>
    <message>
        <source>Chưa thiết lập xã/phường</source>
        <translation>Commune not set up</translation>
    </message>
</context>
<context>
    <name>Operations</name>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Đang xử lý</source>
        <translation>Working</translation>
    </message>
</context>
<context>
    <name>PeerActions</name>
    <message>
        <source>Máy trong xã</source>
        <translation>Laptops of this commune</translation>
    </message>
    <message>
        <source>&amp;Máy trong xã…</source>
        <translation>&amp;Laptops of this commune…</translation>
    </message>
    <message>
        <source>Cho máy khác đồng bộ qua mạng &amp;LAN</source>
        <translation>Let other laptops sync over the &amp;LAN</translation>
    </message>
    <message>
        <source>&amp;Xuất tệp cho máy khác trong xã…</source>
        <translation>&amp;Export a file for another laptop…</translation>
    </message>
    <message>
        <source>&amp;Nhập tệp từ máy khác trong xã…</source>
        <translation>&amp;Import a file from another laptop…</translation>
    </message>
    <message>
        <source>Lập &amp;nhóm máy của xã…</source>
        <translation>Create the commune&apos;s laptop &amp;group…</translation>
    </message>
    <message>
        <source>&amp;Vào nhóm máy của xã…</source>
        <translation>&amp;Join the commune&apos;s laptop group…</translation>
    </message>
</context>
<context>
    <name>PeersPanel</name>
    <message>
        <source>Mã nhóm máy của xã</source>
        <translation>Commune laptop group code</translation>
    </message>
    <message>
        <source>Mã này chỉ hiện MỘT LẦN. Nhập mã trên từng máy khác của xã (Đồng bộ → Vào nhóm máy của xã…). Giữ kín như mật khẩu: ai có mã đều đồng bộ được sổ của xã.</source>
        <translation>This code is shown ONCE. Enter it on every other laptop of the commune (Sync → Join the commune&apos;s laptop group…). Keep it secret like a password: whoever has it can sync the commune&apos;s register.</translation>
    </message>
    <message>
        <source>Mã QR của mã nhóm</source>
        <translation>QR code of the group code</translation>
    </message>
    <message>
        <source>Đồng bộ</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>Cho máy khác đồng bộ với máy này</source>
        <translation>Let other laptops sync with this one</translation>
    </message>
    <message>
        <source>Xuất tệp cho máy khác…</source>
        <translation>Export a file for another laptop…</translation>
    </message>
    <message>
        <source>Nhập tệp từ máy khác…</source>
        <translation>Import a file from another laptop…</translation>
    </message>
    <message>
        <source>Lập nhóm máy của xã…</source>
        <translation>Create the commune&apos;s laptop group…</translation>
    </message>
    <message>
        <source>Vào nhóm máy của xã…</source>
        <translation>Join the commune&apos;s laptop group…</translation>
    </message>
    <message>
        <source>Máy này:</source>
        <translation>This laptop:</translation>
    </message>
    <message>
        <source>Xuất tệp cho máy khác</source>
        <translation>Export a file for another laptop</translation>
    </message>
    <message>
        <source>Nhập tệp từ máy khác</source>
        <translation>Import a file from another laptop</translation>
    </message>
    <message>
        <source>Vào nhóm máy của xã</source>
        <translation>Join the commune&apos;s laptop group</translation>
    </message>
    <message>
        <source>Mã nhóm (9 nhóm 4 ký tự):</source>
        <translation>Group code (9 groups of 4 characters):</translation>
    </message>
    <message>
        <source>Máy</source>
        <translation>Laptop</translation>
    </message>
    <message>
        <source>Đồng bộ lần cuối</source>
        <translation>Last synced</translation>
    </message>
    <message>
        <source>Cách</source>
        <translation>How</translation>
    </message>
    <message>
        <source>Chờ gửi</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>Máy đang phục vụ:</source>
        <translation>Serving laptop:</translation>
    </message>
    <message>
        <source>Xung đột cần cán bộ xem (nhấp đúp khi đã xử lý):</source>
        <translation>Conflicts for the officer to check (double-click when handled):</translation>
    </message>
    <message>
        <source>chưa</source>
        <translation>never</translation>
    </message>
    <message>
        <source>Nhập địa chỉ máy đang phục vụ, dạng MÁY:CỔNG.</source>
        <translation>Enter the serving laptop&apos;s address as HOST:PORT.</translation>
    </message>
    <message>
        <source>Đã dừng phục vụ đồng bộ.</source>
        <translation>Stopped serving sync.</translation>
    </message>
    <message>
        <source>Lập nhóm máy của xã</source>
        <translation>Create the commune&apos;s laptop group</translation>
    </message>
    <message>
        <source>Máy này sẽ là máy đầu tiên của nhóm; mã nhóm chỉ hiện một lần. Nếu máy đã ở trong một nhóm, máy sẽ rời nhóm cũ. Tiếp tục?</source>
        <translation>This laptop becomes the first of the group; the group code is shown only once. If this laptop is already in a group, it leaves it. Continue?</translation>
    </message>
    <message>
        <source>ví dụ 192.168.1.20:{0}</source>
        <translation>e.g. 192.168.1.20:{0}</translation>
    </message>
    <message>
        <source>Không đọc được tình trạng các máy trong xã.</source>
        <translation>Cannot read the state of the commune&apos;s laptops.</translation>
    </message>
    <message>
        <source>Đã đồng bộ với {0}: gửi {1}, nhận {2} thay đổi.</source>
        <translation>Synced with {0}: sent {1}, received {2} changes.</translation>
    </message>
    <message>
        <source>Cho máy khác đồng bộ</source>
        <translation>Let other laptops sync</translation>
    </message>
    <message>
        <source>Tệp này đã được nhập trước đây: không có gì mới.</source>
        <translation>This file was imported before: nothing new.</translation>
    </message>
    <message>
        <source>Không dùng được kho khóa bảo mật của hệ điều hành.</source>
        <translation>The operating system&apos;s secure keyring cannot be used.</translation>
    </message>
    <message>
        <source>{0} (nhóm {1})</source>
        <translation>{0} (group {1})</translation>
    </message>
    <message>
        <source>{0} — chưa ở trong nhóm máy của xã</source>
        <translation>{0} — not in the commune&apos;s laptop group</translation>
    </message>
    <message>
        <source>mạng LAN</source>
        <translation>LAN</translation>
    </message>
    <message>
        <source>tệp USB</source>
        <translation>USB file</translation>
    </message>
    <message>
        <source>{0} thay đổi đang chờ tệp trước đó của máy khác.</source>
        <translation>{0} changes wait for an earlier file of another laptop.</translation>
    </message>
    <message>
        <source>Đã ghi {0} thay đổi vào {1} ({2:,} byte).</source>
        <translation>Wrote {0} changes to {1} ({2:,} bytes).</translation>
    </message>
    <message>
        <source>Máy này đã vào nhóm {0}.</source>
        <translation>This laptop joined group {0}.</translation>
    </message>
    <message>
        <source>{0} xung đột cần xem.</source>
        <translation>{0} conflicts to check.</translation>
    </message>
    <message>
        <source>Đồng bộ với máy khác trong xã…</source>
        <translation>Syncing with another laptop of the commune…</translation>
    </message>
    <message>
        <source>Máy này sẽ nhận kết nối trong mạng nội bộ (cổng {0}). Trên Windows có thể hiện hộp thoại tường lửa: chọn cho phép trong mạng riêng. Tiếp tục?</source>
        <translation>This laptop will accept connections on the local network (port {0}). On Windows a firewall prompt may appear: allow it on private networks. Continue?</translation>
    </message>
    <message>
        <source>Đang phục vụ đồng bộ. Trên máy kia, nhập địa chỉ: {0}</source>
        <translation>Serving sync. On the other laptop, type the address: {0}</translation>
    </message>
    <message>
        <source>Đang phục vụ đồng bộ tại cổng {0}, nhưng máy này chưa có địa chỉ trong mạng nội bộ: hãy nối mạng.</source>
        <translation>Serving sync on port {0}, but this laptop has no address on the local network: connect it to the network.</translation>
    </message>
    <message>
        <source> hoặc </source>
        <translation> or </translation>
    </message>
    <message>
        <source>Đã nhập {0} thay đổi, nhưng tệp không chứa mọi thứ máy này còn thiếu: xuất tệp từ máy này cho máy kia trước, hoặc nhờ máy kia xuất tệp đầy đủ.</source>
        <translation>Imported {0} changes, but the file does not hold everything this laptop lacks: export a file from this laptop to the other first, or ask the other laptop for a full file.</translation>
    </message>
    <message>
        <source>Đã nhập {0} thay đổi.</source>
        <translation>Imported {0} changes.</translation>
    </message>
</context>
<context>
    <name>PrintActions</name>
    <message>
        <source>In &amp;giấy hẹn…</source>
        <translation>Print appointment &amp;slips…</translation>
    </message>
    <message>
        <source>In &amp;danh sách thôn…</source>
        <translation>Print village &amp;list…</translation>
    </message>
    <message>
        <source>In &amp;báo cáo ngày…</source>
        <translation>Print &amp;daily report…</translation>
    </message>
    <message>
        <source>Nơi &amp;gửi báo cáo ngày…</source>
        <translation>Daily report &amp;addressees…</translation>
    </message>
    <message>
        <source>In danh sách &amp;cần đến theo thôn…</source>
        <translation>Print &amp;due list by village…</translation>
    </message>
    <message>
        <source>&amp;Xuất Excel…</source>
        <translation>E&amp;xport to Excel…</translation>
    </message>
    <message>
        <source>đổi nơi gửi báo cáo</source>
        <translation>change the report&apos;s addressees</translation>
    </message>
    <message>
        <source>Chọn một buổi thu nhận trong màn hình Lịch thu nhận trước khi in giấy hẹn.</source>
        <translation>Choose a session in the Schedule screen before printing appointment slips.</translation>
    </message>
    <message>
        <source>In danh sách thôn</source>
        <translation>Print village list</translation>
    </message>
    <message>
        <source>In báo cáo ngày</source>
        <translation>Print daily report</translation>
    </message>
    <message>
        <source>Nơi gửi báo cáo ngày</source>
        <translation>Daily report addressees</translation>
    </message>
    <message>
        <source>In danh sách cần đến theo thôn</source>
        <translation>Print the due list by village</translation>
    </message>
    <message>
        <source>Xuất báo cáo ngày ra Excel</source>
        <translation>Export the daily report to Excel</translation>
    </message>
    <message>
        <source>Lưu tệp Excel</source>
        <translation>Save Excel file</translation>
    </message>
    <message>
        <source>Bảng tính Excel (*.xlsx)</source>
        <translation>Excel workbooks (*.xlsx)</translation>
    </message>
    <message>
        <source>Giấy hẹn — buổi {0}</source>
        <translation>Appointment slips — session {0}</translation>
    </message>
    <message>
        <source>Danh sách hẹn ngày {0:%d/%m/%Y}</source>
        <translation>Appointments on {0:%d/%m/%Y}</translation>
    </message>
    <message>
        <source>Báo cáo ngày {0:%d/%m/%Y}</source>
        <translation>Daily report {0:%d/%m/%Y}</translation>
    </message>
    <message>
        <source>Danh sách cần đến ngày {0:%d/%m/%Y}</source>
        <translation>Due list on {0:%d/%m/%Y}</translation>
    </message>
    <message>
        <source>Đã lưu nơi gửi báo cáo ngày.</source>
        <translation>Daily report addressees saved.</translation>
    </message>
    <message>
        <source>Đã lưu {0}</source>
        <translation>Saved {0}</translation>
    </message>
</context>
<context>
    <name>PrintPreview</name>
    <message>
        <source>Đang tạo bản in…</source>
        <translation>Preparing the printout…</translation>
    </message>
    <message>
        <source>&amp;In…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <source>&amp;Lưu PDF…</source>
        <translation>&amp;Save PDF…</translation>
    </message>
    <message>
        <source>Đón&amp;g</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <source>In…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>Lưu PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <source>Lưu PDF</source>
        <translation>Save PDF</translation>
    </message>
    <message>
        <source>Tệp PDF (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>In</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>Xem trước bản in</source>
        <translation>Print preview</translation>
    </message>
    <message>
        <source>Phóng to</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>Thu nhỏ</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>Vừa khổ</source>
        <translation>Fit width</translation>
    </message>
    <message>
        <source>Trang trước</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>Trang sau</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>Không đọc được tệp PDF.</source>
        <translation>The PDF file could not be read.</translation>
    </message>
    <message>
        <source>Đã lưu: </source>
        <translation>Saved: </translation>
    </message>
    <message>
        <source>Đang in…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Không mở được máy in.</source>
        <translation>The printer could not be opened.</translation>
    </message>
    <message>
        <source>Trang {0}/{1}</source>
        <translation>Page {0}/{1}</translation>
    </message>
    <message>
        <source>%n trang</source>
        <translation>%n page(s)</translation>
    </message>
    <message>
        <source>Không ghi được tệp: </source>
        <translation>Could not write the file: </translation>
    </message>
    <message>
        <source>Đã gửi %n trang tới máy in.</source>
        <translation>Sent %n page(s) to the printer.</translation>
    </message>
</context>
<context>
    <name>ProgressView</name>
    <message>
        <source>Thẻ</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>VNeID</source>
        <translation>VNeID</translation>
    </message>
    <message>
        <source>Kích hoạt</source>
        <translation>Activated</translation>
    </message>
    <message>
        <source>Người đến</source>
        <translation>Attended</translation>
    </message>
    <message>
        <source>Đ&amp;iểm:</source>
        <translation>&amp;Point:</translation>
    </message>
    <message>
        <source>Đặt, sửa hoặc xoá chỉ tiêu của một thôn/tổ (người phụ trách)</source>
        <translation>Set, change or remove a village&apos;s target (supervisor)</translation>
    </message>
    <message>
        <source>Điểm thu nhận: không so với chỉ tiêu giao cho toàn xã; tỷ lệ đạt chỉ tính cho toàn xã.</source>
        <translation>Enrollment point: not compared with the commune&apos;s targets; percentages are for the whole commune only.</translation>
    </message>
    <message>
        <source>Chỉ tiêu</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>Theo thôn/tổ (luỹ kế)</source>
        <translation>By village (cumulative)</translation>
    </message>
    <message>
        <source>Theo ngày (cột: trong ngày; đường: luỹ kế; nét đứt: mục tiêu)</source>
        <translation>By day (bars: that day; lines: cumulative; dashed: target)</translation>
    </message>
    <message>
        <source>Toàn xã</source>
        <translation>Whole commune</translation>
    </message>
    <message>
        <source>đặt chỉ tiêu theo thôn/tổ</source>
        <translation>set village targets</translation>
    </message>
    <message>
        <source>Đạt</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Chưa đạt</source>
        <translation>Not yet met</translation>
    </message>
    <message>
        <source>Hôm nay</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>Luỹ kế</source>
        <translation>Cumulative</translation>
    </message>
    <message>
        <source>Mục tiêu</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>Dự kiến đạt mục tiêu</source>
        <translation>Projected to reach target</translation>
    </message>
    <message>
        <source>Thôn/Tổ</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>Hồ sơ thẻ căn cước</source>
        <translation>Card dossiers</translation>
    </message>
    <message>
        <source>VNeID mức 2</source>
        <translation>VNeID L2</translation>
    </message>
    <message>
        <source>Tính đến ngà&amp;y:</source>
        <translation>As of &amp;date:</translation>
    </message>
    <message>
        <source>Chỉ tiê&amp;u thôn/tổ…</source>
        <translation>Villa&amp;ge targets…</translation>
    </message>
    <message>
        <source>Chỉ tiêu của thôn (% đạt)</source>
        <translation>Village target (% reached)</translation>
    </message>
    <message>
        <source>Chỉ tiêu theo thôn/tổ</source>
        <translation>Village targets</translation>
    </message>
    <message>
        <source>Đã đạt</source>
        <translation>Reached</translation>
    </message>
    <message>
        <source> — không tiến triển {0} ngày</source>
        <translation> — no progress for {0} days</translation>
    </message>
    <message>
        <source>Đạt ngày {0}</source>
        <translation>Reached on {0}</translation>
    </message>
    <message>
        <source>Chưa đủ số liệu</source>
        <translation>Not enough data</translation>
    </message>
    <message>
        <source>Chưa có mục tiêu</source>
        <translation>No target</translation>
    </message>
    <message>
        <source>Ngày {0:%d/%m/%Y}</source>
        <translation>On {0:%d/%m/%Y}</translation>
    </message>
    <message>
        <source> (trễ hạn {0})</source>
        <translation> (deadline {0} missed)</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Số định danh</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Ngày sinh</source>
        <translation>Born</translation>
    </message>
    <message>
        <source>Giới</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>Thôn/Tổ</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>VNeID</source>
        <translation>VNeID</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Đã thu hồ sơ</source>
        <translation>Dossier captured</translation>
    </message>
    <message>
        <source>Đã duyệt</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>Đã kích hoạt</source>
        <translation>Activated</translation>
    </message>
    <message>
        <source>Có thể trùng với một người khác trong danh sách</source>
        <translation>May duplicate another person in the list</translation>
    </message>
    <message>
        <source>Nam</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>Nữ</source>
        <translation>Female</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Chưa rõ ngày cấp thẻ</source>
        <translation>Card issue date unknown</translation>
    </message>
    <message>
        <source>Chưa rõ (không có ngày sinh)</source>
        <translation>Unknown (no date of birth)</translation>
    </message>
    <message>
        <source>Chọn một công dân trong danh sách</source>
        <translation>Choose a citizen in the list</translation>
    </message>
    <message>
        <source>Bước tiếp theo</source>
        <translation>Next steps</translation>
    </message>
    <message>
        <source>Lịch sử trạng thái</source>
        <translation>Status history</translation>
    </message>
    <message>
        <source>{0} (thẻ cấp ngày {1})</source>
        <translation>{0} (card issued {1})</translation>
    </message>
    <message>
        <source>Số định danh</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Ngày sinh</source>
        <translation>Born</translation>
    </message>
    <message>
        <source>Giới tính</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>Thôn/Tổ</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>Điện thoại</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Thẻ căn cước</source>
        <translation>ID card</translation>
    </message>
    <message>
        <source>Hạn cấp đổi thẻ</source>
        <translation>Card renewal due</translation>
    </message>
    <message>
        <source>VNeID</source>
        <translation>VNeID</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Thời gian</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Sự kiện</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>Điểm</source>
        <translation>Point</translation>
    </message>
    <message>
        <source>Cần thu nhận tại nhà</source>
        <translation>Needs a home visit</translation>
    </message>
    <message>
        <source>(chưa có)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>Đã có</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Chưa có</source>
        <translation>No</translation>
    </message>
    <message>
        <source>Không có bước nào</source>
        <translation>No step possible</translation>
    </message>
    <message>
        <source>Không phải cấp đổi nữa (thẻ cấp ngày {0})</source>
        <translation>No further renewal (card issued {0})</translation>
    </message>
    <message>
        <source>{0} (chỉ có năm sinh)</source>
        <translation>{0} (year of birth only)</translation>
    </message>
    <message>
        <source>Có thể trùng hồ sơ #{0}</source>
        <translation>Possible duplicate of #{0}</translation>
    </message>
    <message>
        <source>Nam</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>Nữ</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>Tên, số định danh, số điện thoại, thôn… (không cần dấu)</source>
        <translation>Name, ID number, phone, village… (marks optional)</translation>
    </message>
    <message>
        <source>Tì&amp;m:</source>
        <translation>&amp;Search:</translation>
    </message>
    <message>
        <source>Trạng thá&amp;i:</source>
        <translation>Stat&amp;us:</translation>
    </message>
    <message>
        <source>Cần &amp;làm:</source>
        <translation>&amp;Due:</translation>
    </message>
    <message>
        <source>Xếp th&amp;eo:</source>
        <translation>S&amp;ort by:</translation>
    </message>
    <message>
        <source>T&amp;hôn:</source>
        <translation>Villa&amp;ge:</translation>
    </message>
    <message>
        <source>Tất cả</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Tên (Việt)</source>
        <translation>Given name (Vietnamese)</translation>
    </message>
    <message>
        <source>Họ (Việt)</source>
        <translation>Family name (Vietnamese)</translation>
    </message>
    <message>
        <source>Xác nhận</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>{0}+ người (đang đếm…)</source>
        <translation>{0}+ people (counting…)</translation>
    </message>
    <message>
        <source>{0} người — đang hiện {1}</source>
        <translation>{0} people — showing {1}</translation>
    </message>
    <message>
        <source>{0} người</source>
        <translation>{0} people</translation>
    </message>
    <message>
        <source>(truy vấn {0:.0f} ms)</source>
        <translation>(query {0:.0f} ms)</translation>
    </message>
    <message>
        <source>Ghi “{0}” cho công dân này?</source>
        <translation>Record “{0}” for this citizen?</translation>
    </message>
</context>
<context>
    <name>ReportRecipientsDialog</name>
    <message>
        <source>Nơi gửi báo cáo ngày</source>
        <translation>Daily report addressees</translation>
    </message>
    <message>
        <source>&amp;Kính gửi:</source>
        <translation>&amp;To:</translation>
    </message>
    <message>
        <source>&amp;Nơi nhận khác:</source>
        <translation>&amp;Other recipients:</translation>
    </message>
    <message>
        <source>Mỗi nơi một dòng. Để trống “Kính gửi” để dùng nơi gửi mặc định.</source>
        <translation>One recipient per line. Leave “To” empty to use the usual addressees.</translation>
    </message>
    <message>
        <source>“Như trên” và “Lưu: VT” luôn được ghi ở Nơi nhận.</source>
        <translation>“As above” and “File: VT” are always written under Recipients.</translation>
    </message>
</context>
<context>
    <name>ScheduleView</name>
    <message>
        <source>Tạo buổi thu nhận</source>
        <translation>Create a session</translation>
    </message>
    <message>
        <source>Tạo &amp;buổi</source>
        <translation>&amp;Create session</translation>
    </message>
    <message>
        <source>Các buổi đã lên lịch</source>
        <translation>Scheduled sessions</translation>
    </message>
    <message>
        <source>Chọn một buổi bên trái</source>
        <translation>Choose a session on the left</translation>
    </message>
    <message>
        <source>Tự động &amp;xếp người đến hạn</source>
        <translation>Auto-&amp;assign due citizens</translation>
    </message>
    <message>
        <source>&amp;Chuyển khung… (Ctrl+M)</source>
        <translation>&amp;Move to slot… (Ctrl+M)</translation>
    </message>
    <message>
        <source>&amp;Hẹn lại người vắng sang buổi sau</source>
        <translation>&amp;Reschedule no-shows to next session</translation>
    </message>
    <message>
        <source>Mở tiế&amp;p nhận</source>
        <translation>Open chec&amp;k-in</translation>
    </message>
    <message>
        <source>Đã hẹn</source>
        <translation>Booked</translation>
    </message>
    <message>
        <source>Đã đến</source>
        <translation>Attended</translation>
    </message>
    <message>
        <source>Vắng mặt</source>
        <translation>No-show</translation>
    </message>
    <message>
        <source>Đã chuyển</source>
        <translation>Moved</translation>
    </message>
    <message>
        <source>Đã huỷ</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>Chuyển khung giờ</source>
        <translation>Move to another slot</translation>
    </message>
    <message>
        <source>Chuyển sang khung:</source>
        <translation>Move to slot:</translation>
    </message>
    <message>
        <source>Khung giờ / Họ tên</source>
        <translation>Slot / name</translation>
    </message>
    <message>
        <source>Năm sinh</source>
        <translation>Born</translation>
    </message>
    <message>
        <source>Thôn/Tổ</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>Mã phiếu</source>
        <translation>Slip code</translation>
    </message>
    <message>
        <source>Tình trạng</source>
        <translation>State</translation>
    </message>
    <message>
        <source> phút</source>
        <translation> min</translation>
    </message>
    <message>
        <source> máy</source>
        <translation> kits</translation>
    </message>
    <message>
        <source> phút/người</source>
        <translation> min/person</translation>
    </message>
    <message>
        <source>Đ&amp;iểm:</source>
        <translation>&amp;Point:</translation>
    </message>
    <message>
        <source>Ngà&amp;y:</source>
        <translation>&amp;Date:</translation>
    </message>
    <message>
        <source>Từ &amp;lúc:</source>
        <translation>Fro&amp;m:</translation>
    </message>
    <message>
        <source>Đến lúc:</source>
        <translation>To:</translation>
    </message>
    <message>
        <source>Độ dài &amp;khung:</source>
        <translation>&amp;Slot length:</translation>
    </message>
    <message>
        <source>Số &amp;máy thu nhận:</source>
        <translation>Capture &amp;kits:</translation>
    </message>
    <message>
        <source>Thời gian mỗi người:</source>
        <translation>Minutes per person:</translation>
    </message>
    <message>
        <source>Sức chứa:</source>
        <translation>Capacity:</translation>
    </message>
    <message>
        <source>Giờ kết thúc phải sau giờ bắt đầu</source>
        <translation>The end must be after the start</translation>
    </message>
    <message>
        <source>Chưa có điểm</source>
        <translation>No point</translation>
    </message>
    <message>
        <source>Chưa có điểm thu nhận nào.</source>
        <translation>There is no enrollment point yet.</translation>
    </message>
    <message>
        <source>Ngày đã qua</source>
        <translation>Day already past</translation>
    </message>
    <message>
        <source>Chuyển khung</source>
        <translation>Move to slot</translation>
    </message>
    <message>
        <source>Hãy chọn một người trong danh sách khung giờ.</source>
        <translation>Choose a person in the slot list.</translation>
    </message>
    <message>
        <source>Hẹn lại</source>
        <translation>Rescheduled</translation>
    </message>
    <message>
        <source>Chưa có buổi nào sau buổi này: hãy tạo buổi mới trước.</source>
        <translation>There is no session after this one: create one first.</translation>
    </message>
    <message>
        <source>{point} — {day}, {start}–{end}: {booked}/{cap} chỗ, {per} người/khung</source>
        <translation>{point} — {day}, {start}–{end}: {booked}/{cap} places, {per} per slot</translation>
    </message>
    <message>
        <source>{0} người/khung × {1} khung = {2} người</source>
        <translation>{0} people/slot × {1} slots = {2} people</translation>
    </message>
    <message>
        <source>Buổi đã kết thúc</source>
        <translation>Session already over</translation>
    </message>
    <message>
        <source>{0}–{1} ({2}/{3})</source>
        <translation>{0}–{1} ({2}/{3})</translation>
    </message>
    <message>
        <source>{day} {start}–{end} · {booked}/{cap} chỗ
{point}</source>
        <translation>{day} {start}–{end} · {booked}/{cap} places
{point}</translation>
    </message>
    <message>
        <source>Ngày {0:%d/%m/%Y} đã qua: không tạo buổi thu nhận cho ngày đã qua. Hãy chọn hôm nay hoặc một ngày sau.</source>
        <translation>{0:%d/%m/%Y} is already past: no session is created for a past day. Choose today or a later day.</translation>
    </message>
    <message>
        <source>{0}–{1}  ({2}/{3})</source>
        <translation>{0}–{1}  ({2}/{3})</translation>
    </message>
    <message>
        <source>Buổi hôm nay đến {0:%H:%M} đã kết thúc (bây giờ là {1:%H:%M}). Vẫn tạo buổi này?</source>
        <translation>Today&apos;s session until {0:%H:%M} is already over (it is now {1:%H:%M}). Create it anyway?</translation>
    </message>
    <message>
        <source>Đang xếp lịch…</source>
        <translation>Assigning…</translation>
    </message>
    <message>
        <source>Đã xếp {0} người; {1} người chưa có chỗ.</source>
        <translation>Assigned {0} people; {1} found no place.</translation>
    </message>
    <message>
        <source>Đã hẹn lại {0} người vắng sang buổi {1}.</source>
        <translation>Rescheduled {0} no-shows to the session of {1}.</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>&amp;Tệp</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Xem</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;In</source>
        <translation>&amp;Print</translation>
    </message>
    <message>
        <source>Đồ&amp;ng bộ</source>
        <translation>S&amp;ync</translation>
    </message>
    <message>
        <source>&amp;Công cụ</source>
        <translation>&amp;Tools</translation>
    </message>
    <message>
        <source>N&amp;gôn ngữ</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>T&amp;rợ giúp</source>
        <translation>&amp;Help</translation>
    </message>
</context>
<context>
    <name>StartupWork</name>
    <message>
        <source>Đang mã hoá cơ sở dữ liệu (chỉ một lần, vài giây)…</source>
        <translation>Encrypting the database (once only, a few seconds)…</translation>
    </message>
</context>
<context>
    <name>SyncActions</name>
    <message>
        <source>Gửi báo cáo lên tỉnh</source>
        <translation>Send reports to the province</translation>
    </message>
    <message>
        <source>&amp;Chốt số liệu ngày…</source>
        <translation>&amp;Close the day…</translation>
    </message>
    <message>
        <source>&amp;Gửi báo cáo ngay</source>
        <translation>&amp;Send reports now</translation>
    </message>
    <message>
        <source>Kết nối bằng tệp (không có mạng)…</source>
        <translation>Connect by file (no network)…</translation>
    </message>
    <message>
        <source>chốt số liệu ngày</source>
        <translation>close a day</translation>
    </message>
    <message>
        <source>Chốt số liệu ngày</source>
        <translation>Close the day</translation>
    </message>
    <message>
        <source>Chốt lại với số thấp hơn?</source>
        <translation>Close again with lower figures?</translation>
    </message>
    <message>
        <source>{0} (lần {1})</source>
        <translation>{0} (revision {1})</translation>
    </message>
    <message>
        <source>Đã chốt ngày {0:%d/%m/%Y}: {1} báo cáo ({2}).</source>
        <translation>Day {0:%d/%m/%Y} closed: {1} report(s) ({2}).</translation>
    </message>
    <message>
        <source>Báo cáo được xếp hàng để gửi lên công an tỉnh.</source>
        <translation>The reports are queued to be sent to the provincial police.</translation>
    </message>
    <message>
        <source>Vẫn chốt lại với số mới, thấp hơn số tỉnh đang giữ?</source>
        <translation>Close again anyway, with the new figures lower than the province holds?</translation>
    </message>
    <message>
        <source>Chốt số liệu ngày {0:%d/%m/%Y}? Báo cáo sẽ được xếp hàng để gửi lên tỉnh.</source>
        <translation>Close the day {0:%d/%m/%Y}? The reports will be queued for sending to the province.</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Gửi không thành công do lỗi không lường trước. Báo cáo vẫn được giữ lại để gửi sau.</source>
        <translation>Sending failed because of an unexpected error. The reports are kept and will be sent later.</translation>
    </message>
    <message>
        <source>chưa có</source>
        <translation>not yet</translation>
    </message>
    <message>
        <source>{0} ngày {1}</source>
        <translation>{0} on {1}</translation>
    </message>
    <message>
        <source>Gửi ngay</source>
        <translation>Send now</translation>
    </message>
    <message>
        <source>Gửi các ngày đã chốt lên máy chủ tỉnh</source>
        <translation>Send the closed days to the province server</translation>
    </message>
    <message>
        <source>Gửi thành công gần nhất:</source>
        <translation>Last successful send:</translation>
    </message>
    <message>
        <source>Báo cáo đang chờ gửi:</source>
        <translation>Reports waiting:</translation>
    </message>
    <message>
        <source>Tự gửi khi có mạng</source>
        <translation>Send by itself when online</translation>
    </message>
    <message>
        <source>Tắt khi dùng đường truyền vệ tinh tính tiền theo dung lượng</source>
        <translation>Turn off on a metered satellite link</translation>
    </message>
    <message>
        <source>Xuất tệp USB…</source>
        <translation>Export USB file…</translation>
    </message>
    <message>
        <source>Nhập biên nhận…</source>
        <translation>Import receipt…</translation>
    </message>
    <message>
        <source>Nhập tệp chỉ tiêu…</source>
        <translation>Import targets file…</translation>
    </message>
    <message>
        <source>Mã ngày qua điện thoại…</source>
        <translation>Day code by phone…</translation>
    </message>
    <message>
        <source>Kết nối bằng tệp (không có mạng)…</source>
        <translation>Connect by file (no network)…</translation>
    </message>
    <message>
        <source>Xuất tệp USB</source>
        <translation>Export USB file</translation>
    </message>
    <message>
        <source>xuất tệp USB</source>
        <translation>export a USB file</translation>
    </message>
    <message>
        <source>Tệp EnrollPoint (*.epb)</source>
        <translation>EnrollPoint files (*.epb)</translation>
    </message>
    <message>
        <source>Nhập biên nhận của tỉnh</source>
        <translation>Import the province&apos;s receipt</translation>
    </message>
    <message>
        <source>Tệp JSON (*.json)</source>
        <translation>JSON files (*.json)</translation>
    </message>
    <message>
        <source>Nhập tệp chỉ tiêu của tỉnh</source>
        <translation>Import the province&apos;s targets file</translation>
    </message>
    <message>
        <source>Mã số liệu ngày</source>
        <translation>Day code</translation>
    </message>
    <message>
        <source>lập mã số liệu ngày để đọc qua điện thoại</source>
        <translation>make the day&apos;s code to read out by phone</translation>
    </message>
    <message>
        <source>Đang gửi…</source>
        <translation>Sending…</translation>
    </message>
    <message>
        <source>Chưa gửi xong.</source>
        <translation>Not sent yet.</translation>
    </message>
    <message>
        <source>Ngày</source>
        <translation>Day</translation>
    </message>
    <message>
        <source>Điểm</source>
        <translation>Point</translation>
    </message>
    <message>
        <source>Tình trạng</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Không có mạng:</source>
        <translation>No network:</translation>
    </message>
    <message>
        <source>Không đọc được tình trạng gửi báo cáo.</source>
        <translation>Could not read the sending status.</translation>
    </message>
    <message>
        <source> (và {0} báo cáo máy chủ báo xung đột)</source>
        <translation> (and {0} reports the server reported as conflicting)</translation>
    </message>
    <message>
        <source> — {0} đã xuất, chờ xác nhận</source>
        <translation> — {0} exported, awaiting receipt</translation>
    </message>
    <message>
        <source>Chờ gửi</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>Đã xuất, chờ xác nhận</source>
        <translation>Exported, awaiting receipt</translation>
    </message>
    <message>
        <source>Đã gửi</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>Đã xác nhận (biên nhận)</source>
        <translation>Confirmed (receipt)</translation>
    </message>
    <message>
        <source>Xung đột</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <source>Đã gửi {0} báo cáo.</source>
        <translation>Sent {0} reports.</translation>
    </message>
    <message>
        <source>Đã ghi {0} báo cáo vào {1}. Mang tệp lên tỉnh, rồi nhập biên nhận tỉnh gửi về.</source>
        <translation>Wrote {0} reports to {1}. Take the file to the province, then import the receipt it sends back.</translation>
    </message>
    <message>
        <source>Biên nhận: {0} báo cáo được xác nhận.</source>
        <translation>Receipt: {0} reports confirmed.</translation>
    </message>
    <message>
        <source>Đã nhập {0} chỉ tiêu của tỉnh.</source>
        <translation>Imported {0} province targets.</translation>
    </message>
</context>
<context>
    <name>SyncWords</name>
    <message>
        <source>Hãy kết nối: menu Đồng bộ → Kết nối bằng tệp (không có mạng)…</source>
        <translation>Connect it: menu Sync → Connect by file (no network)…</translation>
    </message>
    <message>
        <source>Máy chưa được kết nối hoặc mã truy cập đã hết hạn. Hãy xin mã kết nối mới từ công an tỉnh rồi kết nối lại: menu Đồng bộ → Kết nối bằng tệp (không có mạng)…. Báo cáo vẫn được giữ trên máy.</source>
        <translation>This laptop is not connected or its access token has expired. Ask the provincial police for a new connection code and connect again: menu Sync → Connect by file (no network)…. The reports stay on this laptop.</translation>
    </message>
    <message>
        <source>Máy chưa được kết nối hoặc mã truy cập đã hết hạn: máy chủ tỉnh không chấp nhận chữ ký của máy này. Hãy kết nối lại bằng mã mới. Báo cáo vẫn được giữ trên máy.</source>
        <translation>This laptop is not connected or its access token has expired: the province server does not accept this laptop&apos;s signature. Connect again with a new code. The reports stay on this laptop.</translation>
    </message>
    <message>
        <source>Không kết nối được máy chủ tỉnh (mất mạng hoặc máy chủ đang tắt). Báo cáo vẫn được giữ lại để gửi sau.</source>
        <translation>Cannot reach the province server (no network, or the server is down). The reports are kept to be sent later.</translation>
    </message>
    <message>
        <source>Có mạng nhưng không tới được máy chủ tỉnh (có thể mạng yêu cầu đăng nhập trước). Báo cáo vẫn được giữ lại để gửi sau.</source>
        <translation>The network is up but the province server cannot be reached (the network may ask for a login first). The reports are kept to be sent later.</translation>
    </message>
    <message>
        <source>Máy chủ tỉnh không trả lời kịp. Báo cáo vẫn được giữ lại; gửi lại sau sẽ không bị tính trùng.</source>
        <translation>The province server did not answer in time. The reports are kept; sending again later will not count them twice.</translation>
    </message>
    <message>
        <source>Báo cáo quá lớn, máy chủ tỉnh không nhận.</source>
        <translation>The report is too large for the province server.</translation>
    </message>
    <message>
        <source>Máy chủ tỉnh trả lời không đúng định dạng. Báo cáo vẫn được giữ lại để gửi sau.</source>
        <translation>The province server&apos;s answer is not in the expected format. The reports are kept to be sent later.</translation>
    </message>
    <message>
        <source>Gửi không thành công do lỗi không lường trước. Báo cáo vẫn được giữ lại để gửi sau.</source>
        <translation>Sending failed because of an unexpected error. The reports are kept to be sent later.</translation>
    </message>
    <message>
        <source>Mã kết nối không đúng, đã dùng hoặc đã hết hạn. Hãy xin mã mới từ công an tỉnh.</source>
        <translation>The connection code is wrong, already used or expired. Ask the provincial police for a new one.</translation>
    </message>
    <message>
        <source>Máy chưa được kết nối với máy chủ tỉnh.</source>
        <translation>This laptop is not connected to the province server.</translation>
    </message>
    <message>
        <source>Máy chủ tỉnh đang gặp lỗi (mã {code}). Báo cáo vẫn được giữ lại để gửi sau.</source>
        <translation>The province server has an error (code {code}). The reports are kept to be sent later.</translation>
    </message>
    <message>
        <source>Máy chủ tỉnh từ chối báo cáo (mã {code}): {detail}</source>
        <translation>The province server refused the report (code {code}): {detail}</translation>
    </message>
</context>
<context>
    <name>VillageTargetDialog</name>
    <message>
        <source>Chỉ tiêu theo thôn/tổ</source>
        <translation>Village targets</translation>
    </message>
    <message>
        <source>&amp;Thôn/Tổ:</source>
        <translation>&amp;Village:</translation>
    </message>
    <message>
        <source>Chỉ &amp;tiêu:</source>
        <translation>&amp;Indicator:</translation>
    </message>
    <message>
        <source>&amp;Số cần đạt:</source>
        <translation>&amp;Target number:</translation>
    </message>
    <message>
        <source>&amp;Xoá chỉ tiêu này của thôn</source>
        <translation>&amp;Remove this target of the village</translation>
    </message>
    <message>
        <source>Chỉ tiêu do xã tự chia cho từng thôn/tổ (không gửi lên tỉnh).</source>
        <translation>Targets the commune gives each village (not sent to the province).</translation>
    </message>
    <message>
        <source>Thôn/tổ này chưa có chỉ tiêu này.</source>
        <translation>This village has no such target yet.</translation>
    </message>
    <message>
        <source>Chỉ tiêu hiện tại: {0}</source>
        <translation>Current target: {0}</translation>
    </message>
</context>
<context>
    <name>WalkIn</name>
    <message>
        <source>Người đến trực tiếp</source>
        <translation>Walk-in</translation>
    </message>
    <message>
        <source>&amp;Họ và tên:</source>
        <translation>&amp;Full name:</translation>
    </message>
    <message>
        <source>&amp;Số định danh:</source>
        <translation>&amp;ID number:</translation>
    </message>
    <message>
        <source>&amp;Ngày sinh:</source>
        <translation>&amp;Date of birth:</translation>
    </message>
    <message>
        <source>&amp;Giới tính:</source>
        <translation>&amp;Sex:</translation>
    </message>
    <message>
        <source>&amp;Thôn/Tổ:</source>
        <translation>&amp;Village:</translation>
    </message>
    <message>
        <source>Điện thoạ&amp;i:</source>
        <translation>&amp;Phone:</translation>
    </message>
    <message>
        <source>Thêm &amp;và ghi đã đến</source>
        <translation>&amp;Add and mark attended</translation>
    </message>
    <message>
        <source>Nam</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>Nữ</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>dd/mm/yyyy hoặc năm sinh</source>
        <translation>dd/mm/yyyy or year of birth</translation>
    </message>
    <message>
        <source>12 chữ số (nếu có)</source>
        <translation>12 digits (if any)</translation>
    </message>
</context>
</TS>
