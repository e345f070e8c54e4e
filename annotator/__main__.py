"""`python -m annotator` runs the command line (no arguments opens the GUI)."""

import sys

from annotator.cli import main

sys.exit(main())
