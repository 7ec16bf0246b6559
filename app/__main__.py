"""`python -m crowdmock ...`: the same as the `crowdmock` command."""

import sys

from crowdmock.cli import main

sys.exit(main())
