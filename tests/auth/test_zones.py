"""The day it is for a person: the calendar day in their account's time zone, not UTC's."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from trainer.auth.zones import today_for

EVENING_UTC = dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.timezone.utc)


def account(zone):
    return SimpleNamespace(timezone=zone)


def test_east_of_utc_the_next_day_has_begun_while_utc_is_still_on_the_day_before():
    assert today_for(account("Asia/Kathmandu"), EVENING_UTC) == dt.date(2026, 12, 7)   # 01:45 there
    assert today_for(account("Pacific/Fiji"), EVENING_UTC) == dt.date(2026, 12, 7)     # 08:00 there
    assert today_for(account("UTC"), EVENING_UTC) == dt.date(2026, 12, 6)


def test_west_of_utc_the_day_before_is_not_over_while_utc_has_moved_on():
    early_utc = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.timezone.utc)
    assert today_for(account("America/New_York"), early_utc) == dt.date(2026, 12, 6)  # 21:00 there
    assert today_for(account("Europe/Paris"), early_utc) == dt.date(2026, 12, 7)


def test_without_an_account_or_with_a_zone_this_machine_does_not_know_the_day_is_utcs():
    assert today_for(None, EVENING_UTC) == dt.date(2026, 12, 6)
    assert today_for(account(""), EVENING_UTC) == dt.date(2026, 12, 6)
    assert today_for(account("Atlantis/Capital"), EVENING_UTC) == dt.date(2026, 12, 6)
    assert today_for(account("../../etc/passwd"), EVENING_UTC) == dt.date(2026, 12, 6)
    assert today_for(account("Asia"), EVENING_UTC) == dt.date(2026, 12, 6)          # a folder of zones, not one
    assert today_for(account("Asia/" + "x" * 5000), EVENING_UTC) == dt.date(2026, 12, 6)
    assert today_for(account(42), EVENING_UTC) == dt.date(2026, 12, 6)


def test_a_moment_without_a_zone_is_read_as_utc():
    assert today_for(account("Asia/Kathmandu"), EVENING_UTC.replace(tzinfo=None)) == dt.date(2026, 12, 7)
