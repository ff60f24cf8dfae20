"""unspin: find machine-spun text, trace it to its source, restore what it said."""

from unspin.api import check
from unspin.core.results import CheckResult, Finding
from unspin.lexicon import Lexicon

__all__ = ["CheckResult", "Finding", "Lexicon", "check"]
__version__ = "0.1.0"
