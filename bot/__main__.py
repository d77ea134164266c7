"""``python -m bot`` = ``navigator run``."""

from __future__ import annotations

import sys

from bot.cli.run import main

if __name__ == "__main__":
    sys.exit(main())
