"""The bundle's entry point: the same as the `postdesk` and `postdesk-cli` commands."""

from __future__ import annotations

import sys


def launch() -> int:
    """Run PostDesk with the command-line arguments."""
    # NOTE: `--self-test` is handled here as well as in postdesk.app, so the bundle can
    # prove itself before (and regardless of how) the flag is wired into the app.
    if sys.argv[1:] == ["--self-test"]:
        from postdesk.selftest import run_self_test

        return run_self_test()
    from postdesk.app import main

    return main()


if __name__ == "__main__":
    sys.exit(launch())
