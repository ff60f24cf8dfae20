from unspin.core.text import normalise, sentence_spans, tokenize


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
