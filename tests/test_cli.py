"""End-to-end tests of the command line on real files: in this process through click's
``CliRunner`` (the lexicon loads once per test session), and once as a real subprocess."""

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click

from unspin.cli import main

from .conftest import Ran
from .texts import BOE_SOURCE as SOURCE
from .texts import BOE_SPUN_COPY as SPUN_COPY
from .texts import SHORT_SPUN as SPUN

ROOT = Path(__file__).resolve().parents[1]
CLEAN = "The council approved the budget on Tuesday after a long debate about schools."


def run_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m unspin ARGS`` as a real subprocess (the entry point, real standard streams)."""
    return subprocess.run([sys.executable, "-m", "unspin", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_jsonl_output_has_the_documented_fields(tmp_path, cli):
    (tmp_path / "a.txt").write_text(SPUN, encoding="utf-8")
    (tmp_path / "b.md").write_text(CLEAN, encoding="utf-8")
    p = cli("check", str(tmp_path), "--format", "jsonl")
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert {"id", "spun", "score", "findings", "restored"} <= row.keys()
        assert 0 <= row["score"] <= 1
    spun = next(r for r in rows if r["id"].endswith("a.txt"))
    f = next(f for f in spun["findings"] if f["suggestion"] == "training data")
    assert SPUN[f["start"] : f["end"]] == f["text"] == "preparation information"
    assert {"start", "end", "text", "suggestion", "confidence"} <= f.keys()
    assert "training data" in spun["restored"]
    assert p.returncode == (1 if any(r["spun"] for r in rows) else 0)


def test_threshold_sets_verdict_and_exit_status(tmp_path, cli):
    (tmp_path / "a.txt").write_text(CLEAN, encoding="utf-8")
    assert cli("check", str(tmp_path / "a.txt"), "--threshold", "1.0", "--format", "csv").returncode == 0
    p = cli("check", str(tmp_path / "a.txt"), "--threshold", "0.0", "--format", "csv")
    assert p.returncode == 1
    header, row = p.stdout.splitlines()[:2]
    assert header.startswith("id,spun,score") and ",true," in row


def test_config_file_sets_every_check_setting_and_the_options_override_it(tmp_path, cli):
    """``--config FILE.json`` (``CheckConfig.to_dict()``'s shape, fields not named keep their
    defaults) reaches ``check``: the answer is ``unspin.api.check``'s at that configuration, and
    differs from the default one; ``--threshold`` replaces the file's threshold."""
    from unspin import CheckConfig, Lexicon, check

    (tmp_path / "a.txt").write_text(SPUN, encoding="utf-8")
    data = {"threshold": 0.9, "tier": "fast", "detector": {"spin": {"pivot_zipf": 4.6}, "bias": -4.0}}
    (tmp_path / "config.json").write_text(json.dumps(data), encoding="utf-8")
    config = CheckConfig.from_dict(data)
    p = cli("check", str(tmp_path / "a.txt"), "--config", str(tmp_path / "config.json"), "--format", "jsonl")
    got = json.loads(p.stdout)
    expected = check(SPUN, id=got["id"], lexicon=Lexicon.default(), config=config).to_dict()
    assert got == json.loads(json.dumps(expected))
    assert got["threshold"] == 0.9
    default = json.loads(cli("check", str(tmp_path / "a.txt"), "--format", "jsonl").stdout)
    assert default["score"] != got["score"]
    low = json.loads(cli("check", str(tmp_path / "a.txt"), "--config", str(tmp_path / "config.json"),
                         "--threshold", "0.1", "--format", "jsonl").stdout)
    assert low["threshold"] == 0.1 and low["score"] == got["score"]

    (tmp_path / "bad.json").write_text(json.dumps({"detector": {"spin": {"pivot": 4}}}), encoding="utf-8")
    bad = cli("check", str(tmp_path / "a.txt"), "--config", str(tmp_path / "bad.json"))
    assert bad.returncode == 2 and "detector.spin: unknown field(s) 'pivot'" in bad.stderr
    scan = cli("scan", str(tmp_path / "a.txt"), "--config", str(tmp_path / "bad.json"), "--no-progress")
    assert scan.returncode == 2 and "unknown field" in scan.stderr


def test_bad_inputs_are_reported_and_the_rest_still_checked(tmp_path, cli):
    (tmp_path / "good.txt").write_text(SPUN, encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x00" * 100)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    lines = [json.dumps({"id": "j1", "text": CLEAN}), "{not json", json.dumps({"id": "j3", "body": "x"})]
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = cli("check", str(tmp_path), "--format", "jsonl")
    ids = [json.loads(line)["id"] for line in p.stdout.splitlines()]
    assert ids == ["j1", f"{tmp_path.name}/good.txt"]  # docs.jsonl's record, then good.txt (name order)
    assert p.returncode == 3
    assert "binary.txt" in p.stderr and "empty.txt" in p.stderr
    assert "docs.jsonl:2" in p.stderr and "docs.jsonl:3" in p.stderr


def test_stdin_and_terminal_view_in_a_real_process():
    p = run_process("check", "-", stdin=SPUN)
    assert "training data" in p.stdout
    verdict = p.stdout.split()[1].lower()  # "-  clean  score 0.31 ..." or "-  SPUN  score ..."
    assert (verdict, p.returncode) in (("clean", 0), ("spun", 1)), p.stdout


def test_known_list_and_reference_options(tmp_path, cli):
    known = tmp_path / "known.csv"
    known.write_text("tortured_phrase,expected_phrase\n\"profound learning\",deep learning\n", encoding="utf-8")
    ref = tmp_path / "ref.txt"
    ref.write_text(CLEAN * 3, encoding="utf-8")
    p = cli("check", "-", "--known", str(known), "--reference", str(ref), "--format", "jsonl",
            stdin="Profound learning models need data.")
    row = json.loads(p.stdout)
    assert row["findings"][0]["suggestion"] == "Deep learning"


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, cmd in group.commands.items():
        out.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, prefix + name + " "))
    return out


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, cmd in _commands(main):
        assert re.search(rf"unspin {name}\b", readme), f"command {name!r} is not documented in README.md"
        for param in cmd.get_params(click.Context(cmd)):
            for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"option {opt} of {name!r} is not documented in README.md"


def test_index_trace_and_learned_check(tmp_path, cli):
    db = str(tmp_path / "news.db")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "boe", "text": SOURCE}) + "\n" + json.dumps({"id": "cats", "text": CLEAN})
                      + "\n", encoding="utf-8")
    p = cli("index", "add", "--db", db, str(corpus))
    assert p.returncode == 0, p.stderr
    assert "indexed 2" in p.stderr
    again = cli("index", "add", "--db", db, str(corpus))
    assert "0 document(s), 2 already present" in again.stderr
    info = json.loads(cli("index", "info", "--db", db, "--format", "json").stdout)
    assert info["documents"] == 2 and info["params"]["bands"] == 32

    p = cli("trace", "--db", db, "-", "--format", "jsonl", "--learn", stdin=SPUN_COPY)
    assert p.returncode == 1, p.stderr
    row = json.loads(p.stdout)
    m = row["matches"][0]
    assert m["source_id"] == "boe" and m["relation"] == "derived" and m["coverage"] > 0.9
    assert m["restored"] == SOURCE
    sub = next(s for s in m["substitutions"] if s["source_text"] == "raised interest rates")
    assert SPUN_COPY[sub["input_start"] : sub["input_end"]] == sub["text"] == "hiked loan costs"
    assert SOURCE[sub["source_start"] : sub["source_end"]] == "raised interest rates"
    info = json.loads(cli("index", "info", "--db", db, "--format", "json").stdout)
    assert info["learned_substitutions"] > 0

    # what trace learned, check uses: the spinner's swap is now a known substitution
    c = cli("check", "-", "--db", db, "--format", "jsonl", stdin="The central bank hiked loan costs again.")
    found = json.loads(c.stdout)["findings"]
    assert any(f["text"] == "hiked loan costs" and f["suggestion"] == "raised interest rates"
               and f["evidence"] == ["learned-swap"] for f in found)

    assert "removed 1 of 2" in cli("index", "remove", "--db", db, "boe", "nope").stderr
    p = cli("trace", "--db", db, "-", "--format", "csv", stdin=SPUN_COPY)
    assert p.returncode == 0 and ",derived," not in p.stdout


def test_trace_refuses_a_file_that_is_not_an_index(tmp_path, cli):
    bad = tmp_path / "not.db"
    bad.write_text("hello", encoding="utf-8")
    p = cli("trace", "--db", str(bad), "-", stdin=SPUN_COPY)
    assert p.returncode == 2 and "not.db" in p.stderr


def test_an_index_of_an_older_fingerprint_format_is_refused_with_the_fix(tmp_path, cli):
    from unspin.core.fingerprint import FORMAT_VERSION, FingerprintParams
    from unspin.store import SQLiteStore

    db = tmp_path / "old.db"
    old = FingerprintParams().to_dict() | {"format_version": FORMAT_VERSION - 1}
    with SQLiteStore(db) as store:
        store.ensure_params(old)
    for args in (("trace", "--db", str(db), "-"), ("index", "add", "--db", str(db), "-")):
        p = cli(*args, stdin=SPUN_COPY)
        assert p.returncode == 2, p.stderr
        assert f"format {FORMAT_VERSION - 1}" in p.stderr and "unspin index add" in p.stderr
        assert "Traceback" not in p.stderr


def _indexed(tmp_path: Path, cli: Callable[..., Ran]) -> str:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "boe", "text": SOURCE}) + "\n", encoding="utf-8")
    db = str(tmp_path / "news.db")
    assert cli("index", "add", "--db", db, str(corpus)).returncode == 0
    return db


def test_trace_without_learn_leaves_the_index_unchanged(tmp_path, cli, learned_tables):
    db = _indexed(tmp_path, cli)
    before = learned_tables(Path(db))
    p = cli("trace", "--db", db, "-", "--format", "jsonl", stdin=SPUN_COPY)
    assert p.returncode == 1 and json.loads(p.stdout)["matches"][0]["relation"] == "derived"
    assert learned_tables(Path(db)) == before == [[], []]


def test_learned_and_forget_round_trip(tmp_path, cli, learned_tables):
    db = _indexed(tmp_path, cli)
    assert cli("trace", "--db", db, "-", "--id-field", "id", "--learn", stdin=SPUN_COPY).returncode == 1
    rows = [json.loads(line) for line in cli("index", "learned", "--db", db, "--format", "jsonl").stdout.splitlines()]
    hiked = next(r for r in rows if r["spun"] == "hiked loan costs")
    assert hiked == {"spun": "hiked loan costs", "source": "raised interest rates", "count": 1,
                     "learned_from": [{"source_id": "boe", "copy_id": "-"}]}
    table = cli("index", "learned", "--db", db)
    assert table.returncode == 0 and "hiked loan costs" in table.stdout and "- <- boe" in table.stdout
    csv_out = cli("index", "learned", "--db", db, "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "spun,source,count,source_ids,copy_ids" and len(csv_out) == len(rows) + 1

    p = cli("index", "forget", "--db", db, "hiked loan costs -> raised interest rates", "no-such-swap")
    assert p.returncode == 0 and "forgot 1 learned swap(s)" in p.stderr and "'no-such-swap'" in p.stderr
    left = cli("index", "learned", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert len(left) == len(rows) - 1 and "hiked loan costs" not in "".join(left)
    assert cli("index", "forget", "--db", db).returncode == 2  # neither swaps nor --all
    p = cli("index", "forget", "--db", db, "--all")
    assert p.returncode == 0 and f"forgot {len(rows) - 1} learned swap(s)" in p.stderr
    assert learned_tables(Path(db)) == [[], []]
    assert cli("index", "learned", "--db", db).stdout.strip() == "no learned swaps"


def test_a_missing_db_is_an_error_and_no_file_is_created(tmp_path, cli):
    nope = tmp_path / "nope.db"
    commands = [("trace", "--db", str(nope), "-"), ("trace", "--db", str(nope), "--learn", "-"),
                ("index", "remove", "--db", str(nope), "x"), ("index", "info", "--db", str(nope)),
                ("index", "learned", "--db", str(nope)), ("index", "forget", "--db", str(nope), "--all"),
                ("check", "--db", str(nope), "-"), ("scan", "--db", str(nope), "-"),
                ("serve", "--db", str(nope))]
    for args in commands:
        p = cli(*args, stdin=SPUN_COPY)
        assert p.returncode == 2, (args, p.stderr)
        assert "nope.db" in p.stderr and "Traceback" not in p.stderr, (args, p.stderr)
        assert not nope.exists(), args
    p = cli("index", "add", "--db", str(nope), "-", stdin=SPUN_COPY)  # the one command that creates it
    assert p.returncode == 0 and nope.exists()


def test_a_known_list_that_yields_no_pairs_is_an_error_naming_its_columns(tmp_path, cli):
    cases = {"tabs.tsv": ("tortured_phrase\texpected_phrase\nprofound learning\tdeep learning\n", "tab-separated"),
             "semi.csv": ("tortured_phrase;expected_phrase\nprofound learning;deep learning\n", "semicolon"),
             "wrong.csv": ("phrase\nprofound learning\n", "'phrase'"),
             "empty.csv": ("", "empty")}
    for name, (content, said) in cases.items():
        known = tmp_path / name
        known.write_text(content, encoding="utf-8")
        p = cli("check", "-", "--known", str(known), stdin="Profound learning models need data.")
        assert p.returncode == 2, (name, p.stderr)
        assert name in p.stderr and said in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert "1 column(s): 'tortured_phrase\\texpected_phrase'" in cli(
        "check", "-", "--known", str(tmp_path / "tabs.tsv"), stdin="x").stderr


def test_index_info_is_readable_and_remove_names_unknown_ids(tmp_path, cli):
    db = _indexed(tmp_path, cli)
    text = cli("index", "info", "--db", db)
    assert text.returncode == 0 and "{" not in text.stdout  # no Python dict
    lines = dict(line.split(None, 1) for line in text.stdout.splitlines())
    assert lines["documents"] == "1" and lines["params.bands"] == "32" and lines["learned_substitutions"] == "0"
    p = cli("index", "remove", "--db", db, "boe", "nope", "nope")
    assert p.returncode == 0 and "no document 'nope' in" in p.stderr and "'boe'" not in p.stderr
    assert p.stderr.count("'nope'") == 1 and "removed 1 of 3" in p.stderr


def test_help_states_the_exit_status(cli):
    for args in ((), ("index", "remove"), ("index", "info"), ("serve",), ("index", "learned"), ("index", "forget")):
        p = cli(*args, "--help")
        assert p.returncode == 0 and "Exit status" in p.stdout, args
        assert "2 usage error" in p.stdout or "2  usage error" in p.stdout, args


def test_serve_refuses_learning_it_cannot_do(tmp_path, cli):
    db = _indexed(tmp_path, cli)
    p = cli("serve", "--db", db, "--learn", "--read-only")
    assert p.returncode == 2 and "--learn and --read-only" in p.stderr
    p = cli("serve", "--learn")
    assert p.returncode == 2 and "--learn needs --db" in p.stderr


def test_a_csv_run_where_every_input_fails_still_writes_the_header(tmp_path, cli):
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    p = cli("check", str(bad), "--format", "csv")
    assert p.returncode == 3 and p.stdout.startswith("id,spun,score") and len(p.stdout.splitlines()) == 1
    db = _indexed(tmp_path, cli)
    p = cli("trace", "--db", db, str(bad), "--format", "csv")
    assert p.returncode == 3 and p.stdout.startswith("id,") and len(p.stdout.splitlines()) == 1


def test_every_spark_submit_option_is_documented_and_shared_with_scan():
    """The spark-submit entry point is a click command whose options, where scan has them too,
    are the very same definitions (same help, same default), and docs/spark.md names each one."""
    from unspin.cli.scan import scan_command
    from unspin.cli.spark_submit import spark_submit_command

    docs = (ROOT / "docs" / "spark.md").read_text(encoding="utf-8")
    scan_params = {p.name: p for p in scan_command.params}
    shared = 0
    for param in spark_submit_command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert opt in docs, f"option {opt} of spark_submit is not documented in docs/spark.md"
        twin = scan_params.get(param.name)
        # The job's own: --input (any path Spark reads), --out (required, Spark part files), and the
        # master, whose default differs under spark-submit.
        if isinstance(twin, click.Option) and param.name not in ("inputs", "out_dir", "spark_master"):
            shared += 1
            assert (param.opts, getattr(param, "help", None), param.default) == (
                twin.opts, getattr(twin, "help", None), twin.default), param.name
    assert shared >= 10


def test_one_config_file_carries_check_and_trace_settings(tmp_path, cli):
    """``index add --config`` builds the index with the file's fingerprint parameters (recorded);
    ``trace`` and ``check`` read the same file; a file naming other fingerprint parameters than
    the index's is refused with each difference named; a bad ``trace`` section is a usage error
    for every command, ``check`` included."""
    src = tmp_path / "boe.txt"
    src.write_text(SOURCE, encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(SPUN_COPY, encoding="utf-8")
    db = str(tmp_path / "k2.db")
    k2 = tmp_path / "k2.json"
    k2.write_text(json.dumps({"threshold": 0.4, "trace": {"fingerprint": {"winnow_k": 2}, "candidates": 5}}),
                  encoding="utf-8")
    assert cli("index", "add", "--db", db, str(src), "--config", str(k2)).returncode == 0
    assert json.loads(cli("index", "info", "--db", db, "--format", "json").stdout)["params"]["winnow_k"] == 2
    p = cli("trace", "--db", db, str(copy), "--config", str(k2), "--format", "jsonl")
    assert p.returncode == 1 and json.loads(p.stdout)["matches"][0]["source_id"].endswith("boe.txt")
    assert cli("trace", "--db", db, str(copy)).returncode == 1  # no --config: the index's own parameters
    other = tmp_path / "k3.json"
    other.write_text(json.dumps({"trace": {"fingerprint": {"winnow_k": 3}}}), encoding="utf-8")
    for args in (("trace", "--db", db, str(copy)), ("index", "add", "--db", db, str(copy)),
                 ("scan", str(copy), "--db", db, "--no-progress")):
        p = cli(*args, "--config", str(other))
        assert p.returncode == 2 and "winnow_k: index has 2, asked for 3" in p.stderr, args
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"trace": {"relation": {"derived_coverge": 0.3}}}), encoding="utf-8")
    for args in (("check", str(copy)), ("trace", "--db", db, str(copy)), ("scan", str(copy))):
        p = cli(*args, "--config", str(bad))
        assert p.returncode == 2 and "trace: relation: unknown field(s) 'derived_coverge'" in p.stderr, args
