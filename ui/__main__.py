"""`python -m ui`: serve the Newsdesk chat."""

import sys

from ui.app import main

sys.exit(main())
