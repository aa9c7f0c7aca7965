"""The portal's own stylesheet parses as written: a rule left open would swallow every rule
after it (browsers that nest CSS read them as nested selectors that match nothing)."""

from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "portal/static/css/wandelwerk.css"


def test_every_rule_of_the_stylesheet_is_closed():
    depth = 0
    for number, line in enumerate(STYLESHEET.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("/*")[0]
        for char in code:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, f"line {number} closes a rule that is not open"
        # The portal's stylesheet nests only inside @media blocks, never two rules deep.
        assert depth <= 2, f"line {number} opens a rule inside a rule"
    assert depth == 0
