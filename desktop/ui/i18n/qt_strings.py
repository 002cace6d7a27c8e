"""Vietnamese for the strings Qt itself draws (standard buttons, the Qt-drawn file and print dialogs, the
text fields' context menu): Qt ships no Vietnamese catalogue of its own, so without this a Vietnamese screen
shows "Cancel", "Yes", "Look in". The source texts are qtbase's own (context, English) pairs; `write_ts()`
turns the table into `qtbase_vi.ts`, which `catalog` compiles with lrelease into the `qtbase_vi.qm` that
`support/lang.install("vi")` loads beside the app's own translator.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
TS = HERE / "qtbase_vi.ts"
QM = HERE / "qtbase_vi.qm"

_BUTTONS = {
    "OK": "Đồng ý", "Save": "Lưu", "Save All": "Lưu tất cả", "Open": "Mở", "&Yes": "&Có",
    "Yes to &All": "Có với &tất cả", "&No": "&Không", "N&o to All": "Kh&ông với tất cả", "Abort": "Hủy bỏ",
    "Retry": "Thử lại", "Ignore": "Bỏ qua", "Close": "Đóng", "Cancel": "Hủy", "Discard": "Không lưu",
    "Help": "Trợ giúp", "Apply": "Áp dụng", "Reset": "Đặt lại", "Restore Defaults": "Khôi phục mặc định",
}
_EDIT_MENU = {
    "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "&Cắt", "&Copy": "&Sao chép", "&Paste": "&Dán",
    "Delete": "Xóa", "Select All": "Chọn tất cả",
}

STRINGS: dict[str, dict[str, str]] = {
    "QPlatformTheme": _BUTTONS,
    "QDialogButtonBox": {"OK": "Đồng ý", "&OK": "Đồng ý", "&Cancel": "&Hủy", "Cancel": "Hủy",
                         "&Yes": "&Có", "&No": "&Không", "&Close": "Đó&ng", "Close": "Đóng"},
    "QMessageBox": {"Show Details...": "Xem chi tiết...", "Hide Details...": "Ẩn chi tiết...", "OK": "Đồng ý"},
    "QProgressDialog": {"Cancel": "Hủy"},
    "QInputDialog": {"Enter a value:": "Nhập giá trị:"},
    "QLineEdit": _EDIT_MENU,
    "QWidgetTextControl": {**_EDIT_MENU, "Copy &Link Location": "Sao chép địa chỉ &liên kết"},
    "QAbstractSpinBox": {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng", "Step &down": "&Giảm"},
    "QFileDialog": {
        "&Look in:": "&Tìm trong:", "Look in:": "Tìm trong:", "File &name:": "Tên &tệp:",
        "Files of &type:": "&Loại tệp:", "&Open": "&Mở", "&Save": "&Lưu", "&Choose": "&Chọn", "Open": "Mở",
        "Save As": "Lưu thành", "Back": "Quay lại", "Forward": "Tiến tới", "Parent Directory": "Thư mục cha",
        "Go back": "Quay lại", "Go forward": "Tiến tới", "Go to the parent directory": "Lên thư mục cha",
        "Create New Folder": "Tạo thư mục mới", "Create a New Folder": "Tạo thư mục mới",
        "New Folder": "Thư mục mới", "&New Folder": "Thư mục &mới", "List View": "Dạng danh sách",
        "Detail View": "Dạng chi tiết", "Change to list view mode": "Xem dạng danh sách",
        "Change to detail view mode": "Xem dạng chi tiết", "Sidebar": "Thanh bên",
        "List of places and bookmarks": "Các nơi và dấu trang", "Recent Places": "Nơi mở gần đây",
        "Files": "Tệp", "Directories": "Thư mục", "Directory:": "Thư mục:", "Find Directory": "Tìm thư mục",
        "All Files (*)": "Mọi tệp (*)", "All files (*)": "Mọi tệp (*)", "Show &hidden files": "Hiện tệp &ẩn",
        "&Rename": "Đổi &tên", "&Delete": "&Xóa", "Delete": "Xóa", "Remove": "Gỡ bỏ", "Show ": "Hiện ",
        "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nGhi đè lên tệp này?",
        "%1\nFile not found.\nPlease verify the correct file name was given.":
            "%1\nKhông tìm thấy tệp.\nHãy kiểm tra lại tên tệp.",
        "%1\nDirectory not found.\nPlease verify the correct directory name was given.":
            "%1\nKhông tìm thấy thư mục.\nHãy kiểm tra lại tên thư mục.",
        "Are you sure you want to delete '%1'?": "Xóa '%1'?",
        "'%1' is write protected.\nDo you want to delete it anyway?": "'%1' đang được bảo vệ ghi.\nVẫn xóa?",
        "Could not delete directory.": "Không xóa được thư mục.",
    },
    "QFileSystemModel": {"Name": "Tên", "Size": "Kích thước", "Type": "Loại", "Kind": "Loại",
                         "Date Modified": "Ngày sửa", "Computer": "Máy tính", "My Computer": "Máy tính"},
    "QPrintDialog": {
        "Print": "In", "&Print": "&In", "&Options >>": "&Tùy chọn >>", "&Options <<": "&Tùy chọn <<",
        "Local file": "Tệp trên máy", "Write PDF file": "Ghi tệp PDF", "Print to File (PDF)": "In ra tệp (PDF)",
        "Print To File ...": "In ra tệp...", "All Pages": "Mọi trang", "Odd Pages": "Trang lẻ",
        "Even Pages": "Trang chẵn", "Invalid Pages Definition": "Khoảng trang không đúng",
        "%1 already exists.\nDo you want to overwrite it?": "%1 đã có.\nGhi đè lên tệp này?",
        "%1 is a directory.\nPlease choose a different file name.": "%1 là một thư mục.\nHãy chọn tên tệp khác.",
        "File %1 is not writable.\nPlease choose a different file name.":
            "Không ghi được tệp %1.\nHãy chọn tên tệp khác.",
        "The 'From' value cannot be greater than the 'To' value.": "Trang 'từ' không được lớn hơn trang 'đến'.",
        "Left to Right, Top to Bottom": "Trái sang phải, trên xuống dưới",
        "Top to Bottom, Left to Right": "Trên xuống dưới, trái sang phải",
    },
    "QPrintWidget": {"Printer": "Máy in", "&Name:": "&Tên:", "P&roperties": "Th&uộc tính",
                     "Location:": "Vị trí:", "Preview": "Xem trước", "Type:": "Loại:",
                     "Output &file:": "&Tệp ra:", "...": "..."},
    "QPrintPropertiesWidget": {"Page": "Trang", "Advanced": "Nâng cao"},
    "QPrintSettingsOutput": {
        "Copies": "Số bản", "Copies:": "Số bản:", "Collate": "Sắp theo bộ", "Reverse": "In ngược",
        "Options": "Tùy chọn", "Color Mode": "Chế độ màu", "Color": "Màu", "Grayscale": "Đen trắng",
        "Double Sided Printing": "In hai mặt", "Off": "Tắt", "Long side binding": "Gáy cạnh dài",
        "Short side binding": "Gáy cạnh ngắn", "Print range": "Phạm vi in", "Print all": "In tất cả",
        "Pages from": "Các trang từ", "to": "đến", "Pages": "Các trang", "Selection": "Phần đã chọn",
        "Current Page": "Trang hiện tại", "Output Settings": "Cài đặt in", "Page &Set:": "&Bộ trang:",
    },
    "QPageSetupWidget": {
        "Paper": "Giấy", "Page size:": "Khổ giấy:", "Width:": "Rộng:", "Height:": "Cao:",
        "Paper source:": "Nguồn giấy:", "Orientation": "Hướng giấy", "Portrait": "Dọc", "Landscape": "Ngang",
        "Reverse landscape": "Ngang ngược", "Reverse portrait": "Dọc ngược", "Margins": "Lề",
        "top margin": "lề trên", "bottom margin": "lề dưới", "left margin": "lề trái",
        "right margin": "lề phải", "Page Layout": "Bố cục trang", "Page &order:": "&Thứ tự trang:",
        "Pages &per sheet:": "Số trang &mỗi tờ:", "Custom": "Tùy chỉnh", "Millimeters (mm)": "Milimét (mm)",
        "Points (pt)": "Điểm (pt)", "Inches (in)": "Inch (in)",
    },
    "QPrintPreviewDialog": {
        "Print Preview": "Xem trước khi in", "Print": "In", "Export to PDF": "Xuất PDF",
        "Next page": "Trang sau", "Previous page": "Trang trước", "First page": "Trang đầu",
        "Last page": "Trang cuối", "Fit width": "Vừa chiều rộng", "Fit page": "Vừa trang",
        "Zoom in": "Phóng to", "Zoom out": "Thu nhỏ", "Portrait": "Dọc", "Landscape": "Ngang",
        "Show single page": "Một trang", "Show facing pages": "Hai trang đối diện",
        "Show overview of all pages": "Mọi trang", "Page setup": "Thiết lập trang",
        "Page Setup": "Thiết lập trang",
    },
}


def write_ts(ts: Path = TS) -> None:
    """The table as a Qt Linguist .ts (every message finished), for lrelease."""
    root = ET.Element("TS", version="2.1", language="vi_VN", sourcelanguage="en")
    for context, table in STRINGS.items():
        ctx = ET.SubElement(root, "context")
        ET.SubElement(ctx, "name").text = context
        for source, vi in table.items():
            msg = ET.SubElement(ctx, "message")
            ET.SubElement(msg, "source").text = source
            ET.SubElement(msg, "translation").text = vi
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
