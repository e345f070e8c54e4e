"""Backup names' time stamps read as `datetime.strptime` reads them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from annotator.services.backups import _STAMP, _stamp_time


def test_a_stamp_reads_as_strptime_reads_it() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, 60708, tzinfo=timezone.utc)
    for moment in (when, when + timedelta(days=400, microseconds=1), when.replace(microsecond=0)):
        stamp = moment.strftime(_STAMP)
        expected = datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc)
        assert _stamp_time(stamp) == expected == moment


def test_a_stamp_out_of_range_fails_as_strptime_does() -> None:
    stamp = "20261301T000000000000Z"
    with pytest.raises(ValueError) as ours:
        _stamp_time(stamp)
    with pytest.raises(ValueError) as theirs:
        datetime.strptime(stamp, _STAMP)
    assert str(ours.value) == str(theirs.value)
