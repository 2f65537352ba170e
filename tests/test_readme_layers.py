"""The README's "How the pieces fit" shows the layers as they are.

Every top-level module and package of ``derive`` has a row, in the layer
``tests/test_layers.py`` gives it, and a package's row names each of its modules,
so a module cannot be added, moved or renamed without the picture following.
"""

import pathlib
import re

from tests.test_layers import MODULES, _layer

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _rows():
    """(layer, module, description) for each row of the section's table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## How the pieces fit", 1)[1].split("\n## ", 1)[0]
    layer, rows = None, []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[1].startswith("`derive"):
            continue
        if cells[0]:
            layer = int(cells[0].split()[0])
        for name in re.findall(r"`(derive[\w.]*)/?`", cells[1]):
            rows.append((layer, name, cells[2]))
    return rows


ROWS = _rows()
TOP = sorted({".".join(m.split(".")[:2]) for m in MODULES})


def test_every_top_level_module_and_package_has_a_row_in_its_layer():
    shown = {name: layer for layer, name, _ in ROWS}
    missing = [m for m in TOP if m not in shown]
    assert not missing, f"add a row to README 'How the pieces fit' for {missing}"
    wrong = {m: (shown[m], _layer(m)) for m in shown if shown[m] != _layer(m)}
    assert not wrong, f"README layer vs tests/test_layers.py layer: {wrong}"


def test_a_package_row_names_each_of_its_modules():
    described = {name: text for _, name, text in ROWS}
    unnamed = []
    for module in MODULES:
        parts = module.split(".")
        if len(parts) == 3 and parts[2] not in ("__init__", "__main__"):
            package = ".".join(parts[:2])
            if f"`{parts[2]}`" not in described.get(package, ""):
                unnamed.append(module)
    assert not unnamed, f"name these modules in their package's README row: {unnamed}"
