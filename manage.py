#!/usr/bin/env python
"""Same as the ``vigie`` command, for those who expect a manage.py."""

import sys

from vigie.cli import main

if __name__ == "__main__":
    sys.exit(main())
