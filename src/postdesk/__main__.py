"""`python -m postdesk`: the same entry point as the `postdesk` command."""

import sys

from postdesk.app import main

sys.exit(main())
