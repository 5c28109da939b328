"""The counter is a pure library: importing and running it loads no Django, no app and not
the constitution package."""

import subprocess
import sys

CODE = """
import sys
from mutualise.counting import approval, ballots, blt, cli, irv, methods, plurality, referendum
from mutualise.counting import report, ties
from mutualise.counting.stv import scottish
profile = ballots.from_lists("AB", [(2, [0]), (1, [1])])
report.to_html(methods.get_method("scottish-stv")(profile, seed=0))
bad = sorted(m for m in sys.modules if m.split(".")[0] == "django" or m.startswith(
    ("mutualise.constitution", "mutualise.register", "mutualise.elections", "mutualise.web",
     "mutualise.meetings", "mutualise.audit")))
print(",".join(bad))
"""


def test_counting_imports_nothing_from_the_web_side():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
