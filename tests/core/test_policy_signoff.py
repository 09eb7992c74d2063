"""Sign-off items: who ticks what, and a tick bound to the exact text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from postdesk.policy import (
    PolicyEngine,
    Signer,
    SignOffItem,
    load_default_pack,
    load_pack,
    outstanding_sign_offs,
    required_sign_offs,
    sign,
    text_hash,
)

PACKS = Path(__file__).resolve().parent.parent / "data" / "policy_packs"
TEXT = "Bins are collected on Monday this week because of the bank holiday."


def ids(items: list[SignOffItem]) -> list[str]:
    return [item.id for item in items]


def test_text_hash_is_sha256_of_the_exact_text() -> None:
    assert text_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert text_hash("a") != text_hash("a ")
    assert text_hash("\ud800 lone surrogate") != text_hash("\ud801 lone surrogate")
    assert len(text_hash("x" * 10_000)) == 64


def test_items_are_split_between_author_and_reviewer() -> None:
    pack = load_default_pack()
    author = ids(required_sign_offs(pack, Signer.AUTHOR, TEXT))
    reviewer = ids(required_sign_offs(pack, "reviewer", TEXT))
    assert author == ["facts-checked", "alt-text", "image-consent"]
    assert reviewer == ["politically-impartial", "legal-risk"]


def test_triggered_items_appear_only_when_the_text_needs_them() -> None:
    pack = load_default_pack()
    text = "The minister announced a new policy on bus fares. A man has been charged."
    reviewer = ids(required_sign_offs(pack, Signer.REVIEWER, text))
    assert "parliament-first" in reviewer
    assert "contempt-of-court" in reviewer
    assert "contempt-of-court" not in ids(
        required_sign_offs(pack, Signer.REVIEWER, "Free surcharge-free parking")
    )


def test_a_tick_counts_only_for_the_exact_text() -> None:
    pack = load_default_pack()
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    ticks = [sign(item, "asmith", TEXT, at) for item in ("facts-checked", "alt-text")]
    assert ticks[0].signed_at == at
    assert ticks[0].signed_by == "asmith"
    assert ticks[0].valid_for(TEXT)
    assert ids(outstanding_sign_offs(pack, Signer.AUTHOR, TEXT, ticks)) == ["image-consent"]
    edited = TEXT + " "
    assert not ticks[0].valid_for(edited)
    assert ids(outstanding_sign_offs(pack, Signer.AUTHOR, edited, ticks)) == [
        "facts-checked",
        "alt-text",
        "image-consent",
    ]


def test_all_ticked_means_nothing_outstanding() -> None:
    pack = load_default_pack()
    ticks = [sign(item.id, "reviewer1", TEXT) for item in pack.sign_offs]
    for role in (Signer.AUTHOR, Signer.REVIEWER):
        assert outstanding_sign_offs(pack, role, TEXT, ticks) == []
    assert ticks[0].signed_at.tzinfo is not None


def test_department_items_and_engine_helpers() -> None:
    engine = PolicyEngine(load_pack(PACKS / "department-good.toml"))
    assert "press-office-seen" in ids(engine.required_sign_offs(Signer.REVIEWER, TEXT))
    tick = sign("press-office-seen", "press", TEXT)
    assert "press-office-seen" not in ids(engine.outstanding_sign_offs("reviewer", TEXT, [tick]))
