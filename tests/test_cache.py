"""The parse cache's files: a pack and an append-only log (hospiblog.cache.FingerprintCache).

Values round-trip equal; a one-post save appends one record and leaves the pack alone; compaction keeps only the
live keys; a damaged pack or log, or a log cut anywhere inside its last record (a crash mid-append), reads as
less, never as a wrong entry; and a build after all that publishes the bytes of a clean build.
"""

from __future__ import annotations

import dataclasses
import gc
import pickle
import weakref
from pathlib import Path
from typing import Any

import pytest

from hospiblog import cache
from hospiblog.build import build
from hospiblog.cache import COMPACT_FRACTION, LOG_MAGIC, PACK_MAGIC, PACK_SLICE, FingerprintCache
from tests.conftest import NOW, SiteMaker, post
from tests.test_build import files_of


@dataclasses.dataclass(frozen=True)
class Value:
    """A stand-in for a parsed post: a path, bytes and nested values."""

    path: Path
    body: bytes
    parts: tuple[tuple[str, int], ...] = ()


def value(number: int) -> Value:
    return Value(Path(f"/site/posts/news/article-{number}.md"), f"<p>Texte {number} : là.</p>".encode(),
                 (("title", number), ("date", number + 1)))


def filled(root: Path, count: int = 40) -> dict[str, Value]:
    """A cache folder whose pack holds ``count`` entries (a cold save: one pack, no log)."""
    entries = {f"key-{number}": value(number) for number in range(count)}
    store = FingerprintCache(root, "posts")
    for key, stored in entries.items():
        assert store.get(key) is None
        store.put(key, stored)
    store.save(set(entries))
    assert not store.log_path.exists()
    return entries


def read_all(root: Path) -> dict[str, Any]:
    """Every entry a new cache reads from the folder."""
    store = FingerprintCache(root, "posts")
    store.get("")
    return dict(store._loaded())


def log_records(path: Path) -> list[dict[str, Any]]:
    """The log's whole records, each as the entries it holds."""
    data = path.read_bytes()
    assert data.startswith(LOG_MAGIC)
    records, end = [], len(LOG_MAGIC)
    while end < len(data):
        length, _ = cache._RECORD.unpack_from(data, end)
        records.append(pickle.loads(data[end + cache._RECORD.size:end + cache._RECORD.size + length]))
        end += cache._RECORD.size + length
    return records


def edit(root: Path, entries: dict[str, Value], number: int) -> None:
    """What a build after a one-post edit does: reads everything, adds one key, drops the one it replaces."""
    store = FingerprintCache(root, "posts")
    old = f"key-{number}"
    assert store.get(old) == entries.pop(old)
    entries[f"edited-{number}"] = value(1000 + number)
    store.put(f"edited-{number}", entries[f"edited-{number}"])
    store.save(set(entries))


def test_values_round_trip_equal(tmp_path: Path) -> None:
    entries = filled(tmp_path)
    entries["edited"] = value(99)
    store = FingerprintCache(tmp_path, "posts")
    store.get("key-0")
    store.put("edited", entries["edited"])
    store.save(set(entries))
    again = read_all(tmp_path)
    assert again == entries
    assert all(type(stored.path) is type(Path()) for stored in again.values())


def test_a_pack_is_written_a_slice_at_a_time_and_a_cut_one_never_gives_a_wrong_entry(tmp_path: Path) -> None:
    """Each slice of entries is a pickle of its own (a pickle's record of the objects it wrote is freed between
    slices): the pack reads back whole; cut inside a slice, it reads as empty; cut between two, as the slices
    before the cut (a cache may miss entries, never give a wrong one)."""
    entries = filled(tmp_path, PACK_SLICE * 2 + 7)
    assert read_all(tmp_path) == entries
    pack = tmp_path / "posts.pack"
    data = pack.read_bytes()
    ends = []
    with open(pack, "rb") as file:
        file.read(len(PACK_MAGIC))
        while file.peek(1):
            assert len(pickle.load(file)) == min(PACK_SLICE, len(entries) - PACK_SLICE * len(ends))
            ends.append(file.tell())
    assert len(ends) == 3 and ends[-1] == len(data)
    pack.write_bytes(data[: ends[0] + 10])
    assert read_all(tmp_path) == {}
    pack.write_bytes(data[: ends[1]])
    read = read_all(tmp_path)
    assert len(read) == PACK_SLICE * 2 and all(entries[key] == stored for key, stored in read.items())


@pytest.mark.parametrize("text", ["/site/posts/news/a.md", "posts/a.md", "a.md", ".", "/", "//net/a", "/a b/é.md"])
def test_paths_round_trip_equal(tmp_path: Path, text: str) -> None:
    """Paths are pickled as folder and name (cheaper to read than pathlib's parts): still the same path."""
    store = FingerprintCache(tmp_path, "posts")
    store.put("key", Path(text))
    store.save({"key"})
    again = FingerprintCache(tmp_path, "posts").get("key")
    assert again == Path(text) and str(again) == str(Path(text)) and type(again) is type(Path(text))


def test_parsed_posts_round_trip_equal(make_site: SiteMaker, tmp_path: Path) -> None:
    """The real values: every post read back from the cache equals the post as parsed."""
    from hospiblog.build import parse_all
    from hospiblog.config import load_config
    from hospiblog.content.discover import discover
    from hospiblog.report import BuildReport

    site = make_site({f"posts/news/article-{n}.md": post(f"Article {n}", "2026-03-10",
                                                         f"Texte *{n}*, voir [là](article-0.md).", tags="[santé]")
                      for n in range(6)})
    config = load_config(site)
    sources = discover(config)
    parsed, errors = parse_all(sources, config, cache=FingerprintCache(tmp_path, "posts"))
    assert not errors and len(parsed) == 6
    report = BuildReport(output_dir=tmp_path)
    cached, _ = parse_all(sources, config, cache=FingerprintCache(tmp_path, "posts"), report=report)
    assert report.parsed == 0 and cached == parsed
    assert [cached_post.source_path for cached_post in cached] == [source.path for source in sources]


def test_a_one_post_edit_appends_one_record_and_leaves_the_pack_alone(tmp_path: Path) -> None:
    entries = filled(tmp_path)
    pack = tmp_path / "posts.pack"
    before = pack.stat()
    edit(tmp_path, entries, 3)
    after = pack.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert log_records(tmp_path / "posts.log") == [{"edited-3": value(1003)}]
    assert read_all(tmp_path) == {**entries, "key-3": value(3)}  # the dead entry is still there, unused

    store = FingerprintCache(tmp_path, "posts")  # a save that adds nothing writes nothing
    store.get("key-0")
    log = (tmp_path / "posts.log").stat()
    store.save(set(entries))
    assert (tmp_path / "posts.log").stat().st_mtime_ns == log.st_mtime_ns
    assert pack.stat().st_mtime_ns == before.st_mtime_ns


def test_compaction_keeps_only_the_live_keys(tmp_path: Path) -> None:
    entries = filled(tmp_path)
    pack = tmp_path / "posts.pack"
    inode = pack.stat().st_ino
    edits = 0
    while pack.stat().st_ino == inode:
        edit(tmp_path, entries, edits)
        edits += 1
        # Each edit adds a log entry and a dead one: the save before the waste passes 1/COMPACT_FRACTION appends.
        assert (2 * edits) * COMPACT_FRACTION <= len(entries) or pack.stat().st_ino != inode
    assert edits == len(entries) // (2 * COMPACT_FRACTION) + 1
    assert not (tmp_path / "posts.log").exists()
    assert read_all(tmp_path) == entries

    for number in range(30, 40):  # posts deleted: nothing added, but a quarter of the pack is dead
        del entries[f"key-{number}"]
    store = FingerprintCache(tmp_path, "posts")
    store.get("key-0")
    store.save(set(entries))
    assert read_all(tmp_path) == entries


def test_a_serve_session_appends_only_what_it_parsed(tmp_path: Path) -> None:
    """serve saves at its start and its stop; the second save puts every post again, without reading the pack."""
    entries = filled(tmp_path)
    store = FingerprintCache(tmp_path, "posts")
    loaded = {key: store.get(key) for key in entries}
    store.save(set(entries))
    pack = (tmp_path / "posts.pack").stat()
    loaded.pop("key-5")
    loaded["edited-5"] = value(1005)
    for key, stored in loaded.items():
        store.put(key, stored)
    store.save(set(loaded))
    assert store._entries is None  # the files were not read again
    assert (tmp_path / "posts.pack").stat().st_mtime_ns == pack.st_mtime_ns
    assert log_records(tmp_path / "posts.log") == [{"edited-5": value(1005)}]


def test_two_processes_saving_in_turn_never_mix_their_entries(tmp_path: Path) -> None:
    """Two builds read the same files, then save in turn: the second finds the log changed since it read it and
    compacts instead of appending (the first one's entry may be lost, never confused)."""
    entries = filled(tmp_path)
    first, second = FingerprintCache(tmp_path, "posts"), FingerprintCache(tmp_path, "posts")
    first.get("key-0")
    second.get("key-0")
    first.put("first", value(101))
    first.save({*entries, "first"})
    assert log_records(tmp_path / "posts.log") == [{"first": value(101)}]
    second.put("second", value(102))
    second.save({*entries, "second"})
    assert not (tmp_path / "posts.log").exists()
    assert read_all(tmp_path) == {**entries, "second": value(102)}


def test_a_save_keeps_no_value(tmp_path: Path) -> None:
    """After a save the cache holds no parsed value: the build's structures are their only owner."""
    filled(tmp_path)
    store = FingerprintCache(tmp_path, "posts")
    read = store.get("key-1")
    added = value(500)
    store.put("new", added)
    references = [weakref.ref(read), weakref.ref(added)]
    store.save({"key-1", "new"})
    del read, added
    gc.collect()
    assert [reference() for reference in references] == [None, None]


@pytest.mark.parametrize("damage", ["missing", "garbage", "partial", "other version", "not a dict"])
def test_a_damaged_pack_reads_as_empty_and_the_log_still_counts(tmp_path: Path, damage: str) -> None:
    entries = filled(tmp_path)
    edit(tmp_path, entries, 1)
    pack = tmp_path / "posts.pack"
    data = pack.read_bytes()
    if damage == "missing":
        pack.unlink()
    else:
        pack.write_bytes({"garbage": PACK_MAGIC + b"\x80\x05garbage", "partial": data[: len(data) // 2],
                          "other version": b"hospiblog pack 1\n" + data[len(PACK_MAGIC):],
                          "not a dict": PACK_MAGIC + pickle.dumps(["a", "list"])}[damage])
    assert read_all(tmp_path) == {"edited-1": value(1001)}
    store = FingerprintCache(tmp_path, "posts")  # the next save still counts the log's entries
    store.get("key-0")
    store.put("key-0", value(0))
    store.save(set(entries))
    assert read_all(tmp_path) == {"key-0": value(0), "edited-1": value(1001)}


@pytest.mark.parametrize("damage", ["garbage", "other version", "flipped byte", "empty"])
def test_a_damaged_log_reads_up_to_its_damage(tmp_path: Path, damage: str) -> None:
    entries = filled(tmp_path)
    edit(tmp_path, entries, 1)
    edit(tmp_path, entries, 2)
    log = tmp_path / "posts.log"
    data = log.read_bytes()
    assert data.count(b"Texte 1002") == 1  # in the last record's pickle: a changed byte there still unpickles
    log.write_bytes({"garbage": b"\x00" * 40, "other version": b"hospiblog log 1\n" + data[len(LOG_MAGIC):],
                     "flipped byte": data.replace(b"Texte 1002", b"Texte 1003"), "empty": b""}[damage])
    # A changed byte fails the last record's checksum, the one before it still counts; else the log is lost.
    lost = {"edited-2"} if damage == "flipped byte" else {"edited-1", "edited-2"}
    expected = {**entries, "key-1": value(1), "key-2": value(2)}
    assert read_all(tmp_path) == {key: stored for key, stored in expected.items() if key not in lost}

    edit(tmp_path, entries, 3)  # a log that does not end on a whole record is never appended to: compacted
    found = read_all(tmp_path)
    assert {key: found[key] for key in entries if key in found} == {
        key: stored for key, stored in entries.items() if key not in lost}
    assert (damage == "empty") == log.exists()


def test_a_log_cut_anywhere_in_its_last_record_never_gives_a_wrong_entry(tmp_path: Path) -> None:
    """A crash mid-append: the log cut at every byte of its last record reads as the records before it."""
    entries = filled(tmp_path)
    edit(tmp_path, entries, 1)
    log = tmp_path / "posts.log"
    whole = log.read_bytes()
    edit(tmp_path, entries, 2)
    appended = log.read_bytes()
    assert appended.startswith(whole) and len(appended) > len(whole)
    before = {**entries, "key-1": value(1), "key-2": value(2)}
    del before["edited-2"]
    for cut in range(len(whole), len(appended)):
        log.write_bytes(appended[:cut])
        assert read_all(tmp_path) == before, cut
    log.write_bytes(appended)
    assert read_all(tmp_path) == {**before, "edited-2": value(1002)}


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    root = tmp_path / "a-file"
    root.write_text("not a folder")
    store = FingerprintCache(root, "posts")
    assert store.get("key") is None
    store.put("key", value(1))
    store.save({"key"})
    assert FingerprintCache(root, "posts").get("key") is None


def test_what_a_killed_build_was_writing_leaves_the_cache(make_site: SiteMaker, tmp_path: Path) -> None:
    """A build killed while it writes its parsed posts (SIGKILL: no cleanup runs) leaves a ``.part`` file as large
    as the pack; a build removes it once it is an hour old, but not one a running process writes, nor a recent one
    (a build in a container sharing the cache names a process this one cannot see)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    site = many_posts(make_site)
    build(site, output=tmp_path / "out", now=NOW)
    cache_folder = site / ".hospiblog-cache"
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from hospiblog.cache import write_atomically\n"
        "def write(file):\n"
        "    file.write(b'x' * 100000); file.flush(); print('writing', flush=True); time.sleep(60)\n"
        f"write_atomically(Path({str(cache_folder / 'posts.pack')!r}), write)\n")], stdout=subprocess.PIPE)
    assert writer.stdout is not None and writer.stdout.readline() == b"writing\n"
    (killed,) = cache_folder.glob(".posts.pack.*.part")
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert killed.stat().st_size == 100000
    build(site, output=tmp_path / "out", now=NOW)
    assert killed.exists()  # its process is gone, but it is recent
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    old_times = (time.time() - 2 * cache.ORPHAN_AGE,) * 2
    try:
        alive = cache_folder / f".checks.pack.{running.pid}-abcd1234.part"
        old = cache_folder / "outputs" / ".x.json.k3j2h1g0.part"  # an older hospiblog's, without a pid
        recent = cache_folder / "outputs" / ".y.json.a1b2c3d4.part"
        odd = [cache_folder / ".posts.pack.²-abcdefgh.part", cache_folder / ".posts.pack.99999999999999999999-a.part"]
        for path in (alive, old, recent, *odd):
            path.write_bytes(b"")
        for path in (killed, alive, old, *odd):
            os.utime(path, old_times)
        build(site, output=tmp_path / "out", now=NOW)
        assert not killed.exists() and not old.exists() and not any(path.exists() for path in odd)
        assert alive.exists() and recent.exists()
    finally:
        running.kill()
        running.wait()
    build(site, output=tmp_path / "out", now=NOW)
    assert not alive.exists()


def many_posts(make_site: SiteMaker) -> Path:
    """Enough posts that a one-post edit appends (with 4 posts every save compacts)."""
    return make_site({f"posts/{('news', 'prevention', 'medicine')[n % 3]}/article-{n}.md":
                      post(f"Article numéro {n}", f"2026-0{n % 9 + 1}-1{n % 10}", f"Texte *{n}* : voir.",
                           tags=f"[sujet-{n % 4}, commun]")
                      for n in range(4 * COMPACT_FRACTION)})


def test_builds_over_an_appended_and_cut_log_equal_a_clean_build(make_site: SiteMaker, tmp_path: Path) -> None:
    site = many_posts(make_site)
    out, cache_folder = tmp_path / "out", site / ".hospiblog-cache"
    build(site, output=out, now=NOW)
    pack = (cache_folder / "posts.pack").stat()
    first, second = sorted((site / "posts").rglob("*.md"))[:2]
    first.write_text(first.read_text("utf-8") + "\nUn paragraphe ajouté.\n", "utf-8")
    assert build(site, output=out, now=NOW).parsed == 1
    assert (cache_folder / "posts.pack").stat().st_ino == pack.st_ino
    assert [len(record) for record in log_records(cache_folder / "posts.log")] == [1]

    second.write_text(second.read_text("utf-8") + "\nUn autre paragraphe.\n", "utf-8")
    assert build(site, output=out, now=NOW).parsed == 1
    log = cache_folder / "posts.log"
    data = log.read_bytes()
    log.write_bytes(data[:-5])  # the second edit's record, cut: that post is parsed again
    for snapshot in (cache_folder / "outputs").glob("*.snapshot.json"):
        snapshot.unlink()
    assert build(site, output=out, now=NOW).parsed == 1
    assert not log.exists()  # the log did not end on a whole record: compacted
    assert build(site, output=tmp_path / "again", now=NOW).parsed == 0

    build(site, output=tmp_path / "clean", now=NOW, use_cache=False)
    assert files_of(out) == files_of(tmp_path / "clean") == files_of(tmp_path / "again")


def test_an_append_that_fails_is_no_error(make_site: SiteMaker, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """An append that fails (a full disk) is no error: the save compacts instead."""
    site = many_posts(make_site)
    build(site, output=tmp_path / "out", now=NOW)
    real_open = open

    def failing_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if str(file).endswith("posts.log") and "a" in mode:
            raise OSError(28, "No space left on device")
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    first = sorted((site / "posts").rglob("*.md"))[0]
    first.write_text(first.read_text("utf-8") + "\nAjout.\n", "utf-8")
    monkeypatch.setattr("builtins.open", failing_open)
    assert build(site, output=tmp_path / "out", now=NOW).parsed == 1  # compacted instead
    monkeypatch.undo()
    assert not (site / ".hospiblog-cache" / "posts.log").exists()
    assert build(site, output=tmp_path / "other", now=NOW).parsed == 0
    assert files_of(tmp_path / "out") == files_of(tmp_path / "other")
