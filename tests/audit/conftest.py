"""The audit tests drive real elections and meetings, with those apps' test helpers."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
for helpers in ("elections", "meetings"):
    if str(TESTS / helpers) not in sys.path:
        sys.path.insert(0, str(TESTS / helpers))
