"""The reviewer queue: oldest first, filters and search, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from postdesk.analysis.findings import Finding, Level
from postdesk.workflow.options import PostOptions
from postdesk.workflow.queue import QueueFilter, review_queue
from tests.conftest import Team


def one_info_finding_per_question(
    text: str, _channels: tuple[str, ...], _options: PostOptions
) -> list[Finding]:
    at = text.find("?")
    return [] if at < 0 else [Finding("question", Level.INFO, at, at + 1, "A question")]


@pytest.fixture
def queue(team: Team) -> Team:
    team.add("alice", "author")
    team.add("dan", "author")
    team.add("bob", "reviewer")
    posts = [
        ("alice", "Roadworks on Mill Lane from Monday.", ["x"]),
        ("dan", "Are you ready for winter? Grit bins are full.", ["mastodon", "x"]),
        ("alice", "Recycling 100% of garden_waste this year.", ["bluesky"]),
        ("dan", "Library hours change in May.", ["mastodon"]),
    ]
    for name, text, channels in posts:
        author = team.workflow(name, analyser=one_info_finding_per_question)
        draft = author.create_draft(text, channels)
        author.submit(draft.id)
    left_alone = team.workflow("alice").create_draft("Not submitted yet.", ["x"])
    assert left_alone.id > 0
    return team


def _previews(team: Team, where: QueueFilter | None = None, **page: int) -> list[str]:
    rows = review_queue(team.database.engine, where or QueueFilter(), **page)
    return [row.preview for row in rows]


def test_oldest_first_and_only_drafts_in_review(queue: Team) -> None:
    assert _previews(queue) == [
        "Roadworks on Mill Lane from Monday.",
        "Are you ready for winter? Grit bins are full.",
        "Recycling 100% of garden_waste this year.",
        "Library hours change in May.",
    ]
    assert _previews(queue, limit=2, offset=1) == [
        "Are you ready for winter? Grit bins are full.",
        "Recycling 100% of garden_waste this year.",
    ]


def test_filters(queue: Team) -> None:
    assert _previews(queue, QueueFilter(channel="mastodon")) == [
        "Are you ready for winter? Grit bins are full.",
        "Library hours change in May.",
    ]
    assert _previews(queue, QueueFilter(author=queue.login("alice"))) == [
        "Roadworks on Mill Lane from Monday.",
        "Recycling 100% of garden_waste this year.",
    ]
    assert _previews(queue, QueueFilter(has_findings=True)) == [
        "Are you ready for winter? Grit bins are full."
    ]
    assert len(_previews(queue, QueueFilter(has_findings=False))) == 3
    past = datetime.now(UTC) - timedelta(days=1)
    assert _previews(queue, QueueFilter(submitted_before=past)) == []
    combined = QueueFilter(channel="x", author=queue.login("dan"))
    assert _previews(queue, combined) == ["Are you ready for winter? Grit bins are full."]


def test_search_ignores_case_and_treats_wildcards_literally(queue: Team) -> None:
    assert _previews(queue, QueueFilter(search="GRIT")) == [
        "Are you ready for winter? Grit bins are full."
    ]
    assert _previews(queue, QueueFilter(search="100%")) == [
        "Recycling 100% of garden_waste this year."
    ]
    assert _previews(queue, QueueFilter(search="t_b")) == []  # "_" would match "Grit bins"
    assert _previews(queue, QueueFilter(search="%")) == [
        "Recycling 100% of garden_waste this year."
    ]


def test_a_decided_draft_leaves_the_queue(queue: Team) -> None:
    first = review_queue(queue.database.engine)[0]
    queue.workflow("bob").approve(first.draft_id, first.revision_id)
    assert first.preview not in _previews(queue)
