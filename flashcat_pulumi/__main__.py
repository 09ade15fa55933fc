"""``python -m flashcat_pulumi``: the ``flashcat-pulumi`` command line."""

from __future__ import annotations

import sys

from flashcat_pulumi.cli import main

if __name__ == "__main__":
    sys.exit(main())
