"""A local LinkedIn API server for tests, written by this project (not LinkedIn's code).

No LinkedIn server or emulator can be installed anywhere these machines reach
(TEST-PEERS.md section 3), so this is our own small server that follows LinkedIn's
*documented* contract (learn.microsoft.com/linkedin: Posts API, little text format,
error handling, rate limits, Sign In with LinkedIn using OpenID Connect, organization
lookup) over real HTTP on 127.0.0.1:

* Every ``/rest/...`` call needs ``LinkedIn-Version: YYYYMM`` (else 400 VERSION_MISSING; a
  version older than `oldest_version` gets 426 NONEXISTENT_VERSION) and
  ``X-Restli-Protocol-Version: 2.0.0``.
* ``GET /v2/userinfo`` -> 200 ``{"sub", "name", "given_name", "family_name"}``.
* ``GET /rest/organizations/{id}`` -> 200 ``{"id", "localizedName", "vanityName"}``.
* ``POST /rest/posts`` -> 201, empty body, the post URN in ``x-restli-id``. The author must
  be the member or a page they administer (else 403 ACCESS_DENIED); the same commentary
  from the same author again -> 422 DUPLICATE_POST "Content is a duplicate of <urn>".
* ``GET /rest/posts?author=<urn>&q=author&count=&sortBy=`` (finder) -> 200
  ``{"paging": {...}, "elements": [...]}``, newest first; a member without `can_read`
  gets 403 (reading posts needs r_organization_social / r_member_social).
* Errors are ``{"status", "message", "serviceErrorCode"}`` (+ ``code``). A bad token gets
  401 65600 INVALID_ACCESS_TOKEN, a revoked one 65601 REVOKED_ACCESS_TOKEN, an expired
  one 65602 EXPIRED_ACCESS_TOKEN. A 429 has no documented headers (the daily limit resets
  at midnight UTC); a fault can add Retry-After.

`rendered(post)` shows what a post would display, reading the stored commentary as little
text: ``\\x`` is a literal ``x`` for a reserved character, and an *unescaped* reserved
character ends the text there: the silent truncation third parties report (LinkedIn's
page only says reserved characters must be escaped). State is in memory (`posts`);
`listing_lag_s` keeps new posts out of the finder for a while, as a busy service might.

The fault machinery (`Fault`, `FakeApiServer`) is shared with fake_x.py.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from tests.publishing.fake_x import FakeApiServer, Fault, Reply, Request

__all__ = ["FakeLinkedIn", "LinkedInMember", "LinkedInPost", "render_little_text"]

RESERVED = frozenset("\\|{}@[]()<>#*_~")


def render_little_text(commentary: str) -> str:
    """What LinkedIn shows for `commentary` (see the module docstring)."""
    out: list[str] = []
    index = 0
    while index < len(commentary):
        char = commentary[index]
        if char == "\\" and index + 1 < len(commentary) and commentary[index + 1] in RESERVED:
            out.append(commentary[index + 1])
            index += 2
        elif char in RESERVED:
            break  # an unescaped reserved character: the rest of the post is lost
        else:
            out.append(char)
            index += 1
    return "".join(out)


@dataclass
class LinkedInMember:
    """A LinkedIn member on the fake, with the pages they may post for."""

    sub: str
    name: str
    pages: set[str] = field(default_factory=set)
    can_read: bool = True

    @property
    def urn(self) -> str:
        return f"urn:li:person:{self.sub}"


@dataclass
class LinkedInPost:
    """A post as the fake stores it: `commentary` exactly as it was sent."""

    urn: str
    author: str
    commentary: str
    body: dict[str, Any]
    created_at: int


def _error(status: int, message: str, service_code: int, code: str | None = None) -> Reply:
    body: dict[str, Any] = {"status": status, "serviceErrorCode": service_code, "message": message}
    if code is not None:
        body["code"] = code
    return Reply(status, body)


class FakeLinkedIn(FakeApiServer):
    """LinkedIn's Posts API and friends, as documented (see the module docstring)."""

    def __init__(self, oldest_version: str = "202501") -> None:
        super().__init__()
        self.oldest_version = oldest_version
        self.members: dict[str, LinkedInMember] = {}
        self.tokens: dict[str, str] = {}  # token -> member sub
        self.expired: set[str] = set()
        self.organizations: dict[str, str] = {}  # id -> name
        self.posts: list[LinkedInPost] = []
        self.listing_lag_s = 0.0
        self._sequence = 7_300_000_000_000_000_000

    def add_member(self, sub: str, name: str, token: str) -> LinkedInMember:
        with self.lock:
            member = LinkedInMember(sub, name)
            self.members[sub] = member
            self.tokens[token] = sub
            return member

    def add_page(self, org_id: str, name: str, admin: LinkedInMember) -> str:
        with self.lock:
            self.organizations[org_id] = name
            urn = f"urn:li:organization:{org_id}"
            admin.pages.add(urn)
            return urn

    def grant(self, token: str, sub: str) -> None:
        with self.lock:
            self.tokens[token] = sub

    def expire(self, token: str) -> None:
        with self.lock:
            self.expired.add(token)

    def posts_by(self, author: str) -> list[LinkedInPost]:
        with self.lock:
            return [p for p in self.posts if p.author == author]

    def rendered(self, post: LinkedInPost) -> str:
        return render_little_text(post.commentary)

    # -- platform bodies -----------------------------------------------------------------

    def error_reply(self, status: int) -> Reply:
        messages = {
            500: "Internal Server Error",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }
        return _error(status, messages.get(status, "Error"), status)

    def rate_limit_reply(self, fault: Fault) -> Reply:
        reply = _error(
            429,
            "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
            101,
            "TOO_MANY_REQUESTS",
        )
        if fault.retry_after is not None:
            reply.headers["Retry-After"] = str(int(fault.retry_after))
        reply.headers.update(fault.headers)
        return reply

    # -- routes --------------------------------------------------------------------------

    def route(self, request: Request) -> Reply:
        token = request.token or ""
        sub = self.tokens.get(token)
        if sub is None:
            return _error(401, "Invalid access token", 65600, "INVALID_ACCESS_TOKEN")
        if token in self.revoked:
            return _error(
                401,
                "The token used in the request has been revoked by the user",
                65601,
                "REVOKED_ACCESS_TOKEN",
            )
        if token in self.expired:
            return _error(
                401, "The token used in the request has expired", 65602, "EXPIRED_ACCESS_TOKEN"
            )
        member = self.members[sub]
        path = request.path
        if request.method == "GET" and path == "/v2/userinfo":
            given, _, family = member.name.partition(" ")
            return Reply(
                200,
                {
                    "sub": member.sub,
                    "name": member.name,
                    "given_name": given,
                    "family_name": family,
                },
            )
        if path.startswith("/rest/"):
            problem = self._check_rest_headers(request)
            if problem is not None:
                return problem
        match = re.fullmatch(r"/rest/organizations/(\d+)", path)
        if request.method == "GET" and match:
            name = self.organizations.get(match.group(1))
            if name is None:
                return _error(404, f"Organization {match.group(1)} not found", 100)
            vanity = re.sub(r"\W+", "-", name.lower()).strip("-")
            return Reply(
                200, {"id": int(match.group(1)), "localizedName": name, "vanityName": vanity}
            )
        if path == "/rest/posts" and request.method == "POST":
            return self._create(member, request.body)
        if path == "/rest/posts" and request.method == "GET":
            return self._find(member, request.query)
        return _error(404, f"No virtual resource found for {request.method} {path}", 0)

    def _check_rest_headers(self, request: Request) -> Reply | None:
        version = request.headers.get("linkedin-version")
        if not version:
            return _error(
                400,
                "A version must be present. Please specify a version by adding the "
                "LinkedIn-Version header.",
                0,
                "VERSION_MISSING",
            )
        if not re.fullmatch(r"\d{6}", version) or version < self.oldest_version:
            return _error(
                426, f"Requested version {version} is not active", 0, "NONEXISTENT_VERSION"
            )
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            return _error(400, "Rest.li protocol version 2.0.0 is required", 0)
        return None

    def _create(self, member: LinkedInMember, body: Any) -> Reply:
        if not isinstance(body, dict):
            return _error(400, "Request body must be a JSON object", 100)
        for name in ("author", "commentary", "visibility", "distribution", "lifecycleState"):
            if name not in body:
                return _error(422, f"/{name} :: field is required but not found", 100)
        author = str(body["author"])
        if author != member.urn and author not in member.pages:
            return _error(
                403,
                "Not enough permissions to access: partnerApiPostsExternal.CREATE.20240101",
                100,
                "ACCESS_DENIED",
            )
        commentary = str(body["commentary"])
        for post in self.posts:
            if post.author == author and post.commentary == commentary:
                return Reply(
                    422,
                    {
                        "errorDetailType": "com.linkedin.common.error.BadRequest",
                        "message": "com.linkedin.content.common.exception."
                        f"BadRequestResponseException: Content is a duplicate of {post.urn}",
                        "errorDetails": {
                            "inputErrors": [
                                {
                                    "description": "Duplicate post is detected",
                                    "input": {},
                                    "code": "DUPLICATE_POST",
                                }
                            ]
                        },
                        "status": 422,
                    },
                )
        self._sequence += 1
        post = LinkedInPost(
            f"urn:li:share:{self._sequence}", author, commentary, body, int(time.time() * 1000)
        )
        self.posts.append(post)
        return Reply(201, None, {"x-restli-id": post.urn, "x-linkedin-id": post.urn})

    def _find(self, member: LinkedInMember, query: dict[str, list[str]]) -> Reply:
        if query.get("q") != ["author"] or "author" not in query:
            return _error(400, "Invalid finder: q=author and author= are required", 0)
        if not member.can_read:
            return _error(
                403,
                "Not enough permissions to access: partnerApiPostsExternal.FINDER-author",
                100,
                "ACCESS_DENIED",
            )
        author = query["author"][0]
        count = int(query.get("count", ["10"])[0])
        sort_by = query.get("sortBy", ["LAST_MODIFIED"])[0]
        if sort_by not in ("LAST_MODIFIED", "CREATED"):
            return _error(400, f"Invalid sortBy {sort_by}", 0)
        visible = int((time.time() - self.listing_lag_s) * 1000)
        posts = sorted(
            (p for p in self.posts if p.author == author and p.created_at <= visible),
            key=lambda p: (p.created_at, p.urn),
            reverse=True,
        )
        elements = [
            {
                "id": p.urn,
                "author": p.author,
                "commentary": p.commentary,
                "visibility": p.body.get("visibility"),
                "lifecycleState": p.body.get("lifecycleState"),
                "distribution": p.body.get("distribution"),
                "createdAt": p.created_at,
                "publishedAt": p.created_at,
                "lastModifiedAt": p.created_at,
            }
            for p in posts[:count]
        ]
        paging = {"start": 0, "count": count, "links": [], "total": len(posts)}
        return Reply(200, {"paging": paging, "elements": elements})
