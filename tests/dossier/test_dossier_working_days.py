"""Working days: weekends, public holidays and make-up Saturdays from holidays.yml."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from actions.dossier.replies import deadline
from procedure_kb.working_days import (
    add_working_days,
    default_calendar,
    is_working_day,
    load_holidays,
    working_days_between,
)


def test_bundled_file_covers_2025_to_2027_with_sources():
    calendar = load_holidays()
    assert {2025, 2026, 2027} <= calendar.years
    assert calendar.reviewed_at is not None
    for year in (2025, 2026, 2027):
        for month, day in ((1, 1), (4, 30), (9, 2)):
            assert not is_working_day(date(year, month, day))
    # Tết Nguyên đán (official schedules for 2025 and 2026)
    for day in range(27, 32):
        assert not is_working_day(date(2025, 1, day))
    for day in range(16, 21):
        assert not is_working_day(date(2026, 2, day))
    assert is_working_day(date(2026, 2, 23))
    # Giỗ Tổ Hùng Vương: 7/4/2025; 26/4/2026 is a Sunday -> Monday 27/4 off
    assert not is_working_day(date(2025, 4, 7))
    assert not is_working_day(date(2026, 4, 27))


def test_swapped_days_and_make_up_saturdays():
    assert not is_working_day(date(2025, 5, 2))  # Friday swapped
    assert is_working_day(date(2025, 4, 26))  # Saturday worked instead
    assert not is_working_day(date(2026, 1, 2))
    assert is_working_day(date(2026, 1, 10))


def test_dates_not_announced_yet_are_marked_for_review():
    calendar = default_calendar()
    assert date(2027, 2, 5) in calendar.needs_review  # Tết 2027
    assert date(2026, 2, 17) not in calendar.needs_review


def test_add_working_days_skips_weekends_and_tet():
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Fri -> Mon
    assert add_working_days(date(2026, 11, 23), -1) == date(2026, 11, 20)
    assert add_working_days(date(2026, 11, 22), 0) == date(2026, 11, 22)
    assert add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)  # make-up Saturday


def test_working_days_between_is_signed_and_consistent_with_add():
    start = date(2026, 1, 1)
    for n in range(0, 40, 7):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
        assert working_days_between(end, start) == -n
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_year_without_data_counts_weekends_only():
    assert is_working_day(date(2031, 1, 2))
    assert not is_working_day(date(2031, 1, 4))


def test_overdue_counts_working_days_across_tet():
    view = {"status": "dang_xu_ly", "due_at": "2026-02-13"}
    position = deadline(view, date(2026, 2, 24))
    assert position.overdue and position.working_days == 2
    not_yet = deadline({"status": "duoc_tiep_nhan", "due_at": "2026-02-23"}, date(2026, 2, 13))
    assert not not_yet.overdue and not_yet.working_days == 1
    # citizen-side statuses have no agency deadline
    assert deadline({"status": "yeu_cau_bo_sung", "due_at": "2026-02-13"}, date(2026, 3, 1)) is None


def test_due_date_passed_over_a_weekend_is_still_overdue():
    position = deadline({"status": "dang_xu_ly", "due_at": "2026-11-20"}, date(2026, 11, 21))
    assert position.overdue and position.working_days == 0


def test_bad_holiday_files_are_rejected(tmp_path):
    bad = tmp_path / "holidays.yml"
    bad.write_text("days_off:\n  - {date: 2026-01-01, name: X}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="source"):
        load_holidays(bad)
    bad.write_text(
        "sources: {a: b}\nworking_days:\n  - {date: 2026-01-05, name: X, source: a}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="not a weekend"):
        load_holidays(bad)


def test_calendar_from_another_file_is_used_when_passed(tmp_path):
    path = tmp_path / "h.yml"
    path.write_text(
        "sources: {s: test}\ndays_off:\n  - {date: 2026-11-24, name: Ngày Văn hóa, source: s}\n",
        encoding="utf-8",
    )
    calendar = load_holidays(path)
    day = date(2026, 11, 24)
    assert not is_working_day(day, calendar) and is_working_day(day)
    assert add_working_days(day - timedelta(days=1), 1, calendar) == date(2026, 11, 25)
