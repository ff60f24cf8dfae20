from itertools import pairwise

from unspin.text import normalise, sentence_spans, tokenize


def test_tokens_keep_offsets_into_original_text():
    text = "Mr. Smith’s firm\u00a0said profits rose 76%. It was high-speed!"
    for tok in tokenize(text):
        assert text[tok.start : tok.end] == tok.surface
    assert [t.norm for t in tokenize(text)][:3] == ["mr", "smith's", "firm"]


def test_sentences_split_but_not_on_abbreviations():
    text = "Mr. Smith arrived. He left at 5 p.m. on Friday!\n\nNew paragraph"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Mr. Smith arrived.", "He left at 5 p.m. on Friday!", "New paragraph"]
    assert {t.sentence for t in tokenize(text) if t.norm == "smith"} == {0}


def test_normalise_folds_case_and_apostrophes():
    assert normalise("DON’T") == "don't"
    assert normalise("ﬁnance") == "finance"


def test_empty_and_whitespace_text():
    assert tokenize("") == []
    assert sentence_spans("   \n ") == []


def test_split_compounds_gives_the_parts_with_offsets():
    from unspin.text import apart, joined, split_compounds

    text = "A high-exactness COVID-19 test, then k-means."
    toks = split_compounds(tokenize(text))
    assert [t.norm for t in toks] == ["a", "high", "exactness", "covid-19", "test", "then", "k", "means"]
    assert all(text[t.start : t.end] == t.surface for t in toks)
    high, exactness, covid, test = toks[1:5]
    assert joined(high, exactness) and not apart(high, exactness)
    assert covid.compound == 0  # a digit keeps the compound whole
    assert apart(exactness, covid) and not joined(exactness, covid)
    assert not apart(covid, test)
    assert toks[6].compound != high.compound  # each compound has its own number
    assert split_compounds(tokenize("no compound here")) == tokenize("no compound here")


def test_text_windows_tile_the_text_and_cut_at_paragraphs_then_sentences_then_spaces():
    from unspin.text import text_windows

    short = "One paragraph.\n\nTwo."
    assert text_windows(short, max_chars=len(short)) == [(0, len(short))]
    paras = "\n\n".join(f"Paragraph {i} has a few words in it." for i in range(40))
    spans = text_windows(paras, max_chars=100)
    assert spans[0][0] == 0 and spans[-1][1] == len(paras)
    assert all(a[1] == b[0] for a, b in pairwise(spans))
    assert all(0 < e - s <= 100 for s, e in spans)
    assert all(paras[e - 1 : e + 1] == "\n\n" for _s, e in spans[:-1])  # cut inside a blank line
    sentences = " ".join(f"Sentence number {i} ends here." for i in range(40))
    assert all(sentences[e - 1] == "." for _s, e in text_windows(sentences, max_chars=100)[:-1])
    words = " ".join(["word"] * 100)
    assert all(words[e - 1] == " " for _s, e in text_windows(words, max_chars=50)[:-1])
    run = "x" * 250  # no space at all: hard cuts
    assert text_windows(run, max_chars=100) == [(0, 100), (100, 200), (200, 250)]
    assert text_windows("", max_chars=10) == [(0, 0)]



def test_an_abbreviation_is_found_in_the_tail_of_a_sentence_as_in_the_whole():
    # ``sentence_spans`` searches only the last ``_ABBREVIATION_TAIL`` characters of a sentence
    # for an abbreviation before its dot: the same answer as a search of the whole sentence.
    import itertools

    from unspin.text import _ABBREVIATION_END_RE, _ABBREVIATION_TAIL, ABBREVIATIONS

    words = [*ABBREVIATIONS, "x", "É", "corps", "xcorp", "3", "a1", "_", "", "ſt", "Prof", "U.S"]
    for before, word, gap in itertools.product(["", "Word", "the "], words, ["", " ", "-", "("]):
        sentence = f"{before}{gap}{word}."
        assert bool(_ABBREVIATION_END_RE.search(sentence[-_ABBREVIATION_TAIL:])) == bool(
            _ABBREVIATION_END_RE.search(sentence)), sentence
