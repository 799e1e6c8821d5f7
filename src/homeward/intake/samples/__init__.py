"""Bundled intake samples: the labelled evaluation articles (English and Chinese, with page
boilerplate, a GBK file and a UTF-8 file with BOM; two are real articles), Weibo-style posts
and an RSS feed. Used by ``benchmarks/intake_eval.py``, the tests and the demo."""

from pathlib import Path

SAMPLES = Path(__file__).parent
ARTICLES = SAMPLES / "articles"
POSTS = SAMPLES / "posts" / "weibo_sample.jsonl"
FEED = SAMPLES / "feeds" / "sample_feed.xml"
