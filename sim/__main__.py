"""`python -m sim` is `alliance-sim`."""

import sys

from .cli import main

sys.exit(main())
