"""`python -m sim` is `alliance-sim`."""

import sys

from sim.cli.main import main

sys.exit(main())
