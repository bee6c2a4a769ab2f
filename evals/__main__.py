"""`python -m evals`: the evaluation suite's command line (same options as `rag eval`)."""

import logging
import sys

from evals.cli import main

logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
sys.exit(main())
