"""Input limits shared by the laptop and the hub (imports neither `desktop` nor `province`).

- `gunzip_bounded`: streaming gzip decompression with a ceiling on the output (zlib max_length), fed from
  an iterable of chunks, so a small bomb never grows past the cap and a large file is never read whole.
- `JsonShape`: a streaming, non-recursive scan of raw JSON bytes *before* `json.loads` builds objects:
  nesting depth, number of structural items (containers, ',' and ':', escapes) and string length. A
  100,000-deep `[[[…` or 8 MiB of `{},{},…` is refused after a few bytes or a bounded count, never a
  RecursionError or a gigabyte of dicts.
- Date ranges for signed reports (`check_day`, `check_instant`).
- `village_name_problem`: a village name holding a phone/ID-shaped digit run or shaped like a citizen's
  name is personal data and must not leave the laptop nor be stored by the hub.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable

# -- errors -------------------------------------------------------------------------------------------

SIZE, SHAPE, SYNTAX = "size", "shape", "syntax"


class LimitExceeded(ValueError):
    """Input over a limit. `kind`: SIZE (too many bytes → 413), SHAPE (too deep / too many items /
    too long a string → 400) or SYNTAX (not gzip / not JSON → 400)."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason

    @property
    def status(self) -> int:
        return 413 if self.kind == SIZE else 400


# -- bounded gzip -------------------------------------------------------------------------------------

PIECE = 1024 * 1024  # decompressed bytes produced per zlib call


def gunzip_bounded(chunks: Iterable[bytes] | bytes, limit: int, *, sink: Callable[[bytes], None] | None = None,
                   piece: int = PIECE) -> bytes:
    """Decompress a gzip stream given as bytes or chunks; never holds more than `limit` (+ one piece)
    of output. `sink` sees every decompressed piece first (e.g. `JsonShape.feed`) and may raise to stop
    early. Raises LimitExceeded(SIZE) over the limit, LimitExceeded(SYNTAX) for bad or truncated gzip."""
    if isinstance(chunks, bytes | bytearray | memoryview):
        chunks = (bytes(chunks),)
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()

    def take(data: bytes) -> None:
        if not data:
            return
        if len(out) + len(data) > limit:
            raise LimitExceeded(SIZE, f"too large once decompressed (over {limit} bytes)")
        if sink is not None:
            sink(data)
        out.extend(data)

    try:
        for chunk in chunks:
            data = chunk
            while data and not d.eof:
                take(d.decompress(data, piece))
                data = d.unconsumed_tail
            if d.eof:
                break
        while not d.eof:  # output zlib still holds for input already given
            got = d.decompress(b"", piece)
            if not got:
                break
            take(got)
    except zlib.error as exc:
        raise LimitExceeded(SYNTAX, f"not gzip: {exc}") from None
    if not d.eof:  # a cut-off upload would otherwise pass on as a silently truncated body
        raise LimitExceeded(SYNTAX, "not gzip: truncated stream")
    return bytes(out)


def read_chunks(f: object, size: int = PIECE) -> Iterable[bytes]:
    """The chunks of a binary file object (anything with .read(n))."""
    read = f.read  # type: ignore[attr-defined]
    while True:
        chunk = read(size)
        if not chunk:
            return
        yield chunk


# -- JSON shape, before json.loads ---------------------------------------------------------------------

MAX_JSON_DEPTH = 8
_OUTSIDE = re.compile(rb'["\[\]{},:]')
_INSIDE = re.compile(rb'["\\]')
_QUOTE, _BACKSLASH = 0x22, 0x5C
_OPEN, _CLOSE = frozenset(b"[{"), frozenset(b"]}")


class JsonShape:
    """Streaming scan of JSON bytes: nesting depth, structural items (containers, ',', ':' and string
    escapes, which bound how many objects json.loads can build) and the longest string. Not a parser:
    only what json.loads would build is bounded; syntax is still json.loads's job. No recursion; Python
    work is one step per structural item or string boundary (bounded by `max_items`)."""

    def __init__(self, *, max_depth: int = MAX_JSON_DEPTH, max_items: int = 1 << 20,
                 max_string: int = 64 * 1024) -> None:
        self.max_depth, self.max_items, self.max_string = max_depth, max_items, max_string
        self.depth = 0
        self.items = 0
        self._in_string = False
        self._escape = False
        self._string_len = 0

    def _count(self, n: int = 1) -> None:
        self.items += n
        if self.items > self.max_items:
            raise LimitExceeded(SHAPE, f"JSON with more than {self.max_items} items")

    def _grow_string(self, n: int) -> None:
        self._string_len += n
        if self._string_len > self.max_string:
            raise LimitExceeded(SHAPE, f"JSON string longer than {self.max_string} bytes")

    def feed(self, chunk: bytes) -> None:
        pos, end = 0, len(chunk)
        while pos < end:
            if self._in_string:
                if self._escape:  # the character after a backslash never ends the string
                    self._escape = False
                    self._grow_string(1)
                    pos += 1
                    continue
                m = _INSIDE.search(chunk, pos)
                if m is None:
                    self._grow_string(end - pos)
                    return
                self._grow_string(m.start() - pos)
                pos = m.end()
                if chunk[m.start()] == _QUOTE:
                    self._in_string = False
                else:
                    self._escape = True
                    self._grow_string(1)
                    self._count()
                continue
            m = _OUTSIDE.search(chunk, pos)
            if m is None:
                return
            c = chunk[m.start()]
            pos = m.end()
            if c == _QUOTE:
                self._in_string, self._string_len = True, 0
            elif c in _OPEN:
                self.depth += 1
                if self.depth > self.max_depth:
                    raise LimitExceeded(SHAPE, f"JSON nested deeper than {self.max_depth} levels")
                self._count()
            elif c in _CLOSE:
                self.depth -= 1
                if self.depth < 0:
                    raise LimitExceeded(SYNTAX, "not JSON: unbalanced brackets")
            else:
                self._count()

    def finish(self) -> None:
        if self._in_string or self.depth != 0:
            raise LimitExceeded(SYNTAX, "not JSON: unterminated string or bracket")


def check_json(data: bytes, **limits: int) -> None:
    """Scan a whole JSON document (see JsonShape); raises LimitExceeded."""
    scan = JsonShape(**limits)
    scan.feed(data)
    scan.finish()


# -- dates of signed reports --------------------------------------------------------------------------

EARLIEST_DAY = dt.date(2020, 1, 1)  # no enrolment point reports anything older
MAX_AHEAD = dt.timedelta(days=1)  # clocks and time zones: a day ahead of UTC is still plausible


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_day(day: dt.date, now: dt.datetime | None = None) -> str | None:
    """None if `day` is between 2020-01-01 and tomorrow (UTC), else the reason."""
    latest = ((now or _utc_now()) + MAX_AHEAD).date()
    if not EARLIEST_DAY <= day <= latest:
        return f"must be between {EARLIEST_DAY.isoformat()} and {latest.isoformat()}"
    return None


def check_instant(when: dt.datetime, now: dt.datetime | None = None) -> str | None:
    """None if an aware `when` is between 2020-01-01 and a day from now, else the reason."""
    now = now or _utc_now()
    earliest = dt.datetime.combine(EARLIEST_DAY, dt.time(), dt.UTC)
    if not earliest <= when <= now + MAX_AHEAD:
        return f"must be between {EARLIEST_DAY.isoformat()} and a day from now"
    return None


def parse_instant(text: object) -> dt.datetime | None:
    """An ISO date-time as aware UTC, or None when it is not one or cannot be represented (year 1 with an
    offset overflows; so does 9999-12-31 with a negative one)."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return when.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


# -- personal data in village names -------------------------------------------------------------------

# 8 or more digits, single spaces, dots, dashes or slashes between them allowed: phones (10), CMND (9),
# CCCD (12), dates of birth (8). "Tổ 12", "Khu phố 3", "Thôn 5A" have short numbers.
_DIGIT_RUN = re.compile(r"\d(?:[ .\-/]?\d){7,}")
# Words that open a place name (lower case, NFC); a name starting with one is a place, not a person.
_PLACE_WORDS = frozenset((
    "thôn", "tổ", "tdp", "ấp", "bản", "buôn", "khóm", "khu", "kp", "xóm", "làng", "sóc", "plei", "pơ", "đội",
    "khối", "cụm", "liên", "tiểu", "phum", "chòm", "số", "chưa", "ngõ", "hẻm", "đường", "phố", "tập", "nhóm",
    "điểm", "trạm", "đảo", "đặc", "xã", "phường", "thị", "huyện", "quận", "tt", "kdc", "kdt", "cđ",
))
# The most common Vietnamese family names (≈ 95 % of the population).
_SURNAMES = frozenset((
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô",
    "dương", "lý", "đào", "đoàn", "vương", "trịnh", "trương", "lâm", "phùng", "tô", "tạ", "lương", "đinh",
    "châu", "quách", "lưu", "kiều", "mạc", "hứa", "triệu", "tăng", "lã", "khổng", "thân", "từ", "giáp",
))
# Middle names that mark a person's name right after the family name.
_MIDDLE = frozenset((
    "thị", "văn", "đức", "hữu", "minh", "ngọc", "quang", "thanh", "xuân", "kim", "công", "đình", "bá",
    "thành", "quốc", "thu", "thuý", "thúy", "mạnh", "trọng", "tiến", "duy", "hồng", "phương", "anh",
))


def village_name_problem(name: str) -> str | None:
    """Why a village name must not be sent or stored (it holds personal data), or None.

    Refused: a digit run of a phone / ID / date-of-birth shape anywhere; or, when the name does not open
    with a place word (Thôn, Tổ dân phố, Ấp, Bản, Khu phố, …), the shape of a citizen's name: a common
    family name followed by a common middle name and at least one more word ("Trần Thị Bình"). The
    placeholder "Chưa rõ thôn/tổ" and names such as "Thôn Nguyễn Huệ" or "Tổ 12" pass.
    """
    text = unicodedata.normalize("NFC", name).strip()
    if _DIGIT_RUN.search(text):
        return "holds a phone or ID number"
    words = [w for w in re.split(r"[\s,;:()\-–/]+", text) if w]
    if len(words) < 3 or words[0].lower() in _PLACE_WORDS:
        return None
    if all(w.isalpha() for w in words[:3]) and words[0].lower() in _SURNAMES and words[1].lower() in _MIDDLE:
        return "looks like a person's name"
    return None
