"""Bluesky record keys: valid TIDs, strictly increasing, never repeated."""

from __future__ import annotations

import re

from postdesk.publishing.tid import new_created_at, new_record_keys

TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")  # atproto spec


def test_keys_are_valid_sorted_and_unique() -> None:
    keys = [key for _ in range(50) for key in new_record_keys(20)]
    assert all(TID.match(key) for key in keys)
    assert len(set(keys)) == len(keys)
    batch = new_record_keys(5)
    assert list(batch) == sorted(batch)


def test_created_at_is_iso_utc_and_increasing() -> None:
    stamps = new_created_at(3)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", s) for s in stamps)
    assert list(stamps) == sorted(stamps)
