"""The command line's structure: a table of commands, a parser that loads no
SymPy, handlers imported by name when their command runs."""

import subprocess
import sys

import pytest

import derive
from derive.cli import build_parser, main
from derive.cli.commands import COMMANDS

#: run in a fresh interpreter: which heavy modules did the command line load?
_PROBE = """
import contextlib, io, sys
from derive.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(sys.argv[1:])
heavy = sorted(m for m in ("sympy", "numpy", "scipy", "mpmath", "symengine") if m in sys.modules)
print(code, ",".join(heavy) or "-", out.getvalue().splitlines()[0])
"""


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_load_no_sympy(flag):
    r = subprocess.run([sys.executable, "-c", _PROBE, flag], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    code, heavy, first = r.stdout.split(" ", 2)
    assert (code, heavy) == ("0", "-"), r.stdout
    assert first.startswith("usage: derive" if flag == "--help" else "derive ")


def test_small_grad_loads_sympy_and_nothing_it_does_not_use():
    r = subprocess.run([sys.executable, "-c", _PROBE, "grad", "x**2*y", "--wrt", "x", "y"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split(" ")[:2] == ["0", "mpmath,sympy"], r.stdout


def test_version_is_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"derive {derive.__version__}\n"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert capsys.readouterr().out.startswith("usage: derive")


def test_every_command_is_in_the_parser_and_has_a_handler():
    parser = build_parser()
    listed = parser._subparsers._group_actions[0].choices
    assert list(listed) == [c.name for c in COMMANDS]
    for command in COMMANDS:
        module, _, function = command.handler.partition(":")
        assert callable(getattr(__import__(module, fromlist=[function]), function)), command


@pytest.mark.parametrize("args, code, stream, needle", [
    # exit 0, and the Unicode of the report reaches a real stdout
    (["eig", "[[1,2],[3,4]]"], 0, "stdout", "λ = 5/2 - sqrt(33)/2"),
    # exit 1: a check refutes
    (["verify", "cos(x**2)", "2*x*cos(x**2)", "--wrt", "x"], 1, "stdout", "diagnosis"),
    # exit 2: one line on stderr, no traceback
    (["inv", "[[1,2],[2,4]]"], 2, "stderr", "derive: error: "),
])
def test_exit_codes_of_a_real_process(args, code, stream, needle):
    """``python -m derive`` as a user runs it; the other CLI tests call main() in-process."""
    r = subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == code, r.stdout + r.stderr
    assert needle in getattr(r, stream)
    assert "Traceback" not in r.stderr
    if code == 2:
        assert r.stderr.count("\n") == 1 and r.stdout == ""
