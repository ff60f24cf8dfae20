"""unspin: find machine-spun text, trace it to its source, restore what it said."""

from unspin.api import check
from unspin.core.config import CheckConfig, TraceConfig
from unspin.core.results import Alignment, CheckResult, Finding, Match, Substitution, TraceResult
from unspin.index import AddReport, Index
from unspin.lexicon import Lexicon

__all__ = ["AddReport", "Alignment", "CheckConfig", "CheckResult", "Finding", "Index", "Lexicon", "Match",
           "Substitution", "TraceConfig", "TraceResult", "check"]
__version__ = "0.1.0"
