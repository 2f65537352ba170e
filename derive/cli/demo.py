"""``derive demo``: the main job on built-in data, with no input."""

from __future__ import annotations

from derive.demo import main


def run(args) -> int:
    """Run the demo; returns the exit code."""
    return main()
