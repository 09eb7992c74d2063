"""Test helpers shared by the core and UI tests: fakes and small utilities."""

from postdesk.workflow.states import Role


def no_sign_offs(_role: Role, _text: str) -> tuple[str, ...]:
    """A workflow's `sign_off_items` for tests that are not about sign-offs: none to tick."""
    return ()
