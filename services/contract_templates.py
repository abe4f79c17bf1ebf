"""A contract made from the owner's own Word file, a docxtpl (Jinja) template: checking what it
names before it is kept, and filling it in. The body, headers and footers are read the way
docxtpl renders them, so a placeholder Word split into several runs counts as one. Filling
escapes every value for XML (customers' text may hold `<` or `&`) and runs in Jinja's sandbox,
as the template comes from outside; a template that reaches for a private attribute is
refused rather than filled. Blocking work: run it in a thread."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from services.contract_template_names import COMPANY, CUSTOMER, DEAL, ITEM, Name, used
from services.zips import unpacked_size

__all__ = [
    "COMPANY",
    "CUSTOMER",
    "DEAL",
    "ITEM",
    "MAX_TEMPLATE_BYTES",
    "Checked",
    "Reason",
    "TemplateInvalid",
    "check",
    "fill",
    "trial",
]

MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
# What the file may unpack to: a small file can hold a great deal of compressed XML.
MAX_UNPACKED = 64 * 1024 * 1024
_NEAR = 60


class Reason(StrEnum):
    NOT_DOCX = "not_docx"  # not a Word file, a broken one, or too large
    SYNTAX = "syntax"
    UNSAFE = "unsafe"  # names a private attribute (`customer.__class__`)
    RENDER = "render"  # failed while being filled (`{{ deal.total + 1 }}` of a string)


class TemplateInvalid(Exception):
    """`detail`, for SYNTAX and RENDER: what Jinja said and, for SYNTAX, near which text."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple[type[TemplateInvalid], tuple[Reason, str]]:
        # Raised in the worker process, it comes back whole.
        return (TemplateInvalid, (self.reason, self.detail))


@dataclass(frozen=True)
class Checked:
    """Every name the template uses, sorted; those it may not use, in the order they appear."""

    placeholders: tuple[str, ...]
    unknown: tuple[str, ...]


def check(data: bytes, field_keys: Collection[str]) -> Checked:
    """The names used; `field_keys` are the owner's extra deal fields (`fields.<key>`)."""
    names = _names(data, field_keys)
    unknown = (name.dotted for name in names if not name.allowed)
    return Checked(tuple(sorted({name.dotted for name in names})), tuple(dict.fromkeys(unknown)))


def trial(data: bytes, field_keys: Collection[str]) -> Checked:
    """`check`, and, when every name is known, a fill with sample values: what fails only
    when filled (`{{ deal.total + 1 }}`) is refused before the template is kept."""
    checked = check(data, field_keys)
    if not checked.unknown:
        fill(data, _sample(field_keys))
    return checked


def _sample(field_keys: Collection[str]) -> dict[str, Any]:
    item = dict.fromkeys(ITEM, "1")
    return {
        "customer": dict.fromkeys(CUSTOMER, "Sample"),
        "deal": dict.fromkeys(DEAL, "1"),
        "company": dict.fromkeys(COMPANY, "Sample"),
        "fields": dict.fromkeys(field_keys, "1"),
        "items": [item, item],
        "today": "01.01.2026",
    }


def fill(data: bytes, context: Mapping[str, Any]) -> bytes:
    """The filled .docx. `context` holds plain strings, and `items` a list of dicts; a name it
    lacks is left blank."""
    if any(name.unsafe for name in _names(data, ())):
        raise TemplateInvalid(Reason.UNSAFE)
    template = DocxTemplate(io.BytesIO(data))
    env = SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)
    out = io.BytesIO()
    try:
        template.render(dict(context), jinja_env=env, autoescape=True)
        template.save(out)
    except SecurityError:
        raise TemplateInvalid(Reason.UNSAFE) from None
    except TemplateError as error:  # as a syntax error in what check() does not read: footnotes
        raise TemplateInvalid(Reason.RENDER, error.message or "") from None
    except Exception as error:  # what the template does with the values can fail in many ways
        raise TemplateInvalid(Reason.RENDER, f"{type(error).__name__}: {error}") from None
    return out.getvalue()


class _Reading(SandboxedEnvironment):
    """Keeps what it parses: docxtpl hands it the body, headers and footers as it renders
    them, prepared into one Jinja source."""

    def __init__(self) -> None:
        super().__init__()
        self.source = ""
        self.trees: list[nodes.Template] = []

    def parse(
        self, source: str, name: str | None = None, filename: str | None = None
    ) -> nodes.Template:
        # A line a paragraph, as docxtpl renders it, so an error's line finds its text.
        self.source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        self.trees.append(super().parse(self.source, name, filename))
        return self.trees[-1]


def _names(data: bytes, field_keys: Collection[str]) -> list[Name]:
    _unpacked(data)
    env = _Reading()
    try:
        DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env=env)
    except TemplateSyntaxError as error:
        raise TemplateInvalid(Reason.SYNTAX, _detail(error, env.source)) from None
    except Exception:  # python-docx and lxml refuse a broken file with many kinds of error
        raise TemplateInvalid(Reason.NOT_DOCX) from None
    return used(env.trees, field_keys)


def _unpacked(data: bytes) -> None:
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateInvalid(Reason.NOT_DOCX)
    unpacked = unpacked_size(data)
    if unpacked is None or unpacked > MAX_UNPACKED:
        raise TemplateInvalid(Reason.NOT_DOCX)


def _detail(error: TemplateSyntaxError, source: str) -> str:
    """Jinja's message and the text of the paragraph it points at, as Word shows it."""
    lines = source.splitlines()
    line = lines[error.lineno - 1] if 0 < error.lineno <= len(lines) else ""
    text = " ".join(html.unescape(re.sub(r"<[^>]*>", "", line)).split())
    near = text if len(text) <= _NEAR else text[: _NEAR - 1] + "…"
    return f"{error.message or ''} (near “{near}”)" if near else error.message or ""
