"""The intake commands end to end on a SQLite file: store, run again (nothing new), list
the proposed links and decide one; bad input exits 2 with the reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from homeward.intake.samples import ARTICLES, FEED, POSTS


def homeward(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOMEWARD_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
           "HOMEWARD_PROFILE_KEY_FILE": str(tmp_path / "profile.key"),
           "HOMEWARD_SECRET_KEY_FILE": str(tmp_path / "session.key")}
    return subprocess.run([sys.executable, "-m", "homeward", *args], capture_output=True,
                          text=True, env=env, timeout=180)


def test_store_twice_list_and_decide(tmp_path):
    first = homeward(tmp_path, "intake", "news", str(ARTICLES), "--store", "--json")
    assert first.returncode == 0, first.stderr
    stored = json.loads(first.stdout)["stored"]
    assert (stored["stored"], stored["incidents_created"]) == (33, 15)
    again = json.loads(homeward(tmp_path, "intake", "news", str(ARTICLES), "--store",
                                "--json").stdout)["stored"]
    assert (again["stored"], again["already_stored"]) == (0, 33)
    feed = homeward(tmp_path, "intake", "feed", str(FEED))
    assert feed.returncode == 0 and "1 updated" in feed.stdout
    assert "skipped sample_feed.xml entry 2" in feed.stderr
    posts = homeward(tmp_path, "intake", "posts", str(POSTS), "--json")
    document = json.loads(posts.stdout)
    assert [p["kind"] for p in document["posts"]] == [
        "appeal", "repost", "sighting", "family_search", "appeal", "repost"]
    assert "line 5: not JSON" in posts.stderr
    assert homeward(tmp_path, "intake", "links").returncode == 0
    missing = homeward(tmp_path, "intake", "decide", "999", "accept", "--reason", "x")
    assert missing.returncode == 2 and "no link 999" in missing.stderr


def test_nothing_readable_exits_2(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    done = homeward(tmp_path, "intake", "posts", str(empty))
    assert done.returncode == 2 and "the file is empty" in done.stderr
