"""Whether a log file can be read at all: it exists, is a file, and is UTF-8 text.

The errors name the file, and for bad UTF-8 the byte offset and line, so staff can fix the
export instead of guessing.
"""

from __future__ import annotations

from pathlib import Path

from sopgen.conformance.readers.model import LogFileError

_UTF8_CHUNK = 1 << 24


def _require_file(file: str, path: Path) -> None:
    if not path.exists():
        raise LogFileError(file, f"berkas log '{file}' tidak ditemukan")
    if not path.is_file():
        raise LogFileError(file, f"'{file}' bukan berkas; sebut berkas log .xlsx, .csv, .jsonl atau .parquet")


def _utf8_error(file: str, data: bytes, err: UnicodeDecodeError, base: int = 0, lines: int = 0) -> LogFileError:
    offset = base + err.start
    line = lines + data.count(b"\n", 0, err.start) + 1
    bad = data[err.start : err.start + 1].hex().upper()
    return LogFileError(
        file,
        f"berkas log '{file}' bukan teks UTF-8: byte 0x{bad} di posisi byte {offset} (baris {line}); "
        "simpan ulang sebagai 'CSV UTF-8' (Excel: Simpan Sebagai › CSV UTF-8)",
    )


def _check_text(file: str, head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        raise _nul_error(file)


def _nul_error(file: str) -> LogFileError:
    return LogFileError(
        file,
        f"berkas log '{file}' tampaknya UTF-16 atau biner (berisi byte NUL), bukan teks UTF-8; "
        "simpan ulang sebagai 'CSV UTF-8'",
    )


def _scan_utf8(file: str, path: Path) -> None:
    """Raise LogFileError naming the first invalid UTF-8 byte (offset and line), if any.

    Reads in chunks so a large file is never held whole; a sequence cut by a chunk border
    is carried over to the next chunk.
    """
    base = 0  # file offset of buf[0]
    lines = 0  # newlines before buf[0]
    carry = b""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_UTF8_CHUNK)
            buf = carry + chunk
            try:
                buf.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as err:
                if chunk and err.reason == "unexpected end of data" and err.start >= len(buf) - 3:
                    carry = buf[err.start :]
                    buf = buf[: err.start]
                else:
                    raise _utf8_error(file, buf, err, base, lines) from None
            if not chunk:
                return
            base += len(buf)
            lines += buf.count(b"\n")
