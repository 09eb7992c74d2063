"""People and their roles. Failing closed: someone missing from here may do nothing.

In SQLite mode a person is the operating-system login; in PostgreSQL mode the database
login (session_user), so the organisation's own database authentication decides who is
who. The first person to add anyone to a new database becomes its first admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from postdesk.storage.schema import user_roles, users
from postdesk.workflow import audit
from postdesk.workflow.errors import NotAllowed, NotFound, WorkflowError
from postdesk.workflow.states import Role


@dataclass(frozen=True)
class Person:
    """Someone PostDesk knows."""

    login: str
    display_name: str
    roles: frozenset[Role]
    disabled: bool

    def may(self, role: Role) -> bool:
        """Whether this person currently holds `role` (a disabled person holds none)."""
        return not self.disabled and role in self.roles


def find(connection: Connection, login: str) -> Person | None:
    """The person with this login, or None."""
    row = connection.execute(sa.select(users).where(users.c.login == login)).first()
    if row is None:
        return None
    roles = connection.execute(
        sa.select(user_roles.c.role).where(user_roles.c.user_id == row.id)
    ).scalars()
    return Person(row.login, row.display_name, frozenset(Role(r) for r in roles), row.disabled)


def require(connection: Connection, login: str, role: Role) -> Person:
    """The person, if they hold `role`; otherwise NotAllowed (fail closed)."""
    person = find(connection, login)
    if person is None:
        raise NotAllowed(f"{login} is not a PostDesk user; ask an admin to add them")
    if person.disabled:
        raise NotAllowed(f"{login}'s PostDesk account is disabled")
    if role not in person.roles:
        raise NotAllowed(f"{login} does not have the {role.value} role")
    return person


class People:
    """Adds, lists, changes and disables people. Every change goes into the audit trail."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self._engine = engine
        self._actor = actor

    def list(self) -> list[Person]:
        """Everyone, by login."""
        with self._engine.connect() as connection:
            logins = connection.execute(sa.select(users.c.login).order_by(users.c.login))
            return [p for login in logins.scalars() if (p := find(connection, login))]

    def get(self, login: str) -> Person | None:
        """One person, or None."""
        with self._engine.connect() as connection:
            return find(connection, login)

    def add(self, login: str, roles: Iterable[Role], display_name: str = "") -> Person:
        """Add a person with roles. On a database with no admin yet, the actor becomes one."""
        login = _clean_login(login)
        wanted = frozenset(roles)
        now = datetime.now(UTC)
        with self._engine.begin() as connection:
            first_admin = self._require_admin(connection, bootstrap=True)
            existing = find(connection, login)
            if existing is not None and not (first_admin and login == self._actor):
                raise WorkflowError(f"{login} is already a PostDesk user")
            if existing is None:
                user_id = connection.execute(
                    users.insert()
                    .values(login=login, display_name=display_name, disabled=False, created_at=now)
                    .returning(users.c.id)
                ).scalar_one()
            else:
                user_id = self._user_id(connection, login)
                wanted = wanted - existing.roles
            if wanted:
                connection.execute(
                    user_roles.insert(), [{"user_id": user_id, "role": r.value} for r in wanted]
                )
            audit.append(
                connection,
                actor=self._actor,
                event="user_added",
                details={"login": login, "roles": sorted(r.value for r in wanted)},
            )
            person = find(connection, login)
        assert person is not None
        return person

    def set_roles(self, login: str, roles: Iterable[Role]) -> Person:
        """Replace a person's roles."""
        wanted = frozenset(roles)
        with self._engine.begin() as connection:
            self._require_admin(connection)
            user_id = self._user_id(connection, login)
            before = find(connection, login)
            connection.execute(user_roles.delete().where(user_roles.c.user_id == user_id))
            if wanted:
                connection.execute(
                    user_roles.insert(), [{"user_id": user_id, "role": r.value} for r in wanted]
                )
            audit.append(
                connection,
                actor=self._actor,
                event="roles_changed",
                details={
                    "login": login,
                    "before": sorted(r.value for r in before.roles) if before else [],
                    "after": sorted(r.value for r in wanted),
                },
            )
            person = find(connection, login)
        assert person is not None
        return person

    def disable(self, login: str) -> Person:
        """Disable a person; they keep their history but can do nothing more."""
        with self._engine.begin() as connection:
            self._require_admin(connection)
            user_id = self._user_id(connection, login)
            connection.execute(users.update().where(users.c.id == user_id).values(disabled=True))
            audit.append(
                connection, actor=self._actor, event="user_disabled", details={"login": login}
            )
            person = find(connection, login)
        assert person is not None
        return person

    def _user_id(self, connection: Connection, login: str) -> int:
        user_id = connection.execute(sa.select(users.c.id).where(users.c.login == login)).scalar()
        if user_id is None:
            raise NotFound(f"{login} is not a PostDesk user")
        return int(user_id)

    def _require_admin(self, connection: Connection, *, bootstrap: bool = False) -> bool:
        """Check the actor is an admin; True when they just became the first one."""
        any_admin = connection.execute(
            sa.select(user_roles.c.user_id).where(user_roles.c.role == Role.ADMIN.value).limit(1)
        ).first()
        if any_admin is None and bootstrap:
            self._make_first_admin(connection)
            return True
        require(connection, self._actor, Role.ADMIN)
        return False

    def _make_first_admin(self, connection: Connection) -> None:
        existing = find(connection, self._actor)
        if existing is None:
            user_id = connection.execute(
                users.insert()
                .values(
                    login=self._actor, display_name="", disabled=False, created_at=datetime.now(UTC)
                )
                .returning(users.c.id)
            ).scalar_one()
        else:
            user_id = self._user_id(connection, self._actor)
        connection.execute(user_roles.insert().values(user_id=user_id, role=Role.ADMIN.value))
        audit.append(
            connection,
            actor=self._actor,
            event="user_added",
            details={"login": self._actor, "roles": ["admin"], "first_admin": True},
        )


def _clean_login(login: str) -> str:
    cleaned = login.strip()
    if not cleaned or len(cleaned) > 200 or any(ch.isspace() for ch in cleaned):
        raise WorkflowError(f"{login!r} is not a valid login name")
    return cleaned


def ensure_first_person(engine: Engine, login: str) -> bool:
    """On a database nobody uses yet, make `login` its admin and an author.

    This is how the embedded SQLite database starts: the person who opens it first owns
    it. Returns True when `login` was added. A database with people is left alone.
    """
    with engine.connect() as connection:
        anyone = connection.execute(sa.select(users.c.id).limit(1)).first()
    if anyone is not None:
        return False
    People(engine, login).add(login, [Role.ADMIN, Role.AUTHOR])
    return True
