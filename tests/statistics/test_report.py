"""``homeward report``: the bilingual PDF and HTML of a period, and its refusals."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import numpy as np
import pytest
from pypdf import PdfReader

from homeward.cli import main
from homeward.registry.db import make_engine
from homeward.registry.migrate import upgrade
from homeward.statistics.publication import publish
from homeward.statistics.report import ReportFormatError, write_report
from homeward.statistics.tables import COUNT_MEASURES, Period, RegistryTables


@pytest.fixture
def homeward(tmp_path):
    url = f"sqlite:///{tmp_path}/registry.sqlite3"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    env = {**os.environ, "HOMEWARD_DATABASE_URL": url,
           "HOMEWARD_KEY_FILE": str(tmp_path / "profile.key")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "homeward", *args], env=env,
                              capture_output=True, text=True, cwd=tmp_path, check=False)
    return run


def test_report_writes_a_pdf_with_extractable_chinese_text(homeward, tmp_path):
    done = homeward("report", "--from", "2023-01-01", "--to", "2024-12-31",
                    "--out", str(tmp_path / "report.pdf"))
    assert done.returncode == 0, done.stderr
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "Homeward statistics" in text and "回家统计" in text
    assert "走失儿童案件" in text and "2023-01-01" in text


def test_report_as_html_is_one_self_contained_page(tmp_path):
    period = Period(dt.date(2023, 1, 1), dt.date(2024, 12, 31))
    counts = {m: np.array([[25, 3], [40, 30]]) for m in COUNT_MEASURES}
    published = publish(RegistryTables(period, ["53", "13"], counts, {}), 11)
    write_report(published, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "回家统计" in page and "Yunnan 云南" in page and "&lt;11" in page
    assert page.count("data:image/png;base64,") == 4  # map and chart, in both languages
    with pytest.raises(ReportFormatError, match=".pdf or .html"):
        write_report(published, tmp_path / "report.txt")


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2024-13-01", "--to", "2024-12-31", "--out", "r.pdf"], "YYYY-MM-DD"),
    (["--from", "2024-02-01", "--to", "2024-01-01", "--out", "r.pdf"], "before it starts"),
    (["--from", "2024-01-01", "--to", "2024-12-31", "--out", "r.docx"], ".pdf or .html"),
    (["--from", "2024-01-01", "--to", "2024-12-31", "--out", "nowhere/r.pdf"],
     "does not exist"),
])
def test_bad_arguments_exit_2_with_a_message(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["homeward", "report", *args])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2
    assert message in capsys.readouterr().err
