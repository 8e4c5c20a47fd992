"""The people of an office: `pegawai.csv` at the project root maps the names staff write in
logs to the positions (pelaksana) the SOPs name.

Staff write their own names in logs ("Budi Santoso", "Pak Camat"), not the position. With
this file a row done by a known person is judged by that person's position, and the reports
gain a per-person table. Without it nothing changes. The file is untrusted like a log: a
problem in it is a note naming its line, never a traceback; a file that cannot be read at
all is a `PeopleError` (a usage problem)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

PEOPLE_FILE = "pegawai.csv"
MAX_BYTES = 2_000_000  # an office's staff list is a few kilobytes; more is not a staff list
COLUMNS = ("nama", "nip", "pelaksana")
_SYNONYMS = {"nama": "nama", "name": "nama", "nip": "nip", "pelaksana": "pelaksana", "jabatan": "pelaksana"}


class PeopleError(ValueError):
    """pegawai.csv cannot be read at all; the message is Indonesian and names the file."""


@dataclass(frozen=True)
class Person:
    nama: str
    nip: str
    pelaksana: str  # an actor id, nama or alias, as written
    line: int  # line of pegawai.csv


@dataclass
class People:
    """The persons of pegawai.csv (in file order) and the problems of its lines."""

    persons: list[Person] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    file: str | None = None

    def __bool__(self) -> bool:
        return bool(self.persons)


def load_people(root: Path, *, file: str = PEOPLE_FILE) -> People:
    """pegawai.csv of the project, or no people when there is none."""
    path = root / file
    if not path.is_file():
        return People()
    if path.stat().st_size > MAX_BYTES:
        raise PeopleError(f"{file} lebih dari {MAX_BYTES // 1_000_000} MB; berkas ini hanya daftar pegawai (nama, nip, pelaksana)")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PeopleError(f"{file} bukan teks UTF-8; simpan ulang dari Excel sebagai 'CSV UTF-8'") from None
    if "\x00" in text:
        raise PeopleError(f"{file} bukan berkas teks CSV; simpan ulang dari Excel sebagai 'CSV UTF-8'")
    return parse_people(text, file)


def parse_people(text: str, file: str = PEOPLE_FILE) -> People:
    """The persons of a pegawai.csv text; lines that cannot be used become notes."""
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    sep = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False)
    people = People(file=file)
    header: dict[str, int] = {}
    seen: dict[str, Person] = {}
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if not header:
                header = {_SYNONYMS[k]: i for i, f in enumerate(fields) if (k := f.strip().casefold()) in _SYNONYMS}
                missing = [c for c in ("nama", "pelaksana") if c not in header]
                if missing:
                    raise PeopleError(
                        f"{file} baris {line}: kolom {' dan '.join(repr(c) for c in missing)} tidak ada; "
                        "baris pertama harus berisi nama kolom nama, nip, pelaksana"
                    )
                continue
            value = lambda c: fields[header[c]].strip() if c in header and header[c] < len(fields) else ""  # noqa: E731
            nama, nip, pelaksana = value("nama"), value("nip"), value("pelaksana")
            if not nama or not pelaksana:
                people.notes.append(f"{file} baris {line}: kolom nama dan pelaksana wajib diisi; baris ini tidak dipakai")
                continue
            key = " ".join(nama.split()).casefold()
            if key in seen:
                people.notes.append(f"{file} baris {line}: '{nama}' sudah ada di baris {seen[key].line}; baris ini tidak dipakai")
                continue
            seen[key] = Person(nama, nip, pelaksana, line)
            people.persons.append(seen[key])
    except csv.Error as err:
        raise PeopleError(f"{file} baris {reader.line_num}: CSV tidak terbaca ({err}); periksa tanda kutip") from None
    if not header:
        raise PeopleError(f"{file} kosong; baris pertama harus berisi nama kolom nama, nip, pelaksana")
    return people
