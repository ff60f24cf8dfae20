"""Where unspin caches what it derives from packaged files (``unspin.lexicon.packaged``)."""

from __future__ import annotations

import os

from unspin.lexicon.packaged import cache_path


def test_the_cache_is_keyed_by_content_not_by_where_the_file_is(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("UNSPIN_CACHE", str(tmp_path / "cache"))
    a, b, c = tmp_path / "env1" / "words.txt", tmp_path / "env2" / "words.txt", tmp_path / "env3" / "words.txt"
    for path, text in ((a, "forest,timberland\n"), (b, "forest,timberland\n"), (c, "forest,woodland\n")):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    os.utime(b, ns=(1, 1))  # another install: another time, the same bytes
    assert cache_path(a, "moby-{key}.npz") == cache_path(b, "moby-{key}.npz")  # a reinstall reuses the cache
    assert cache_path(a, "moby-{key}.npz") != cache_path(c, "moby-{key}.npz")  # an upgrade does not
    assert cache_path(a, "moby-{key}.npz").parent == tmp_path / "cache"
    before = cache_path(a, "x-{key}")
    a.write_text("forest,wood\n", encoding="utf-8")  # changed in place
    os.utime(a, ns=(2, 2))
    assert cache_path(a, "x-{key}") != before
