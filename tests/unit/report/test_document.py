"""Every PDF the app lays out (report, notices) is dated in UTC, never the computer's zone."""

import io
import time
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph

from likeness_guard.core.report.document import PageFrame, PdfInfo, lay_out


@pytest.fixture
def seoul_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_plain_pdf_gives_away_no_time_zone(seoul_time: None) -> None:
    story = [Paragraph("A notice.", getSampleStyleSheet()["Normal"])]
    info = PdfInfo(title="t", author="a", creator="c", subject="s")
    pdf = lay_out(story, PageFrame(A4, 50.0), info)
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    for key in ("/CreationDate", "/ModDate"):
        assert str(metadata[key]).endswith("Z"), metadata[key]
    assert b"+09'00'" not in pdf
