<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN" sourcelanguage="en">
  <context>
    <name>QPlatformTheme</name>
    <message>
      <source>OK</source>
      <translation>Đồng ý</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>Lưu</translation>
    </message>
    <message>
      <source>Save All</source>
      <translation>Lưu tất cả</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Mở</translation>
    </message>
    <message>
      <source>&amp;Yes</source>
      <translation>&amp;Có</translation>
    </message>
    <message>
      <source>Yes to &amp;All</source>
      <translation>Có với &amp;tất cả</translation>
    </message>
    <message>
      <source>&amp;No</source>
      <translation>&amp;Không</translation>
    </message>
    <message>
      <source>N&amp;o to All</source>
      <translation>Kh&amp;ông với tất cả</translation>
    </message>
    <message>
      <source>Abort</source>
      <translation>Hủy bỏ</translation>
    </message>
    <message>
      <source>Retry</source>
      <translation>Thử lại</translation>
    </message>
    <message>
      <source>Ignore</source>
      <translation>Bỏ qua</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Đóng</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Hủy</translation>
    </message>
    <message>
      <source>Discard</source>
      <translation>Không lưu</translation>
    </message>
    <message>
      <source>Help</source>
      <translation>Trợ giúp</translation>
    </message>
    <message>
      <source>Apply</source>
      <translation>Áp dụng</translation>
    </message>
    <message>
      <source>Reset</source>
      <translation>Đặt lại</translation>
    </message>
    <message>
      <source>Restore Defaults</source>
      <translation>Khôi phục mặc định</translation>
    </message>
  </context>
  <context>
    <name>QDialogButtonBox</name>
    <message>
      <source>OK</source>
      <translation>Đồng ý</translation>
    </message>
    <message>
      <source>&amp;OK</source>
      <translation>Đồng ý</translation>
    </message>
    <message>
      <source>&amp;Cancel</source>
      <translation>&amp;Hủy</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Hủy</translation>
    </message>
    <message>
      <source>&amp;Yes</source>
      <translation>&amp;Có</translation>
    </message>
    <message>
      <source>&amp;No</source>
      <translation>&amp;Không</translation>
    </message>
    <message>
      <source>&amp;Close</source>
      <translation>Đó&amp;ng</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Đóng</translation>
    </message>
  </context>
  <context>
    <name>QMessageBox</name>
    <message>
      <source>Show Details...</source>
      <translation>Xem chi tiết...</translation>
    </message>
    <message>
      <source>Hide Details...</source>
      <translation>Ẩn chi tiết...</translation>
    </message>
    <message>
      <source>OK</source>
      <translation>Đồng ý</translation>
    </message>
  </context>
  <context>
    <name>QProgressDialog</name>
    <message>
      <source>Cancel</source>
      <translation>Hủy</translation>
    </message>
  </context>
  <context>
    <name>QInputDialog</name>
    <message>
      <source>Enter a value:</source>
      <translation>Nhập giá trị:</translation>
    </message>
  </context>
  <context>
    <name>QLineEdit</name>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Hoàn tác</translation>
    </message>
    <message>
      <source>&amp;Redo</source>
      <translation>&amp;Làm lại</translation>
    </message>
    <message>
      <source>Cu&amp;t</source>
      <translation>&amp;Cắt</translation>
    </message>
    <message>
      <source>&amp;Copy</source>
      <translation>&amp;Sao chép</translation>
    </message>
    <message>
      <source>&amp;Paste</source>
      <translation>&amp;Dán</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Xóa</translation>
    </message>
    <message>
      <source>Select All</source>
      <translation>Chọn tất cả</translation>
    </message>
  </context>
  <context>
    <name>QWidgetTextControl</name>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Hoàn tác</translation>
    </message>
    <message>
      <source>&amp;Redo</source>
      <translation>&amp;Làm lại</translation>
    </message>
    <message>
      <source>Cu&amp;t</source>
      <translation>&amp;Cắt</translation>
    </message>
    <message>
      <source>&amp;Copy</source>
      <translation>&amp;Sao chép</translation>
    </message>
    <message>
      <source>&amp;Paste</source>
      <translation>&amp;Dán</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Xóa</translation>
    </message>
    <message>
      <source>Select All</source>
      <translation>Chọn tất cả</translation>
    </message>
    <message>
      <source>Copy &amp;Link Location</source>
      <translation>Sao chép địa chỉ &amp;liên kết</translation>
    </message>
  </context>
  <context>
    <name>QAbstractSpinBox</name>
    <message>
      <source>&amp;Select All</source>
      <translation>&amp;Chọn tất cả</translation>
    </message>
    <message>
      <source>&amp;Step up</source>
      <translation>&amp;Tăng</translation>
    </message>
    <message>
      <source>Step &amp;down</source>
      <translation>&amp;Giảm</translation>
    </message>
  </context>
  <context>
    <name>QFileDialog</name>
    <message>
      <source>&amp;Look in:</source>
      <translation>&amp;Tìm trong:</translation>
    </message>
    <message>
      <source>Look in:</source>
      <translation>Tìm trong:</translation>
    </message>
    <message>
      <source>File &amp;name:</source>
      <translation>Tên &amp;tệp:</translation>
    </message>
    <message>
      <source>Files of &amp;type:</source>
      <translation>&amp;Loại tệp:</translation>
    </message>
    <message>
      <source>&amp;Open</source>
      <translation>&amp;Mở</translation>
    </message>
    <message>
      <source>&amp;Save</source>
      <translation>&amp;Lưu</translation>
    </message>
    <message>
      <source>&amp;Choose</source>
      <translation>&amp;Chọn</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Mở</translation>
    </message>
    <message>
      <source>Save As</source>
      <translation>Lưu thành</translation>
    </message>
    <message>
      <source>Back</source>
      <translation>Quay lại</translation>
    </message>
    <message>
      <source>Forward</source>
      <translation>Tiến tới</translation>
    </message>
    <message>
      <source>Parent Directory</source>
      <translation>Thư mục cha</translation>
    </message>
    <message>
      <source>Go back</source>
      <translation>Quay lại</translation>
    </message>
    <message>
      <source>Go forward</source>
      <translation>Tiến tới</translation>
    </message>
    <message>
      <source>Go to the parent directory</source>
      <translation>Lên thư mục cha</translation>
    </message>
    <message>
      <source>Create New Folder</source>
      <translation>Tạo thư mục mới</translation>
    </message>
    <message>
      <source>Create a New Folder</source>
      <translation>Tạo thư mục mới</translation>
    </message>
    <message>
      <source>New Folder</source>
      <translation>Thư mục mới</translation>
    </message>
    <message>
      <source>&amp;New Folder</source>
      <translation>Thư mục &amp;mới</translation>
    </message>
    <message>
      <source>List View</source>
      <translation>Dạng danh sách</translation>
    </message>
    <message>
      <source>Detail View</source>
      <translation>Dạng chi tiết</translation>
    </message>
    <message>
      <source>Change to list view mode</source>
      <translation>Xem dạng danh sách</translation>
    </message>
    <message>
      <source>Change to detail view mode</source>
      <translation>Xem dạng chi tiết</translation>
    </message>
    <message>
      <source>Sidebar</source>
      <translation>Thanh bên</translation>
    </message>
    <message>
      <source>List of places and bookmarks</source>
      <translation>Các nơi và dấu trang</translation>
    </message>
    <message>
      <source>Recent Places</source>
      <translation>Nơi mở gần đây</translation>
    </message>
    <message>
      <source>Files</source>
      <translation>Tệp</translation>
    </message>
    <message>
      <source>Directories</source>
      <translation>Thư mục</translation>
    </message>
    <message>
      <source>Directory:</source>
      <translation>Thư mục:</translation>
    </message>
    <message>
      <source>Find Directory</source>
      <translation>Tìm thư mục</translation>
    </message>
    <message>
      <source>All Files (*)</source>
      <translation>Mọi tệp (*)</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>Mọi tệp (*)</translation>
    </message>
    <message>
      <source>Show &amp;hidden files</source>
      <translation>Hiện tệp &amp;ẩn</translation>
    </message>
    <message>
      <source>&amp;Rename</source>
      <translation>Đổi &amp;tên</translation>
    </message>
    <message>
      <source>&amp;Delete</source>
      <translation>&amp;Xóa</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Xóa</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>Gỡ bỏ</translation>
    </message>
    <message>
      <source>Show </source>
      <translation>Hiện </translation>
    </message>
    <message>
      <source>%1 already exists.
Do you want to replace it?</source>
      <translation>%1 đã có.
Ghi đè lên tệp này?</translation>
    </message>
    <message>
      <source>%1
File not found.
Please verify the correct file name was given.</source>
      <translation>%1
Không tìm thấy tệp.
Hãy kiểm tra lại tên tệp.</translation>
    </message>
    <message>
      <source>%1
Directory not found.
Please verify the correct directory name was given.</source>
      <translation>%1
Không tìm thấy thư mục.
Hãy kiểm tra lại tên thư mục.</translation>
    </message>
    <message>
      <source>Are you sure you want to delete '%1'?</source>
      <translation>Xóa '%1'?</translation>
    </message>
    <message>
      <source>'%1' is write protected.
Do you want to delete it anyway?</source>
      <translation>'%1' đang được bảo vệ ghi.
Vẫn xóa?</translation>
    </message>
    <message>
      <source>Could not delete directory.</source>
      <translation>Không xóa được thư mục.</translation>
    </message>
  </context>
  <context>
    <name>QFileSystemModel</name>
    <message>
      <source>Name</source>
      <translation>Tên</translation>
    </message>
    <message>
      <source>Size</source>
      <translation>Kích thước</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>Loại</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>Loại</translation>
    </message>
    <message>
      <source>Date Modified</source>
      <translation>Ngày sửa</translation>
    </message>
    <message>
      <source>Computer</source>
      <translation>Máy tính</translation>
    </message>
    <message>
      <source>My Computer</source>
      <translation>Máy tính</translation>
    </message>
  </context>
  <context>
    <name>QPrintDialog</name>
    <message>
      <source>Print</source>
      <translation>In</translation>
    </message>
    <message>
      <source>&amp;Print</source>
      <translation>&amp;In</translation>
    </message>
    <message>
      <source>&amp;Options &gt;&gt;</source>
      <translation>&amp;Tùy chọn &gt;&gt;</translation>
    </message>
    <message>
      <source>&amp;Options &lt;&lt;</source>
      <translation>&amp;Tùy chọn &lt;&lt;</translation>
    </message>
    <message>
      <source>Local file</source>
      <translation>Tệp trên máy</translation>
    </message>
    <message>
      <source>Write PDF file</source>
      <translation>Ghi tệp PDF</translation>
    </message>
    <message>
      <source>Print to File (PDF)</source>
      <translation>In ra tệp (PDF)</translation>
    </message>
    <message>
      <source>Print To File ...</source>
      <translation>In ra tệp...</translation>
    </message>
    <message>
      <source>All Pages</source>
      <translation>Mọi trang</translation>
    </message>
    <message>
      <source>Odd Pages</source>
      <translation>Trang lẻ</translation>
    </message>
    <message>
      <source>Even Pages</source>
      <translation>Trang chẵn</translation>
    </message>
    <message>
      <source>Invalid Pages Definition</source>
      <translation>Khoảng trang không đúng</translation>
    </message>
    <message>
      <source>%1 already exists.
Do you want to overwrite it?</source>
      <translation>%1 đã có.
Ghi đè lên tệp này?</translation>
    </message>
    <message>
      <source>%1 is a directory.
Please choose a different file name.</source>
      <translation>%1 là một thư mục.
Hãy chọn tên tệp khác.</translation>
    </message>
    <message>
      <source>File %1 is not writable.
Please choose a different file name.</source>
      <translation>Không ghi được tệp %1.
Hãy chọn tên tệp khác.</translation>
    </message>
    <message>
      <source>The 'From' value cannot be greater than the 'To' value.</source>
      <translation>Trang 'từ' không được lớn hơn trang 'đến'.</translation>
    </message>
    <message>
      <source>Left to Right, Top to Bottom</source>
      <translation>Trái sang phải, trên xuống dưới</translation>
    </message>
    <message>
      <source>Top to Bottom, Left to Right</source>
      <translation>Trên xuống dưới, trái sang phải</translation>
    </message>
  </context>
  <context>
    <name>QPrintWidget</name>
    <message>
      <source>Printer</source>
      <translation>Máy in</translation>
    </message>
    <message>
      <source>&amp;Name:</source>
      <translation>&amp;Tên:</translation>
    </message>
    <message>
      <source>P&amp;roperties</source>
      <translation>Th&amp;uộc tính</translation>
    </message>
    <message>
      <source>Location:</source>
      <translation>Vị trí:</translation>
    </message>
    <message>
      <source>Preview</source>
      <translation>Xem trước</translation>
    </message>
    <message>
      <source>Type:</source>
      <translation>Loại:</translation>
    </message>
    <message>
      <source>Output &amp;file:</source>
      <translation>&amp;Tệp ra:</translation>
    </message>
    <message>
      <source>...</source>
      <translation>...</translation>
    </message>
  </context>
  <context>
    <name>QPrintPropertiesWidget</name>
    <message>
      <source>Page</source>
      <translation>Trang</translation>
    </message>
    <message>
      <source>Advanced</source>
      <translation>Nâng cao</translation>
    </message>
  </context>
  <context>
    <name>QPrintSettingsOutput</name>
    <message>
      <source>Copies</source>
      <translation>Số bản</translation>
    </message>
    <message>
      <source>Copies:</source>
      <translation>Số bản:</translation>
    </message>
    <message>
      <source>Collate</source>
      <translation>Sắp theo bộ</translation>
    </message>
    <message>
      <source>Reverse</source>
      <translation>In ngược</translation>
    </message>
    <message>
      <source>Options</source>
      <translation>Tùy chọn</translation>
    </message>
    <message>
      <source>Color Mode</source>
      <translation>Chế độ màu</translation>
    </message>
    <message>
      <source>Color</source>
      <translation>Màu</translation>
    </message>
    <message>
      <source>Grayscale</source>
      <translation>Đen trắng</translation>
    </message>
    <message>
      <source>Double Sided Printing</source>
      <translation>In hai mặt</translation>
    </message>
    <message>
      <source>Off</source>
      <translation>Tắt</translation>
    </message>
    <message>
      <source>Long side binding</source>
      <translation>Gáy cạnh dài</translation>
    </message>
    <message>
      <source>Short side binding</source>
      <translation>Gáy cạnh ngắn</translation>
    </message>
    <message>
      <source>Print range</source>
      <translation>Phạm vi in</translation>
    </message>
    <message>
      <source>Print all</source>
      <translation>In tất cả</translation>
    </message>
    <message>
      <source>Pages from</source>
      <translation>Các trang từ</translation>
    </message>
    <message>
      <source>to</source>
      <translation>đến</translation>
    </message>
    <message>
      <source>Pages</source>
      <translation>Các trang</translation>
    </message>
    <message>
      <source>Selection</source>
      <translation>Phần đã chọn</translation>
    </message>
    <message>
      <source>Current Page</source>
      <translation>Trang hiện tại</translation>
    </message>
    <message>
      <source>Output Settings</source>
      <translation>Cài đặt in</translation>
    </message>
    <message>
      <source>Page &amp;Set:</source>
      <translation>&amp;Bộ trang:</translation>
    </message>
  </context>
  <context>
    <name>QPageSetupWidget</name>
    <message>
      <source>Paper</source>
      <translation>Giấy</translation>
    </message>
    <message>
      <source>Page size:</source>
      <translation>Khổ giấy:</translation>
    </message>
    <message>
      <source>Width:</source>
      <translation>Rộng:</translation>
    </message>
    <message>
      <source>Height:</source>
      <translation>Cao:</translation>
    </message>
    <message>
      <source>Paper source:</source>
      <translation>Nguồn giấy:</translation>
    </message>
    <message>
      <source>Orientation</source>
      <translation>Hướng giấy</translation>
    </message>
    <message>
      <source>Portrait</source>
      <translation>Dọc</translation>
    </message>
    <message>
      <source>Landscape</source>
      <translation>Ngang</translation>
    </message>
    <message>
      <source>Reverse landscape</source>
      <translation>Ngang ngược</translation>
    </message>
    <message>
      <source>Reverse portrait</source>
      <translation>Dọc ngược</translation>
    </message>
    <message>
      <source>Margins</source>
      <translation>Lề</translation>
    </message>
    <message>
      <source>top margin</source>
      <translation>lề trên</translation>
    </message>
    <message>
      <source>bottom margin</source>
      <translation>lề dưới</translation>
    </message>
    <message>
      <source>left margin</source>
      <translation>lề trái</translation>
    </message>
    <message>
      <source>right margin</source>
      <translation>lề phải</translation>
    </message>
    <message>
      <source>Page Layout</source>
      <translation>Bố cục trang</translation>
    </message>
    <message>
      <source>Page &amp;order:</source>
      <translation>&amp;Thứ tự trang:</translation>
    </message>
    <message>
      <source>Pages &amp;per sheet:</source>
      <translation>Số trang &amp;mỗi tờ:</translation>
    </message>
    <message>
      <source>Custom</source>
      <translation>Tùy chỉnh</translation>
    </message>
    <message>
      <source>Millimeters (mm)</source>
      <translation>Milimét (mm)</translation>
    </message>
    <message>
      <source>Points (pt)</source>
      <translation>Điểm (pt)</translation>
    </message>
    <message>
      <source>Inches (in)</source>
      <translation>Inch (in)</translation>
    </message>
  </context>
  <context>
    <name>QPrintPreviewDialog</name>
    <message>
      <source>Print Preview</source>
      <translation>Xem trước khi in</translation>
    </message>
    <message>
      <source>Print</source>
      <translation>In</translation>
    </message>
    <message>
      <source>Export to PDF</source>
      <translation>Xuất PDF</translation>
    </message>
    <message>
      <source>Next page</source>
      <translation>Trang sau</translation>
    </message>
    <message>
      <source>Previous page</source>
      <translation>Trang trước</translation>
    </message>
    <message>
      <source>First page</source>
      <translation>Trang đầu</translation>
    </message>
    <message>
      <source>Last page</source>
      <translation>Trang cuối</translation>
    </message>
    <message>
      <source>Fit width</source>
      <translation>Vừa chiều rộng</translation>
    </message>
    <message>
      <source>Fit page</source>
      <translation>Vừa trang</translation>
    </message>
    <message>
      <source>Zoom in</source>
      <translation>Phóng to</translation>
    </message>
    <message>
      <source>Zoom out</source>
      <translation>Thu nhỏ</translation>
    </message>
    <message>
      <source>Portrait</source>
      <translation>Dọc</translation>
    </message>
    <message>
      <source>Landscape</source>
      <translation>Ngang</translation>
    </message>
    <message>
      <source>Show single page</source>
      <translation>Một trang</translation>
    </message>
    <message>
      <source>Show facing pages</source>
      <translation>Hai trang đối diện</translation>
    </message>
    <message>
      <source>Show overview of all pages</source>
      <translation>Mọi trang</translation>
    </message>
    <message>
      <source>Page setup</source>
      <translation>Thiết lập trang</translation>
    </message>
    <message>
      <source>Page Setup</source>
      <translation>Thiết lập trang</translation>
    </message>
  </context>
</TS>
