"""``python -m procedure_kb``: see :mod:`procedure_kb.cli`."""

import sys

from procedure_kb.cli import main

sys.exit(main())
