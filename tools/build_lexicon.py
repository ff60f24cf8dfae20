"""Build the compact WordNet lexicon that ships inside the unspin package.

Reads the WordNet 3.0 database files (Debian: ``apt-get install wordnet-base``, files in
/usr/share/wordnet) and writes ``src/unspin/lexicon/data/wordnet-synsets.tsv.gz``:

    synset_id <TAB> pos <TAB> lemma|lemma|... <TAB> similar_ids <TAB> hypernym_ids

and ``wordnet-exceptions.tsv.gz`` (inflected form <TAB> base form <TAB> pos) from the ``*.exc``
files. Lemmas are lower-case with spaces for WordNet's underscores. The output is a
modification of WordNet 3.0 and is distributed under the WordNet licence
(``src/unspin/lexicon/data/LICENSE-WordNet``).

Usage: python tools/build_lexicon.py [--wordnet /usr/share/wordnet]
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
from pathlib import Path

POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_MARKER = re.compile(r"\((?:a|p|ip)\)$")


def parse_data_file(path: Path, pos: str) -> list[tuple[str, str, list[str], list[str], list[str]]]:
    """Parse one ``data.POS`` file into (id, pos, lemmas, similar ids, hypernym ids)."""
    rows = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("  "):
                continue  # licence header
            head = line.split(" | ", 1)[0].split()
            offset, ss_type, w_cnt = head[0], head[2], int(head[3], 16)
            lemmas = []
            for i in range(w_cnt):
                w = _MARKER.sub("", head[4 + 2 * i]).replace("_", " ").lower()
                if w not in lemmas:
                    lemmas.append(w)
            k = 4 + 2 * w_cnt
            p_cnt = int(head[k])
            similar, hyper = [], []
            for j in range(p_cnt):
                sym, off, ppos = head[k + 1 + 4 * j], head[k + 2 + 4 * j], head[k + 3 + 4 * j]
                ppos = "a" if ppos == "s" else ppos
                if sym in ("&", "^"):
                    similar.append(ppos + off)
                elif sym in ("@", "@i"):
                    hyper.append(ppos + off)
            sid = ("a" if ss_type == "s" else ss_type) + offset
            rows.append((sid, pos, lemmas, similar, hyper))
    return rows


def _gz_writer(path: Path) -> io.TextIOWrapper:
    """A text writer to a reproducible gzip file (no timestamp in the header)."""
    raw = gzip.GzipFile(filename="", fileobj=path.open("wb"), mode="wb", compresslevel=9, mtime=0)
    return io.TextIOWrapper(raw, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "src/unspin/lexicon/data"))
    args = ap.parse_args()
    src, out = Path(args.wordnet), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    with _gz_writer(out / "wordnet-synsets.tsv.gz") as fh:
        for pos, name in POS_FILES.items():
            for sid, p, lemmas, similar, hyper in parse_data_file(src / f"data.{name}", pos):
                fh.write(f"{sid}\t{p}\t{'|'.join(lemmas)}\t{','.join(similar)}\t{','.join(hyper)}\n")
                n += 1
    with _gz_writer(out / "wordnet-exceptions.tsv.gz") as fh:
        for pos, name in POS_FILES.items():
            exc = src / f"{name}.exc"
            for line in exc.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) >= 2:
                    fh.write(f"{parts[0].replace('_', ' ')}\t{parts[1].replace('_', ' ')}\t{pos}\n")
    print(f"wrote {n} synsets to {out}")


if __name__ == "__main__":
    main()
