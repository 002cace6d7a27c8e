"""Finding the header row among title rows and mapping Vietnamese column headings to fields.

Government sheets put "CÔNG AN XÃ …" and "DANH SÁCH …" above the header and spell headings many ways
("Họ và tên", "HỌ TÊN", "Ngày, tháng, năm sinh", "Số ĐDCN"). Headings are folded (no case, marks, đ→d),
punctuation becomes spaces, then matched exactly against synonyms, then by key phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from common.vietnamese import fold
from desktop.services.register.types import ImportFileError

from .reading import Row

SCAN_ROWS = 20

_IGNORE = "ignore"
_EXACT: dict[str, str] = {}
for _field, _names in {
    "full_name": "ho va ten|ho ten|ho va ten cong dan|ho ten cong dan|ten|ho va ten nguoi|ho va ten khai sinh|"
    "ho ten khai sinh|ten cong dan|cong dan|ho va ten chu ho|ho ten nguoi",
    "birth_date": "ngay thang nam sinh|ngay sinh|ns|sinh ngay|ngay thang nam|ngay nam sinh|ngay sinh dd mm yyyy|"
    "dob|ngay thang sinh",
    "birth_year": "nam sinh",
    "sex": "gioi tinh|gt|phai|gioi",
    "sex_male": "nam",
    "sex_female": "nu",
    "id_number": "so cccd|cccd|so dinh danh|so ddcn|ddcn|so dinh danh ca nhan|ma dinh danh|so can cuoc|"
    "so can cuoc cong dan|so cccd cmnd|cccd cmnd|so cmnd cccd|cmnd cccd|so the cccd|dinh danh|so dd|so id|"
    "ma so dinh danh|so dinh danh cccd",
    "old_cmnd": "cmnd|so cmnd|so chung minh nhan dan|chung minh nhan dan|cmnd cu|so cmnd cu|so cmt|cmt",
    "village": "thon to dan pho|thon|to|ap|ban|to dan pho|thon to|khu pho|xom|thon xom|thon ap|tdp|khom|thon ban|"
    "to dp|khu|thon to dp|thon khu pho|ap khu pho|khu dan cu|buon|bon|lang|phum|soc|khoi pho|khoi|tieu khu|"
    "thon buon|buon thon|thon lang|thon bon|ban lang|phum soc|ap phum soc|khom ap|khoi pho to dan pho|"
    "thon to dan pho khoi pho|thon ban buon|thon buon lang|thon ban to dan pho|tieu khu ban|thon ap khu pho",
    "card_known": "da co the|co the|da co the can cuoc|co the can cuoc|da co the cccd|co the cccd|da co cccd|"
    "co cccd|da cap the|da cap cccd|da cap the can cuoc|tinh trang the|tinh trang cccd|da lam cccd|da lam the|"
    "the can cuoc|da co can cuoc|co can cuoc",
    "vneid_l2": "vneid|vneid muc 2|muc 2|muc do 2|dinh danh muc 2|dinh danh dien tu muc 2|dddt muc 2|dddt|"
    "tai khoan vneid|tai khoan dinh danh dien tu|da dang ky vneid|dang ky vneid|da co vneid|co vneid|"
    "vneid muc do 2|dinh danh dien tu|tinh trang vneid|da dang ky muc 2",
    "vneid_activated": "da kich hoat vneid|kich hoat vneid|da kich hoat|kich hoat|kich hoat tai khoan|"
    "da kich hoat tai khoan|da kich hoat dinh danh dien tu|kich hoat dddt|da kich hoat muc 2",
    "address": "dia chi|noi thuong tru|dia chi thuong tru|noi o hien nay|noi o hien tai|noi cu tru|cho o hien nay|"
    "dia chi cu tru|thuong tru|ho khau thuong tru|dia chi lien he|noi o",
    "phone": "sdt|so dien thoai|dien thoai|dt|so dt|dtdd|di dong|so di dong|sdt lien he|dien thoai lien he",
    "card_issued_on": "ngay cap|ngay cap cccd|ngay cap the|ngay cap the cccd|ngay cap cmnd cccd|ngay cap cccd cmnd",
    "note": "ghi chu|ghi chu khac",
    "elderly": "nguoi cao tuoi|cao tuoi|nct|nguoi gia",
    "disabled": "khuyet tat|nguoi khuyet tat|nkt",
    "needs_home_visit": "can den tan nha|den tan nha|thu nhan tai nha|tai nha|lam tai nha|can thu nhan tai nha|"
    "tan nha|can den nha",
    _IGNORE: "stt|tt|so tt|so thu tu",
}.items():
    for _n in _names.split("|"):
        _EXACT[_n] = _field

# Key phrases for longer headings ("Số CCCD (12 số)"), tried in order.
_CONTAINS: list[tuple[tuple[str, ...], str]] = [
    (("ngay cap",), "card_issued_on"),
    (("kich hoat",), "vneid_activated"),
    (("vneid", "muc 2", "muc do 2", "dinh danh dien tu", "dddt"), "vneid_l2"),
    (("da co the", "co the can cuoc", "co the cccd", "da cap the", "tinh trang the", "da co cccd", "co cccd",
      "da cap cccd", "da co can cuoc"), "card_known"),
    (("gioi tinh",), "sex"),
    (("dinh danh", "cccd", "can cuoc", "ddcn"), "id_number"),
    (("cmnd", "chung minh"), "old_cmnd"),
    (("dien thoai", "sdt"), "phone"),
    (("ho va ten", "ho ten"), "full_name"),
    (("ngay sinh", "ngay thang nam sinh", "sinh ngay"), "birth_date"),
    (("nam sinh",), "birth_year"),
    (("ghi chu",), "note"),
    (("cao tuoi",), "elderly"),
    (("khuyet tat",), "disabled"),
    (("tan nha", "tai nha"), "needs_home_visit"),
    (("thuong tru", "dia chi", "cu tru", "noi o"), "address"),
    (("thon", "to dan pho", "khu pho", "xom", "ap", "ban", "buon", "lang", "phum", "soc", "khoi pho", "tieu khu",
      "khom"), "village"),
]
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_heading(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return _NON_WORD.sub(" ", fold(text)).strip()


def field_of(heading: object) -> str | None:
    """The field a heading names, or None."""
    h = normalise_heading(heading)
    if not h:
        return None
    if h in _EXACT:
        return _EXACT[h]
    words = h.split()
    if len(words) > 7:
        return None  # a title ("DANH SÁCH CÔNG DÂN CHƯA CÓ CCCD …"), not a heading
    padded = f" {h} "
    for phrases, fld in _CONTAINS:
        if any(f" {p} " in padded for p in phrases):
            return fld
    return None


@dataclass
class Header:
    """Where the header is and which column holds which field."""

    index: int  # position in Table.head of the last header row
    row: int  # row number in the file
    columns: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # field → heading as written in the file


def _map_row(cells: list[object]) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    for i, cell in enumerate(cells):
        fld = field_of(cell)
        if fld and fld != _IGNORE and fld not in columns:
            columns[fld] = i
            labels[fld] = " ".join(str(cell).split())
    return columns, labels


def find_header(head: list[Row], file_name: str) -> Header:
    """The row among the first SCAN_ROWS matching most synonyms; ImportFileError naming what is missing."""
    best: Header | None = None
    for idx, (rowno, cells) in enumerate(head[:SCAN_ROWS]):
        columns, labels = _map_row(cells)
        if not columns:
            continue
        if best is None or len(columns) > len(best.columns):
            best = Header(idx, rowno, columns, labels)
    if best is None:
        raise ImportFileError(
            f"Không tìm thấy dòng tiêu đề cột trong {SCAN_ROWS} dòng đầu của tệp {file_name} "
            "(cần ít nhất cột 'Họ và tên')",
            en=f"No column header row in the first {SCAN_ROWS} rows of the file {file_name} (at least the "
               "column 'Họ và tên' is needed)",
        )
    _merge_sub_header(best, head)
    if "full_name" not in best.columns:
        found = ", ".join(f"'{v}'" for v in best.labels.values())
        raise ImportFileError(
            f"Thiếu cột bắt buộc 'Họ và tên' trong tệp {file_name} (dòng tiêu đề {best.row} có các cột: {found})",
            en=f"The required column 'Họ và tên' is missing in the file {file_name} (header row {best.row} "
               f"has the columns: {found})",
        )
    return best


def _merge_sub_header(header: Header, head: list[Row]) -> None:
    """Two-level headers: 'Ngày tháng năm sinh' over 'Nam' | 'Nữ', or 'Giới tính' over 'Nam' | 'Nữ'."""
    if header.index + 1 >= len(head):
        return
    _, cells = head[header.index + 1]
    sub, labels = _map_row(cells)
    if not ({"sex_male", "sex_female"} & sub.keys()):
        return
    if any(isinstance(c, str) and c.strip() and field_of(c) is None for c in cells):
        return  # a data row whose sex cell says 'Nam', not a second header row
    if any(f not in ("sex_male", "sex_female") and f not in header.columns for f in sub):
        return
    for fld in ("sex_male", "sex_female"):
        if fld in sub:
            header.columns[fld] = sub[fld]
            header.labels[fld] = labels[fld]
    header.index += 1
    header.row = head[header.index][0]
