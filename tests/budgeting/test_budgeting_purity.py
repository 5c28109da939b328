"""The budget counter is a pure library: importing and running it loads no Django and no app."""

import subprocess
import sys

CODE = """
import sys
from fractions import Fraction
from mutualise.budgeting import add1, cli, greedy, mes, pb, result
text = "META\\nkey;value\\nbudget;10\\nvote_type;approval\\nPROJECTS\\nproject_id;cost\\na;5\\n"
text += "VOTES\\nvoter_id;vote\\n1;a\\n"
instance = pb.parse_pb(text)
assert add1.mes_add1(instance).selected == ["a"]
bad = sorted(m for m in sys.modules if m.split(".")[0] == "django" or m.startswith(
    ("mutualise.constitution", "mutualise.register", "mutualise.elections", "mutualise.web",
     "mutualise.meetings", "mutualise.audit", "mutualise.participation", "mutualise.counting")))
print(",".join(bad))
"""


def test_budgeting_imports_nothing_from_the_web_side():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
