"""A CheckReport shows its evidence wherever it is displayed (issue 10 §4)."""

import html

from derive.checking.report import CheckReport


def _report():
    return CheckReport("verified", "complex step", points=3, subject="gradient of x**2",
                       evidence=("compiled vs oracle: max abs error 1e-16",
                                 "Taylor test: slope 2.00 (expected 2)"))


def test_html_shows_the_evidence_print_shows():
    r = _report()
    page = r._repr_html_()
    for line in r.evidence:
        assert f"<li>{html.escape(line)}</li>" in page and line in str(r)
    assert "<details" not in page  # nothing the reader must click to see


def test_plain_text_display_is_the_printed_text():
    class Printer:
        def __init__(self):
            self.out = []

        def text(self, s):
            self.out.append(s)

    printer = Printer()
    r = _report()
    r._repr_pretty_(printer, False)
    assert "".join(printer.out) == str(r)
    assert str(r).count("\n") >= 3  # headline, evidence heading, two lines
