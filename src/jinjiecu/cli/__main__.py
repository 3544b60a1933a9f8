"""``python -m jinjiecu.cli``: the same as the ``jinjiecu`` command."""

from __future__ import annotations

import sys

from jinjiecu.cli import main

if __name__ == "__main__":
    sys.exit(main())
