"""``python -m derive``: the same as the ``derive`` command."""

import sys

from derive.cli import main

if __name__ == "__main__":
    sys.exit(main())
