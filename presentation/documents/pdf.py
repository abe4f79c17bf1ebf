"""A quote or an invoice, given as text already translated and formatted, made into PDF bytes.

Imported by itself in a separate process (services/processes.py), as laying out a document
holds the interpreter for a while: so it imports nothing of Axın, and takes and returns plain
data.

The HTML comes from a Jinja2 template, `document.html`: a business's own when the directory it
configured has one, else the one in templates/ beside this module. What a template includes is
looked up the same way, so a business's template can include the built-in `document.css` (the
layout) and `fonts.css` (the manat sign ₼, which DejaVu Sans lacks). A template gets the fields
of `PdfDocument` as variables, `logo` being a `data:` URI or None. It runs sandboxed and with
autoescape, and WeasyPrint fetches nothing but `data:` URIs for it, so a template can neither
read the bot's files nor make it call the network."""

from __future__ import annotations

import base64
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import weasyprint  # type: ignore[import-untyped]
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

BUILT_IN = Path(__file__).parent / "templates"
TEMPLATE = "document.html"
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class PdfLine:
    """One row of the items table, every cell already in the reader's language and digits;
    `code` and `discount` are "" when there is none."""

    position: str
    name: str
    code: str
    quantity: str
    unit: str
    price: str
    discount: str
    amount: str


@dataclass(frozen=True)
class PdfParty:
    """The company or the customer: a name, then lines (address, tax number, bank, phone)
    already labelled."""

    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class PdfDocument:
    """A whole quote or invoice. `lang` is the HTML language ("az", "ru", "en"); `headings` are
    the eight column headings in `PdfLine`'s order; `totals` are (label, amount) rows whose
    last is the grand total; `logo` is PNG or JPEG bytes."""

    lang: str
    title: str
    subtitle: str
    company: PdfParty
    customer_heading: str
    customer: PdfParty
    headings: tuple[str, ...]
    lines: tuple[PdfLine, ...]
    totals: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    footer: str
    logo: bytes | None


class RefusedResource(ValueError):
    """A template asked for something other than a `data:` URI."""


class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Hands WeasyPrint `data:` URIs and refuses every other URL. WeasyPrint logs the refusal
    and lays the document out without the resource."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not url.lstrip().lower().startswith("data:"):
            raise RefusedResource(f"only data: URIs are allowed, not {url[:100]!r}")
        return super().fetch(url, headers)


def render(document: PdfDocument, templates: str | None = None) -> bytes:
    """The PDF of `document`, from `templates`/document.html if there is one."""
    values = {field.name: getattr(document, field.name) for field in fields(document)}
    values["logo"] = _data_uri(document.logo) if document.logo else None
    html = _environment(templates).get_template(TEMPLATE).render(values)
    pdf: bytes = weasyprint.HTML(
        string=html, base_url=None, url_fetcher=DataOnlyFetcher()
    ).write_pdf()
    return pdf


@lru_cache(maxsize=16)
def _environment(templates: str | None) -> SandboxedEnvironment:
    # One per directory, so that each keeps its compiled templates between documents.
    loaders: list[BaseLoader] = [FileSystemLoader(BUILT_IN)]
    if templates:
        loaders.insert(0, FileSystemLoader(templates))
    return SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=True)


def _data_uri(image: bytes) -> str:
    kind = next(
        (kind for magic, kind in _IMAGE_TYPES.items() if image.startswith(magic)),
        "application/octet-stream",
    )
    return f"data:{kind};base64,{base64.b64encode(image).decode('ascii')}"
