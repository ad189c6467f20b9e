"""The `cleangov` console script: help on every subcommand and documented exit codes."""

import subprocess
import sys

import pytest

from cleangov.cli import COMMANDS


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "cleangov.cli", *args], capture_output=True, text=True,
                          timeout=120, **kwargs)


def test_top_level_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout
    assert "Exit codes" in result.stdout


def test_unknown_command_exits_2():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "unknown command" in result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_has_help(name):
    result = run(name, "--help")
    assert result.returncode == 0, result.stderr
    assert f"cleangov {name}" in result.stdout
