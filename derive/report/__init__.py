"""Rendering of results as text, LaTeX and Markdown; it owns no mathematics."""

from derive.report.derivation import (
                                     derivation_latex,
                                     derivation_latex_with_steps,
                                     derivation_markdown,
                                     derivation_text,
)

__all__ = ["derivation_latex", "derivation_latex_with_steps", "derivation_markdown",
           "derivation_text"]
