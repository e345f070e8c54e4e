"""HTML, Word and PDF articles: main text only, metadata and the file's hash in meta."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import pytest

from annotator.core.model import AnnotatedDocument

# urllib3 (imported by trafilatura) opens, never connects, a socket to probe for IPv6:
# import it at collection, before the network guard watches.
with contextlib.suppress(ImportError):
    import trafilatura  # noqa: F401
from annotator.formats import articles
from annotator.formats.importers import detect_format, import_format
from annotator.formats.problems import ImportProblem

ARTICLE = (
    "The finance minister said on Tuesday that the talks in Brussels had been constructive, "
    "and that a deal on steel tariffs could be reached before the summit next week. "
    "Analysts in Berlin were more cautious about the timetable."
)
SECOND = (
    "Officials from both sides will meet again on Friday to review the draft text, "
    "according to a statement published by the commission late on Monday evening."
)

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Talks constructive, minister says | Daily Ledger</title>
<meta name="author" content="Jane Reporter">
<meta property="og:title" content="Talks constructive, minister says">
<meta property="article:published_time" content="2024-03-05T09:30:00Z">
<link rel="canonical" href="https://news.example.com/2024/03/05/talks">
<script>window.tracker = "SCRIPT-SHOULD-NOT-APPEAR"; document.write("<p>evil</p>");</script>
<style>body {{ color: red; }} .STYLE-SHOULD-NOT-APPEAR {{}}</style>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">NAVIGATION-WORLD</a></li>
<li><a href="/sport">NAVIGATION-SPORT</a></li></ul></nav></header>
<main><article>
<h1>Talks constructive, minister says</h1>
<p class="byline">By Jane Reporter</p>
<p>{ARTICLE}</p>
<p>{SECOND}</p>
</article>
<section id="comments" class="comments">
<h3>Comments</h3>
<div class="comment"><p>COMMENT-SHOULD-NOT-APPEAR this is a reader comment.</p></div>
</section></main>
<footer><p>FOOTER-SHOULD-NOT-APPEAR Copyright Daily Ledger. All rights reserved.</p></footer>
<script src="/ads.js"></script><noscript>NOSCRIPT-SHOULD-NOT-APPEAR</noscript>
</body></html>
"""


def _read(path: Path) -> list[AnnotatedDocument | ImportProblem]:
    fmt = detect_format(path)
    assert fmt is not None
    return list(import_format(fmt)(path, "auto"))


def _only_document(path: Path) -> AnnotatedDocument:
    (item,) = _read(path)
    assert isinstance(item, AnnotatedDocument), item
    return item


def test_html_page_yields_main_text_and_metadata_without_boilerplate(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    path = tmp_path / "talks.html"
    path.write_text(PAGE, encoding="utf-8")
    item = _only_document(path)
    text = item.document.text
    assert ARTICLE in text and SECOND in text
    for marker in ("SCRIPT", "STYLE", "NAVIGATION", "COMMENT", "FOOTER", "NOSCRIPT", "<p>"):
        assert marker not in text
    meta = item.document.meta
    assert item.document.title == "Talks constructive, minister says"
    assert meta["author"] == "Jane Reporter"
    assert meta["date"] == "2024-03-05"
    assert meta["url"] == "https://news.example.com/2024/03/05/talks"
    assert meta["filename"] == "talks.html"
    assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_htm_suffix_and_a_page_without_article_text(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    assert detect_format(tmp_path / "x.htm") == "html"
    path = tmp_path / "empty.htm"
    path.write_text("<html><head><script>var a = 1;</script></head><body></body></html>")
    (problem,) = _read(path)
    assert isinstance(problem, ImportProblem)
    assert problem.path == str(path) and "no article text" in problem.message


def test_docx_paragraphs_tables_and_properties(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "Steel talks"
    document.core_properties.author = "Jane Reporter"
    document.add_heading("Steel talks", level=1)
    document.add_paragraph(ARTICLE)
    document.add_paragraph("")
    document.add_paragraph(SECOND + " 北京 🇬🇧 café")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "tariff"
    table.rows[0].cells[1].text = "25%"
    path = tmp_path / "steel.docx"
    document.save(str(path))
    item = _only_document(path)
    assert item.document.text.split("\n\n") == [
        "Steel talks",
        ARTICLE,
        SECOND + " 北京 🇬🇧 café",
        "tariff\t25%",
    ]
    assert item.document.title == "Steel talks"
    meta = item.document.meta
    assert meta["author"] == "Jane Reporter" and meta["format"] == "docx"
    assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_named_docx_that_is_not_one_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    path = tmp_path / "fake.docx"
    path.write_bytes(b"plain text, not a zip")
    (problem,) = _read(path)
    assert isinstance(problem, ImportProblem)
    assert "not a readable Word document" in problem.message


def _pdf(page_streams: list[bytes], title: str = "") -> bytes:
    """A minimal valid PDF: one page per content stream, Helvetica, correct xref table."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(page_streams)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_streams)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, stream in enumerate(page_streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * i} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    info = len(objects) + 1
    objects.append(f"<< /Title ({title}) /Author (Jane Reporter) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info} 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _text_stream(*lines: str) -> bytes:
    body = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        body.append(f"({line}) Tj T*")
    body.append("ET")
    return "\n".join(body).encode("latin-1")


def test_pdf_text_layer_page_by_page(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(
        _pdf(
            [
                _text_stream("The minister said the talks were constructive.", "Second line."),
                _text_stream("Page two: analysts in Berlin were cautious."),
            ],
            title="Quarterly report",
        )
    )
    item = _only_document(path)
    text = item.document.text
    assert "The minister said the talks were constructive." in text
    assert text.index("constructive") < text.index("Page two: analysts in Berlin")
    assert "\n\n" in text  # pages apart
    assert item.document.title == "Quarterly report"
    meta = item.document.meta
    assert meta["pages"] == 2 and meta["author"] == "Jane Reporter"
    assert meta["filename"] == "report.pdf"
    assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_scanned_pdf_without_text_layer_is_refused_with_the_reason(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "scan.pdf"
    # A page that only paints (as a scan's image would): no text operators at all.
    path.write_bytes(_pdf([b"0.5 g 72 72 468 648 re f"]))
    (problem,) = _read(path)
    assert isinstance(problem, ImportProblem)
    assert problem.path == str(path)
    assert "no text layer" in problem.message and "OCR" in problem.message


def test_broken_pdf_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really\n")
    (problem,) = _read(path)
    assert isinstance(problem, ImportProblem)
    assert "PDF" in problem.message


@pytest.mark.parametrize(
    ("suffix", "module"), [(".html", "trafilatura"), (".docx", "docx"), (".pdf", "pypdf")]
)
def test_without_the_extra_the_reason_says_how_to_enable_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, module: str
) -> None:
    real = articles.importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == module else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(articles.importlib.util, "find_spec", find_spec)
    path = tmp_path / f"article{suffix}"
    path.write_bytes(b"whatever")
    (problem,) = _read(path)
    assert isinstance(problem, ImportProblem)
    assert f"'{module}'" in problem.message
    assert "pip install 'annotator[articles]'" in problem.message


def test_a_folder_of_articles_imports_like_a_drop(tmp_path: Path) -> None:
    """Drag-and-drop and `annotator import FOLDER` share import_paths: HTML, DOCX and PDF
    files in a folder are picked up with the text files."""
    pytest.importorskip("trafilatura")
    pytest.importorskip("pypdf")
    from annotator.services.importing import import_paths
    from annotator.services.project import open_project

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "scan.pdf").write_bytes(_pdf([b"0 g 1 1 5 5 re f"]))
    (folder / "note.txt").write_text("A plain note about tariffs.", encoding="utf-8")
    with open_project(tmp_path / "p.annotator", "tester") as project:
        report = import_paths(project, [folder])
        assert report.imported == 2, report.summary()
        (problem,) = report.problems
        assert problem.path.endswith("scan.pdf") and "no text layer" in problem.message
        texts = [project.repo.get_document(i).text for i in report.document_ids]
    assert any(ARTICLE in t and "SCRIPT" not in t for t in texts)
