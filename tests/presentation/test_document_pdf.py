"""Quotes and invoices as PDF: what a reader of the file finds in it, read back with pypdf."""

from __future__ import annotations

import base64
import io
import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from presentation.documents.pdf import (
    DataOnlyFetcher,
    PdfDocument,
    PdfLine,
    PdfParty,
    RefusedResource,
    render,
)

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
HEADINGS = ("No.", "Item", "Code", "Qty", "Unit", "Price", "Discount", "Amount")
TOTALS = (
    ("Subtotal", "1,250.00 ₼"),
    ("Discounts", "−25.00 ₼"),
    ("VAT 18% included", "186.86 ₼"),
    ("Total", "1,225.00 ₼"),
)


def line(position: int, name: str, discount: str = "") -> PdfLine:
    return PdfLine(
        position=str(position),
        name=name,
        code=f"P-{position:03}",
        quantity="2.5",
        unit="m²",
        price="12.50 ₼",
        discount=discount,
        amount="31.25 ₼",
    )


def quote(**changes: object) -> PdfDocument:
    document = PdfDocument(
        lang="en",
        title="Quote Q-2026-0001",
        subtitle="Request #12 · 7 December 2026",
        company=PdfParty("Acme LLC", ("Baku, Nizami st. 45", "Tax number: 1234567891")),
        customer_heading="Customer",
        customer=PdfParty("Sunrise Builders", ("+994 50 111 22 33",)),
        headings=HEADINGS,
        lines=(line(1, "Glass door"), line(2, "Aluminium frame", discount="5.00 ₼")),
        totals=TOTALS,
        notes=("Valid for 14 days.", "VAT is included in the prices."),
        footer="Acme LLC · acme.az · Thank you for your business",
        logo=None,
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def pages(pdf: bytes) -> list[str]:
    """Each page's text with whitespace runs made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def test_azerbaijani_letters_come_out_as_written() -> None:
    pdf = render(
        quote(
            lang="az",
            company=PdfParty("Ərzaq MMC", ("VÖEN: 1234567891",)),
            lines=(line(1, "Şüşə qapı ğöçıə"),),
            totals=(("Yekun", "31,25 ₼"),),
        )
    )

    content = text(pdf)
    assert "Şüşə qapı ğöçıə" in content
    assert "Ərzaq MMC" in content
    assert "VÖEN: 1234567891" in content


def test_cyrillic_comes_out_as_written() -> None:
    pdf = render(quote(lang="ru", lines=(line(1, "Стеклянная дверь"),)))

    assert "Стеклянная дверь" in text(pdf)


def test_the_manat_sign_is_drawn_with_a_font_that_has_it() -> None:
    # DejaVu Sans has no ₼: without the template's own face it would be a box.
    reader = PdfReader(io.BytesIO(render(quote())))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }

    assert any("Axin-Manat" in font for font in fonts), fonts
    assert "1,225.00 ₼" in text(render(quote()))


def test_title_subtitle_every_total_and_the_notes_appear() -> None:
    content = text(render(quote()))

    assert "Quote Q-2026-0001" in content
    assert "Request #12 · 7 December 2026" in content
    for label, amount in TOTALS:
        assert f"{label} {amount}" in content
    assert "Valid for 14 days." in content
    assert "Sunrise Builders" in content


def test_only_the_grand_total_is_bold() -> None:
    runs: list[tuple[str, str]] = []

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if isinstance(font, dict):
            runs.append((text.strip(), str(font.get("/BaseFont"))))

    PdfReader(io.BytesIO(render(quote()))).pages[0].extract_text(visitor_text=visit)

    def font_of(label: str) -> str:
        return next(font for text, font in runs if text.startswith(label))

    assert font_of("Total").endswith("DejaVu-Sans-Bold")
    assert font_of("Subtotal").endswith("DejaVu-Sans")


def test_fifty_lines_run_over_pages_each_with_the_header_footer_and_number() -> None:
    names = [f"Product number {n:02} with a long descriptive name" for n in range(1, 51)]
    pdf = render(quote(lines=tuple(line(n, name) for n, name in enumerate(names, start=1))))

    texts = pages(pdf)
    assert len(texts) > 1
    content = " ".join(texts)
    assert all(name in content for name in names)
    for number, page in enumerate(texts, start=1):
        assert "No. Item Code Qty Unit Price Amount" in page
        assert "Acme LLC · acme.az · Thank you for your business" in page
        assert f"{number} / {len(texts)}" in page


def test_the_discount_column_shows_only_when_a_line_has_a_discount() -> None:
    assert "Discount" in pages(render(quote()))[0]
    no_discounts = quote(lines=(line(1, "Glass door"),), totals=(("Total", "31.25 ₼"),))
    assert "Discount" not in text(render(no_discounts))


def test_a_long_name_wraps_within_its_column() -> None:
    name = "Tempered glass door " * 6 + "W" * 120
    reader = PdfReader(io.BytesIO(render(quote(lines=(line(1, name),)))))
    middle = float(reader.pages[0].mediabox.width) / 2
    starts: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: object) -> None:
        if "WWW" in text or "Tempered" in text:
            starts.append(cm[4] + tm[4])

    reader.pages[0].extract_text(visitor_text=visit)

    # Even the one long word is broken over several lines, each in the left half of the page.
    assert len(starts) > 4
    assert all(x < middle for x in starts)


def test_a_logo_is_an_image_on_the_first_page() -> None:
    with_logo = PdfReader(io.BytesIO(render(quote(logo=PNG))))
    without = PdfReader(io.BytesIO(render(quote())))

    assert len(with_logo.pages[0].images) == 1
    assert len(without.pages[0].images) == 0


def test_a_business_template_wins_and_can_reuse_the_built_in_styles(tmp_path: Path) -> None:
    (tmp_path / "document.html").write_text(
        "<html><style>{% include 'document.css' %}</style>"
        "<body><p>OWN TEMPLATE {{ title }}</p>"
        "{% for l in lines %}<p>{{ l.name }}</p>{% endfor %}</body></html>",
        encoding="utf-8",
    )

    content = text(render(quote(), str(tmp_path)))

    assert "OWN TEMPLATE Quote Q-2026-0001" in content
    assert "Glass door" in content
    assert "Subtotal" not in content


def test_a_directory_without_a_template_falls_back_to_the_built_in(tmp_path: Path) -> None:
    (tmp_path / "other.html").write_text("OWN TEMPLATE", encoding="utf-8")

    content = text(render(quote(), str(tmp_path)))

    assert "OWN TEMPLATE" not in content
    assert "Quote Q-2026-0001" in content


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local web server serving a stylesheet that would print LEAKED, and the paths asked of
    it."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = b'body::after { content: "LEAKED" }'
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", asked
    httpd.shutdown()
    httpd.server_close()


def test_a_template_fetches_nothing_from_the_network_or_the_disk(
    tmp_path: Path, server: tuple[str, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    url, asked = server
    secret = tmp_path / "secret.css"
    secret.write_text('body::before { content: "SECRET FILE" }', encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "document.html").write_text(
        f'<html><head><link rel="stylesheet" href="{url}/x.css">'
        f'<link rel="stylesheet" href="{secret.as_uri()}"></head>'
        f'<body><p>{{{{ title }}}}</p><img src="{url}/x.png">'
        '<img src="file:///etc/passwd"></body></html>',
        encoding="utf-8",
    )

    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        content = text(render(quote(), str(templates)))

    assert "Quote Q-2026-0001" in content
    assert asked == []
    assert "LEAKED" not in content
    assert "SECRET FILE" not in content
    refused = [r.getMessage() for r in caplog.records if "RefusedResource" in r.getMessage()]
    assert len(refused) == 4
    assert any("/etc/passwd" in message for message in refused)


def test_the_fetcher_hands_over_data_uris_and_refuses_everything_else() -> None:
    fetcher = DataOnlyFetcher()

    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", "HTTPS://example.com/"):
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)


def test_text_from_data_is_not_markup() -> None:
    content = text(render(quote(lines=(line(1, "<b>x</b> & <i>y</i>"),))))

    assert "<b>x</b> & <i>y</i>" in content


def test_the_built_in_template_is_laid_out_without_complaint(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render(quote(logo=PNG))

    assert [r.getMessage() for r in caplog.records] == []
