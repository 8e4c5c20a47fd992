"""Working-time arithmetic, checked against durations worked out by hand.

Default calendar: Monday-Thursday 07:30-12:00 + 13:00-16:00 (450 minutes), Friday
07:30-11:30 + 13:00-16:30 (450 minutes), Saturday and Sunday off, Indonesian national
holidays and cuti bersama closed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import polars as pl
import pytest

from sopgen.conformance.workcal import CalendarConfig, WorkCalendar


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_lunch_break_is_not_working_time(cal: WorkCalendar) -> None:
    # Thursday 11:00-12:00 (60) + 13:00-14:00 (60)
    assert cal.working_minutes(dt("2023-10-05 11:00"), dt("2023-10-05 14:00")) == 120.0
    assert cal.working_minutes(dt("2023-10-05 12:10"), dt("2023-10-05 12:50")) == 0.0


def test_exact_to_the_second_across_the_break(cal: WorkCalendar) -> None:
    # 30 s before the break + 45 s after it
    assert cal.working_minutes(dt("2023-10-05 11:59:30"), dt("2023-10-05 13:00:45")) == 1.25


def test_weekend_is_skipped(cal: WorkCalendar) -> None:
    # Friday 15:00-16:30 (90) + Monday 07:30-09:00 (90)
    assert cal.working_minutes(dt("2023-10-06 15:00"), dt("2023-10-09 09:00")) == 180.0


def test_outside_hours_counts_nothing(cal: WorkCalendar) -> None:
    assert cal.working_minutes(dt("2023-10-05 18:00"), dt("2023-10-06 07:00")) == 0.0
    assert cal.working_minutes(dt("2023-10-07 08:00"), dt("2023-10-08 15:00")) == 0.0


def test_independence_day_is_closed(cal: WorkCalendar) -> None:
    assert not cal.is_workday(date(2023, 8, 17))
    assert "Kemerdekaan" in (cal.holiday_name(date(2023, 8, 17)) or "")
    # Wednesday 15:00-16:00 (60) + Thursday 17 Aug closed + Friday 07:30-08:00 (30)
    assert cal.working_minutes(dt("2023-08-16 15:00"), dt("2023-08-18 08:00")) == 90.0


def test_cuti_bersama_is_closed_unless_only_public_holidays() -> None:
    cal = WorkCalendar()
    # The holidays package lists 26 Dec 2023 (Tuesday) as cuti bersama for Christmas.
    assert cal.holiday_name(date(2023, 12, 26)) == "Cuti Bersama Hari Raya Natal"
    assert not cal.is_workday(date(2023, 12, 26))
    # Friday 16:00-16:30 (30); Sat, Sun, Mon 25 (Natal), Tue 26 (cuti bersama) closed;
    # Wednesday 07:30-08:30 (60)
    assert cal.working_minutes(dt("2023-12-22 16:00"), dt("2023-12-27 08:30")) == 90.0
    public_only = WorkCalendar(CalendarConfig(holiday_categories=("public",)))
    assert public_only.is_workday(date(2023, 12, 26))
    assert public_only.working_minutes(dt("2023-12-22 16:00"), dt("2023-12-27 08:30")) == 90.0 + 450.0


def test_friday_has_its_own_hours(cal: WorkCalendar) -> None:
    assert cal.periods(date(2023, 10, 6)) == (("07:30", "11:30"), ("13:00", "16:30"))
    # Friday 11:00-11:30 (30) + 13:00-14:00 (60); the same span on Thursday is 120
    assert cal.working_minutes(dt("2023-10-06 11:00"), dt("2023-10-06 14:00")) == 90.0
    assert cal.working_minutes(dt("2023-10-06 07:00"), dt("2023-10-06 18:00")) == 450.0
    same = WorkCalendar(CalendarConfig(friday_hours=None))
    assert same.working_minutes(dt("2023-10-06 11:00"), dt("2023-10-06 14:00")) == 120.0


def test_extra_closed_and_extra_open() -> None:
    closed = WorkCalendar(CalendarConfig(extra_closed=(date(2023, 10, 9),)))
    assert closed.holiday_name(date(2023, 10, 9)) == "Libur kantor"
    # Friday 90 + Monday closed + Tuesday 07:30-09:00 (90)
    assert closed.working_minutes(dt("2023-10-06 15:00"), dt("2023-10-10 09:00")) == 180.0
    opened = WorkCalendar(CalendarConfig(extra_open=(date(2023, 10, 7), date(2023, 8, 17))))
    assert opened.is_workday(date(2023, 10, 7))
    # Friday 90 + Saturday open with the standard 450 + Monday 90
    assert opened.working_minutes(dt("2023-10-06 15:00"), dt("2023-10-09 09:00")) == 630.0
    # An open holiday works its weekday's hours (Thursday: 450)
    assert opened.working_minutes(dt("2023-08-17 00:00"), dt("2023-08-18 00:00")) == 450.0


def test_minutes_per_day_is_the_monday_to_thursday_day() -> None:
    assert WorkCalendar().minutes_per_day == 450.0
    assert WorkCalendar(CalendarConfig(hours=(("08:00", "16:00"),), friday_hours=(("08:00", "11:00"),))).minutes_per_day == 480.0


def test_end_before_start_raises(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="lebih awal"):
        cal.working_minutes(dt("2023-10-05 10:00"), dt("2023-10-05 09:00"))
    with pytest.raises(ValueError, match="pasangan ke-2"):
        cal.working_minutes_many([dt("2023-10-05 08:00"), dt("2023-10-05 10:00")], [dt("2023-10-05 09:00"), dt("2023-10-05 09:00")])


def test_aware_times_are_converted_to_the_office_zone(cal: WorkCalendar) -> None:
    start = datetime(2023, 10, 5, 1, 0, tzinfo=timezone.utc)  # 08:00 WIB
    end = datetime(2023, 10, 5, 3, 0, tzinfo=timezone.utc)  # 10:00 WIB
    assert cal.working_minutes(start, end) == 120.0
    s = pl.Series([start]).dt.convert_time_zone("UTC")
    e = pl.Series([end]).dt.convert_time_zone("UTC")
    assert cal.working_minutes_many(s, e).to_list() == [120.0]


def _oracle(cal: WorkCalendar, start: datetime, end: datetime) -> float:
    """Independent reckoning: intersect [start, end] with every working period, day by day."""
    total = timedelta()
    day = start.date()
    while day <= end.date():
        for a, b in cal.periods(day):
            lo = max(start, datetime.combine(day, datetime.strptime(a, "%H:%M").time()))
            hi = min(end, datetime.combine(day, datetime.strptime(b, "%H:%M").time()))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total / timedelta(minutes=1)


def test_scalar_matches_independent_oracle_over_months() -> None:
    cal = WorkCalendar(CalendarConfig(extra_closed=(date(2024, 1, 2),), extra_open=(date(2023, 11, 4),)))
    rng = random.Random(7)
    base = datetime(2023, 6, 1)
    for _ in range(300):
        s = base + timedelta(seconds=rng.randrange(0, 86400 * 400))
        e = s + timedelta(seconds=rng.randrange(0, 86400 * 40), microseconds=rng.randrange(0, 10**6))
        assert cal.working_minutes(s, e) == pytest.approx(_oracle(cal, s, e), abs=1e-9), (s, e)


def test_vectorised_equals_scalar_on_random_pairs() -> None:
    cal = WorkCalendar()
    rng = random.Random(11)
    base = datetime(2022, 12, 1)
    starts, ends = [], []
    for _ in range(5000):
        s = base + timedelta(seconds=rng.randrange(0, 86400 * 800), microseconds=rng.randrange(0, 10**6))
        starts.append(s)
        ends.append(s + timedelta(seconds=rng.randrange(0, 86400 * 20), microseconds=rng.randrange(0, 10**6)))
    starts.append(datetime(2023, 1, 2, 8))
    ends.append(None)
    got = cal.working_minutes_many(pl.Series(starts), pl.Series(ends)).to_list()
    want = [cal.working_minutes(s, e) if e is not None else None for s, e in zip(starts, ends)]
    assert got == want  # bit for bit, not approximately
    assert got[-1] is None
    # Plain lists and millisecond Series are accepted too
    assert cal.working_minutes_many(starts[:50], ends[:50]).to_list() == want[:50]
    ms = pl.Series(starts[:50]).dt.cast_time_unit("ms")
    assert cal.working_minutes_many(ms, ms).to_list() == [0.0] * 50


def test_vectorised_grows_the_year_table() -> None:
    cal = WorkCalendar()
    assert cal.working_minutes(dt("2023-03-01 08:00"), dt("2023-03-01 09:00")) == 60.0
    far = [dt("2019-12-30 08:00"), dt("2026-01-05 08:00")]
    got = cal.working_minutes_many([far[0]], [far[1]]).to_list()
    assert got == [cal.working_minutes(far[0], far[1])]
    assert got[0] == pytest.approx(_oracle(cal, far[0], far[1]))


def test_from_mapping_reads_project_keys() -> None:
    cfg = CalendarConfig.from_mapping(
        {
            "hari_kerja": ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu"],
            "jam_kerja": ["08:00-12:00", "13:00-15:00"],
            "libur": ["2023-12-29"],
            "masuk": [date(2023, 10, 8)],
            "zona_waktu": "Asia/Makassar",
            "cuti_bersama": False,
        }
    )
    assert cfg.workdays == (0, 1, 2, 3, 4, 5)
    assert cfg.hours == (("08:00", "12:00"), ("13:00", "15:00"))
    assert cfg.friday_hours is None  # hours given alone: Friday works them too
    assert cfg.extra_closed == (date(2023, 12, 29),)
    assert cfg.extra_open == (date(2023, 10, 8),)
    assert cfg.holiday_categories == ("public",)
    assert cfg.timezone == "Asia/Makassar"
    assert WorkCalendar(cfg).minutes_per_day == 360.0
    assert CalendarConfig.from_mapping({}) == CalendarConfig()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"jam_kerjaa": ["07:30-12:00"]}, "kunci 'jam_kerjaa' tidak dikenal"),
        ({"hours": ["07:30-25:00"]}, "hours: '25:00' bukan jam HH:MM"),
        ({"jam_kerja": ["07:30-12:00", "11:00-13:00"]}, "bertumpang tindih"),
        ({"jam_jumat": ["12:00-07:30"]}, "jam_jumat: rentang '12:00-07:30' berakhir sebelum"),
        ({"jam_kerja": "07:30-12:00"}, "jam_kerja: tulis daftar"),
        ({"hari_kerja": ["senin", "jumaat"]}, "hari_kerja: 'jumaat' bukan nama hari"),
        ({"libur": ["2023-02-30"]}, "libur: '2023-02-30' bukan tanggal"),
        ({"libur": ["2023-12-29"], "masuk": ["2023-12-29"]}, "2023-12-29 ada di libur dan masuk"),
        ({"zona_waktu": "Asia/Jakarat"}, "zona_waktu 'Asia/Jakarat' tidak dikenal"),
        ({"holiday_categories": ["public", "bank"]}, "kategori 'bank' tidak ada"),
        ({"negara": "XX"}, "negara 'XX' tidak dikenal"),
        ({"hours": ["07:30-12:00"], "jam_kerja": ["08:00-12:00"]}, "berarti hal yang sama"),
    ],
)
def test_from_mapping_rejects_bad_config(data: dict, fragment: str) -> None:
    with pytest.raises(ValueError) as err:
        CalendarConfig.from_mapping(data)
    assert fragment in str(err.value)


# -- the holiday cache --------------------------------------------------------------------------


def no_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any use of the holidays package fail: what must come from the cache file."""
    from sopgen.conformance.workcal import config, holiday_table

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the holidays package was asked")

    monkeypatch.setattr(holiday_table.HolidayTable, "_open_package", refuse)
    monkeypatch.setattr(config, "_holiday_class", refuse)


def test_holiday_years_come_from_the_cache_once_written(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = WorkCalendar(cache_dir=tmp_path / "cache")
    first.ensure_years(2023, 2024)
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert files[0] == ".gitignore" and files[1].startswith("libur-ID-public-government-") and len(files) == 2
    no_package(monkeypatch)
    again = WorkCalendar(cache_dir=tmp_path / "cache")
    again.ensure_years(2023, 2024)
    days = [date(2023, 1, 1) + timedelta(days=i) for i in range(731)]
    assert [again.holiday_name(d) for d in days] == [first.holiday_name(d) for d in days]
    assert again.holiday_name(date(2023, 8, 17)) == first.holiday_name(date(2023, 8, 17)) and "Kemerdekaan" in first.holiday_name(date(2023, 8, 17))
    a, b = dt("2023-08-16 08:00"), dt("2023-08-21 09:00")
    assert again.working_minutes(a, b) == first.working_minutes(a, b) == 960.0  # 420 + 17th closed + Friday 450 + 90
    with pytest.raises(AssertionError, match="package was asked"):
        again.ensure_years(2025, 2025)  # a year the file lacks comes from the package


def test_a_broken_or_foreign_cache_file_is_rebuilt(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    WorkCalendar(cache_dir=tmp_path).ensure_years(2023, 2023)
    (cache,) = tmp_path.glob("libur-*.json")
    good = json.loads(cache.read_text(encoding="utf-8"))
    for broken in ("{", json.dumps({**good, "identity": {**good["identity"], "holidays": "0.0"}}), json.dumps({**good, "names": []})):
        cache.write_text(broken, encoding="utf-8")
        cal = WorkCalendar(cache_dir=tmp_path)
        cal.ensure_years(2023, 2023)
        assert cal.is_workday(date(2023, 8, 17)) is False
        assert json.loads(cache.read_text(encoding="utf-8")) == good


def test_an_unwritable_cache_is_done_without(tmp_path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    cal = WorkCalendar(cache_dir=blocked)
    cal.ensure_years(2023, 2023)
    assert cal.is_workday(date(2023, 8, 17)) is False and blocked.is_file()


def test_an_unknown_country_is_still_refused_with_a_cache(tmp_path) -> None:
    with pytest.raises(ValueError, match="negara 'XX' tidak dikenal"):
        WorkCalendar(CalendarConfig(holidays_country="XX"), cache_dir=tmp_path)
