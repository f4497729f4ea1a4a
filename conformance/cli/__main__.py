"""``python -m zn5.conformance.cli``: the ``zn5`` command."""

import sys

from zn5.conformance.cli import main

sys.exit(main())
