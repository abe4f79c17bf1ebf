"""Quotes of 50 items as managers make them, while new customers keep writing.

The bot runs as its own process on SQLite, polling the Bot API emulator served by this one with
Telegram's limits on (30 messages a second, 1 a second per chat) and its own send budget as it
ships. In its database before it starts: a catalog of 1,000 products named in English,
Azerbaijani and Russian, the company's details in the three languages and a logo, the owner,
the managers who make quotes (off duty, so new requests go to ten others), and one deal per
quote with 50 items, its customer reading English, Azerbaijani or Russian in turn; the owner's
daily digest falls due a minute into the run, as it would (its chart drawn in the same worker
process as the quotes). Each
quoting manager first opens the documents screen of each of their deals (/find, the card,
🗂 Documents; not timed). Then:

- idle: new customers write at a steady rate (5 a second by default, each a new Telegram user,
  for 30 s); a confirmation's time runs from the customer's text to the bot's "Request #…
  received" reaching the emulator. Printed: its p50/p99 in ms.
- quotes alone: one manager presses 📄 Make a quote on 10 deals, each 2.5 s after the PDF
  before (their chat is free again by then), nobody else writing. A quote's time runs from
  the press to the bot's sendDocument with the PDF reaching the emulator: the long poll's
  delivery, the deal read and the document written, the layout, the PDF made in the bot's
  worker process (one, shared by all), the upload over local HTTP, and any wait for the
  manager's chat's one message a second (the documents screen is redrawn after each PDF).
  Printed: its p50/p95/max in seconds. The first quote after the bot started counts (it
  starts the worker process).
- quotes back to back: the managers press 📄 Make a quote, each for their next deal as soon
  as the PDF of the one before has come, all at once, while customers write at the same rate
  as in idle. Printed: the quotes' p50/p95/max and the quotes made per minute (from the first
  press to the last PDF); and the customers' confirmations meanwhile, as for idle.
- render: five of the quotes the bot stored, laid out (ms) and made into a PDF (s) again in
  this process once the bot has stopped, one made before untimed; their pages and the size
  of the bot's PDFs: what a quote costs without the bot around it.

One JSON line per measurement.

    python -m benchmarks.documents [--quotes 60] [--managers 3] [--items 50]
        [--customers-rate 5] [--idle-seconds 30] [--alone 10]
    python -m benchmarks.documents --samples DIR

With `--samples DIR` no bot runs: one quote of six items in each language (the company's
details and logo, names with ə ğ ı ö ü ş ç and Cyrillic) is laid out and made as the bot makes
it, and page 1 of each is written as DIR/quote-<lang>.png, for the README.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import json
import random
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageDraw
from sqlalchemy import insert, select

from benchmarks import rule_mix
from benchmarks.catalog import _products
from benchmarks.intake import _spawn, _stop, bot_env
from bot.i18n import create_i18n
from emulator import EmulatedUser, Emulator, Limits, start_emulator
from emulator.models import Event, StoredMessage
from presentation.deals.callbacks import DealOpenCb
from presentation.documents import pdf
from presentation.documents.callbacks import DocAction, DocCb
from presentation.documents.layout import layout
from services.db.catalog import Category, DealItem, Product
from services.db.customers import Customer
from services.db.deals import Deal
from services.db.documents import CompanyDetails, CompanyLogo, Document
from services.db.engine import create_engine, session_factory
from services.db.users import User
from services.totals import Line, Off, compute

START = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
OWNER = rule_mix.OWNER
ON_DUTY = 10
PRODUCTS = 1_000
# Customers who write during the run; the deals' customers are users from BUYERS on.
FIRST_CUSTOMER = 100_000
BUYERS = 500_000
FIND_LIMIT = 20
LANGS = ("en", "az", "ru")
RENDERS = 5
COMPANY = {
    "en": {
        "name": "Home World LLC",
        "address": "45 Nizami Street\nBaku AZ1000, Azerbaijan",
        "tax_number": "1402345671",
        "bank": "Kapital Bank OJSC\nIBAN AZ21 NABZ 0000 0000 1370 1000 1944\nSWIFT AIIBAZ2X",
        "footer": "Home World LLC · +994 12 555 01 23 · sales@homeworld.az",
    },
    "az": {
        "name": "Ev Dünyası MMC",
        "address": "Bakı şəhəri, Nizami küçəsi 45\nAZ1000, Azərbaycan",
        "tax_number": "1402345671",
        "bank": "Kapital Bank ASC\nIBAN AZ21 NABZ 0000 0000 1370 1000 1944\nSWIFT AIIBAZ2X",
        "footer": "Ev Dünyası MMC · +994 12 555 01 23 · sales@homeworld.az",
    },
    "ru": {
        "name": "ООО «Мир дома»",
        "address": "г. Баку, ул. Низами, 45\nAZ1000, Азербайджан",
        "tax_number": "1402345671",
        "bank": "ОАО «Капитал Банк»\nIBAN AZ21 NABZ 0000 0000 1370 1000 1944\nSWIFT AIIBAZ2X",
        "footer": "ООО «Мир дома» · +994 12 555 01 23 · sales@homeworld.az",
    },
}
CUSTOMER = {"en": "Leyla Hasanova", "az": "Leyla Həsənova", "ru": "Лейла Гасанова"}
# The samples' items: names by language, code, unit, quantity, price, percent off.
SAMPLE_ITEMS = [
    (
        ("Laminate flooring, oak, class 33", "Laminat döşəmə, palıd, 33-cü sinif",
         "Ламинат, дуб, 33 класс"),
        "LAM-0042", "m2", "48.5", "24.90", 0,
    ),
    (
        ("Underlay, 3 mm", "Altlıq, 3 mm", "Подложка, 3 мм"),
        "UND-0003", "m2", "48.5", "3.20", 0,
    ),
    (
        ("Skirting board, white", "Plintus, ağ", "Плинтус, белый"),
        "SKR-0110", "m", "36", "6.40", 0,
    ),
    (
        ("Interior door, walnut", "Otaq qapısı, qoz", "Межкомнатная дверь, орех"),
        "DOR-0007", "piece", "3", "289.00", 10,
    ),
    (
        ("Ceramic tile, blue", "Çini kafel, göy", "Керамическая плитка, синяя"),
        "TIL-0815", "m2", "12", "31.50", 0,
    ),
    (
        ("Installation work", "Quraşdırma işi", "Монтажные работы"),
        "", "h", "14", "25.00", 0,
    ),
]  # fmt: skip


def logo() -> bytes:
    """A small PNG: a white house on a teal rounded square."""
    image = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 159, 159), radius=32, fill=(13, 148, 136))
    draw.polygon([(80, 30), (132, 76), (28, 76)], fill="white")
    draw.rectangle((44, 74, 116, 128), fill="white")
    draw.rectangle((70, 94, 90, 128), fill=(13, 148, 136))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def sample(lang: str) -> Document:
    """A quote as the bot keeps it (services/document_content.py's content), made in memory."""
    lines = [
        Line(
            index,
            Decimal(price),
            Decimal(quantity),
            Decimal(18),
            (Off("percent", Decimal(off)),) if off else (),
        )
        for index, (_names, _code, _unit, quantity, price, off) in enumerate(SAMPLE_ITEMS)
    ]
    totals = compute(lines, [], True, "AZN")
    content: dict[str, Any] = {
        "deal_id": 128,
        "currency": "AZN",
        "vat_included": True,
        "company": COMPANY[lang],
        "customer": {"name": CUSTOMER[lang], "phone": "+994501234567", "email": "leyla@mail.az"},
        "lines": [
            {
                "name": names[LANGS.index(lang)],
                "code": code,
                "quantity": quantity,
                "unit": unit,
                "price": price,
                "discount": str(line.discount + line.shared),
                "amount": str(line.gross - line.discount - line.shared),
            }
            for (names, code, unit, quantity, price, _off), line in zip(
                SAMPLE_ITEMS, totals.lines, strict=True
            )
        ],
        "totals": {
            "subtotal": str(totals.subtotal),
            "discounts": str(totals.discounts),
            "vat": str(totals.vat),
            "total": str(totals.total),
        },
        "made_on": "2026-03-31",
    }
    return Document(kind="quote", number="Q-2026-0042", version=1, locale=lang, content=content)


def samples(directory: Path) -> None:
    """Page 1 of a quote in each language, about 900 pixels wide, as DIR/quote-<lang>.png."""
    directory.mkdir(parents=True, exist_ok=True)
    mark = logo()
    with create_i18n("en").context():
        for lang in LANGS:
            made = pdf.render(layout(sample(lang), mark))
            page = pdfium.PdfDocument(made)[0]
            image = page.render(scale=900 / page.get_width()).to_pil()
            image = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
            image.save(directory / f"quote-{lang}.png", optimize=True)


def _items(rng: random.Random, count: int, products: list[dict[str, Any]]) -> list[Line]:
    chosen = rng.sample(range(len(products)), count)
    return [
        Line(
            index + 1,
            Decimal(str(products[index]["price"])),
            Decimal(rng.randint(1, 40)) + (Decimal("0.5") if rng.random() < 0.3 else 0),
            Decimal(18),
        )
        for index in chosen
    ]


async def _prepared(url: str, worked_by: list[int], managers: int, items: int) -> None:
    """The database as the docstring says: deal n worked by manager `worked_by[n - 1]`."""
    rng = random.Random(7)
    quoting = list(range(OWNER + 1, OWNER + 1 + managers))
    staff: list[dict[str, object]] = [
        {
            "id": tg_id,
            "tg_id": tg_id,
            "role": "owner" if tg_id == OWNER else "manager",
            "first_name": f"M{tg_id}",
            "is_active": True,
            "on_duty": tg_id != OWNER and tg_id not in quoting,
            "created_at": START,
        }
        for tg_id in range(OWNER, OWNER + managers + ON_DUTY + 1)
    ]
    buyers = [
        {
            "id": 10_000 + n,
            "tg_id": BUYERS + n,
            "first_name": f"Buyer {n}",
            "language": LANGS[n % 3],
            "created_at": START,
        }
        for n in range(1, len(worked_by) + 1)
    ]
    products = _products(PRODUCTS, 10)
    deals, deal_items, customers = [], [], []
    for deal_id, manager in enumerate(worked_by, start=1):
        group = worked_by[: deal_id - 1].count(manager) // FIND_LIMIT
        lines = _items(rng, items, products)
        total = compute(lines, [], True, "AZN").total
        customers.append(
            {
                "id": deal_id,
                "name": f"Buyer q{manager}g{group}z {deal_id}",
                "user_id": 10_000 + deal_id,
                "source": "telegram",
                "created_at": START,
            }
        )
        deals.append(
            {
                "id": deal_id,
                "customer_id": deal_id,
                "source": "telegram",
                "stage_id": 1,
                "manager_id": manager,
                "amount": total,
                "created_at": START,
                "taken_at": START,
                "last_activity_at": START,
            }
        )
        deal_items += [
            {
                "deal_id": deal_id,
                "product_id": line.key,
                "quantity": line.quantity,
                "unit": products[line.key - 1]["unit"],
                "price": line.price,
                "vat_rate": line.vat_rate,
                "vat_included": True,
                "created_at": START,
            }
            for line in lines
        ]
    engine = await rule_mix.fresh(url)
    try:
        async with session_factory(engine)() as session:
            await session.execute(insert(User), staff + buyers)
            await session.execute(
                insert(CompanyDetails),
                [{"locale": lang, **COMPANY[lang], "updated_at": START} for lang in LANGS],
            )
            await session.execute(
                insert(CompanyLogo), [{"id": 1, "data": logo(), "updated_at": START}]
            )
            await session.execute(
                insert(Category),
                [{"names": {"en": f"Category {n}"}, "position": n} for n in range(1, 11)],
            )
            await session.execute(insert(Product), products)
            await session.execute(insert(Customer), customers)
            await session.execute(insert(Deal), deals)
            await session.execute(insert(DealItem), deal_items)
            await session.commit()
    finally:
        await engine.dispose()


class Arrivals:
    """When the customers' confirmations and the managers' PDFs reach the emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self.confirmed: dict[int, float] = {}
        self.pdfs: defaultdict[int, list[float]] = defaultdict(list)
        emulator.bus.add_listener(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.kind != "message" or not event.data["outgoing"] or event.chat_id is None:
            return
        now = time.perf_counter()
        message = event.data["message"]
        if (message.get("document") or {}).get("file_name", "").endswith(".pdf"):
            self.pdfs[event.chat_id].append(now)
        elif (message.get("text") or "").startswith("Request #"):
            self.confirmed.setdefault(event.chat_id, now)


def _with_button(user: EmulatedUser, data: str) -> StoredMessage | None:
    for message in reversed(user.bot_messages()):
        for row in message.inline_keyboard or []:
            if any(button.get("callback_data") == data for button in row):
                return message
    return None


async def _button(emu: Emulator, user: EmulatedUser, data: str) -> StoredMessage:
    return await emu.wait_for(lambda: _with_button(user, data), timeout=60)


async def _open_screens(emu: Emulator, user: EmulatedUser, deals: list[int]) -> None:
    """The documents screen of each deal, opened as a manager does: /find, the card, 🗂."""
    for group in range(0, len(deals), FIND_LIMIT):
        user.send_text(f"/find q{user.id}g{group // FIND_LIMIT}z")
        for deal in deals[group : group + FIND_LIMIT]:
            await _button(emu, user, DealOpenCb(deal_id=deal).pack())
            user.click(DealOpenCb(deal_id=deal).pack())
            listed = DocCb(action=DocAction.LIST, ref=deal).pack()
            card = await _button(emu, user, listed)
            user.click(listed, message_id=card.message_id)
            await _button(emu, user, DocCb(action=DocAction.QUOTE, ref=deal).pack())


def _longer(items: list[float], than: int) -> bool:
    return len(items) > than


async def _quoting(
    emu: Emulator, arrivals: Arrivals, user: EmulatedUser, deals: list[int], pause: float = 0
) -> list[float]:
    """One manager's quotes, each `pause` s after the PDF before; the seconds from each press
    to its PDF."""
    pdfs = arrivals.pdfs[user.id]
    times = []
    for deal in deals:
        started, before = time.perf_counter(), len(pdfs)
        user.click(DocCb(action=DocAction.QUOTE, ref=deal).pack())
        await emu.wait_for(partial(_longer, pdfs, before), timeout=300)
        times.append(pdfs[before] - started)
        await asyncio.sleep(pause)
    return times


def _quotes(times: list[float], managers: int, items: int, pressing: str) -> dict[str, object]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "benchmark": "documents",
        "measure": "quote_pdf",
        "pressing": pressing,
        "database": "sqlite",
        "telegram_limits": True,
        "items": items,
        "managers": managers,
        "quotes": len(times),
        "p50_s": round(cuts[49], 2),
        "p95_s": round(cuts[94], 2),
        "max_s": round(max(times), 2),
    }


async def _customers(
    emu: Emulator, arrivals: Arrivals, first: int, rate: float, done: asyncio.Event
) -> list[float]:
    """A new customer writes every 1/rate s until `done`; each one's confirmation, in ms."""
    sent: dict[int, float] = {}
    began = time.perf_counter()
    while not done.is_set():
        customer = emu.user(first + len(sent), f"Customer {len(sent)}", language_code="en")
        sent[customer.id] = time.perf_counter()
        customer.send_text("Need a quote for 40 m² of laminate, please call me back")
        await asyncio.sleep(max(0.0, began + len(sent) / rate - time.perf_counter()))
    await emu.wait_for(lambda: all(c in arrivals.confirmed for c in sent), timeout=120)
    return [(arrivals.confirmed[c] - at) * 1000 for c, at in sent.items()]


def _confirmations(times: list[float], rate: float, during: str) -> dict[str, object]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "benchmark": "documents",
        "measure": "confirmation",
        "while": during,
        "customers": len(times),
        "per_second": rate,
        "p50_ms": round(cuts[49], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(max(times), 1),
    }


async def _rendered(url: str, count: int) -> dict[str, object]:
    """Some of the quotes the bot stored, laid out and made again here."""
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        documents = list(await session.scalars(select(Document).order_by(Document.id)))
        mark = (await session.get_one(CompanyLogo, 1)).data
    await engine.dispose()
    laid, made, pages = [], [], []
    with create_i18n("en").context():
        # The first is made untimed: it loads the fonts, as the bot's worker did for its first.
        for document in documents[: count + 1]:
            started = time.perf_counter()
            laid_out = layout(document, mark)
            middle = time.perf_counter()
            data = pdf.render(laid_out)
            laid.append(middle - started)
            made.append(time.perf_counter() - middle)
            pages.append(len(pdfium.PdfDocument(data)))
    laid, made = laid[1:], made[1:]
    sizes = [len(document.data or b"") for document in documents]
    return {
        "benchmark": "documents",
        "measure": "render",
        "items": len(documents[0].content["lines"]),
        "quotes": len(made),
        "layout_ms": round(statistics.median(laid) * 1000, 1),
        "pdf_p50_s": round(statistics.median(made), 3),
        "pdf_max_s": round(max(made), 3),
        "pages": max(pages),
        "pdf_kb": round(statistics.median(sizes) / 1024, 1),
    }


async def measure(args: argparse.Namespace, workdir: str) -> list[dict[str, object]]:
    url = f"sqlite+aiosqlite:///{workdir}/documents.db"
    # Deals 1..quotes go round the managers; the first manager's alone come after them.
    worked_by = [OWNER + 1 + n % args.managers for n in range(args.quotes)]
    worked_by += [OWNER + 1] * args.alone
    await _prepared(url, worked_by, args.managers, args.items)
    of_manager: dict[int, list[int]] = defaultdict(list)
    for deal, manager in enumerate(worked_by[: args.quotes], start=1):
        of_manager[manager].append(deal)
    alone = list(range(args.quotes + 1, len(worked_by) + 1))
    async with start_emulator(limits=Limits(enabled=True)) as running:
        emu = running.emulator
        arrivals = Arrivals(emu)
        env = bot_env(emu, running.base_url, url)
        env.pop("SEND_RATE_GLOBAL")
        env.pop("SEND_RATE_PER_CHAT")
        process = await _spawn(["-m", "bot", "run"], env)
        try:
            staff = [
                emu.user(tg_id, f"M{tg_id}", language_code="en")
                for tg_id in range(OWNER + 1, OWNER + 1 + args.managers + ON_DUTY)
            ]
            for user in staff:
                user.start()
                await user.wait_for_bot_message(timeout=60)
            quoting = {user.id: user for user in staff[: args.managers]}
            first = quoting[OWNER + 1]
            await asyncio.gather(
                _open_screens(emu, first, of_manager[first.id] + alone),
                *(_open_screens(emu, quoting[m], of_manager[m]) for m in list(quoting)[1:]),
            )
            # This process stands in for Telegram: its heap is settled before measuring, so its
            # own garbage collection is not counted as the bot's delay.
            gc.collect()
            gc.freeze()
            idle = asyncio.Event()
            asyncio.get_running_loop().call_later(args.idle_seconds, idle.set)
            baseline = await _customers(emu, arrivals, FIRST_CUSTOMER, args.customers_rate, idle)
            # The manager's chat free again: the PDF and the redrawn screen have had a second
            # each.
            single = await _quoting(emu, arrivals, first, alone, pause=2.5)
            busy = asyncio.Event()
            writing = asyncio.create_task(
                _customers(emu, arrivals, FIRST_CUSTOMER + 10**5, args.customers_rate, busy)
            )
            started = time.perf_counter()
            per_manager = await asyncio.gather(
                *(_quoting(emu, arrivals, quoting[m], deals) for m, deals in of_manager.items())
            )
            finished = max(times[-1] for times in arrivals.pdfs.values())
            busy.set()
            during = await writing
        finally:
            await _stop(process)
    quotes = [t for times in per_manager for t in times]
    rate = {"per_minute": round(len(quotes) / (finished - started) * 60, 1)}
    return [
        _confirmations(baseline, args.customers_rate, "idle"),
        _quotes(single, 1, args.items, "alone"),
        _quotes(quotes, args.managers, args.items, "back_to_back") | rate,
        _confirmations(during, args.customers_rate, "quotes"),
        await _rendered(url, RENDERS),
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=60)
    parser.add_argument("--managers", type=int, default=3)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--customers-rate", type=float, default=5.0)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--alone", type=int, default=10)
    parser.add_argument("--samples", type=Path, help="write the README's sample PNGs there")
    args = parser.parse_args()
    if args.samples is not None:
        samples(args.samples)
        return
    with tempfile.TemporaryDirectory() as workdir:
        for result in await measure(args, workdir):
            print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
