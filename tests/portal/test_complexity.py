"""No function or method above radon's grade C (cyclomatic complexity over 20) outside
migrations and tests, the same as
`radon cc -s -n D --exclude "*/migrations/*,tests/*,.venv/*,node_modules/*" .`."""

import os
from pathlib import Path

from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {"migrations", "tests", ".venv", "node_modules", "staticfiles", "static"}
TOO_COMPLEX = {"D", "E", "F"}


def python_files():
    """The repo's own .py files: the apps, diz_portal, bench, manage.py."""
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder, name)


def too_complex(code, filename):
    """'file:line name (grade complexity)' for each block radon grades D, E or F."""
    return [
        f"{filename}:{block.lineno} {block.fullname} ({cc_rank(block.complexity)} "
        f"{block.complexity})"
        for block in cc_visit(code)
        if cc_rank(block.complexity) in TOO_COMPLEX
    ]


def test_no_function_is_graded_d_e_or_f():
    files = list(python_files())
    assert any(path.parts[-2:] == ("assets", "views.py") for path in files)
    assert any(path.parts[-2:] == ("bench", "data.py") for path in files)
    found = [
        problem
        for path in files
        for problem in too_complex(path.read_text(), path.relative_to(ROOT).as_posix())
    ]
    assert found == [], "Split these into smaller named steps:\n" + "\n".join(found)


def test_the_check_finds_what_it_looks_for():
    """A method with 21 paths is grade D, named with its file and line (its class too, as
    the radon command line does); a simple function is not."""
    branches = "".join(f"        if x == {i}:\n            return {i}\n" for i in range(20))
    code = f"def simple(x):\n    return x\n\n\nclass Rules:\n    def pick(self, x):\n{branches}"
    assert too_complex(code, "example.py") == [
        "example.py:5 Rules (D 22)",
        "example.py:6 Rules.pick (D 21)",
    ]
