"""Lexical resources the core reads: synonyms, frequencies, reference statistics, known swaps."""

from unspin.lexicon.known import KnownListError, KnownSubstitutions, read_pairs_csv
from unspin.lexicon.model import Candidate, Lexicon

__all__ = ["Candidate", "KnownListError", "KnownSubstitutions", "Lexicon", "read_pairs_csv"]
