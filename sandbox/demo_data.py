"""What the `--demo` business is made of: people, their requests and where each one stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

OWNER = ("Kamran", "en", "Aliyev")
MANAGERS = (("Anna", "en", "Karimova"), ("Rashad", "az", "Huseynov"), ("Olga", "ru", "Petrova"))
NEW, CONTACTED, PROPOSAL, INVOICE, WON, LOST = range(6)


@dataclass(frozen=True)
class DemoDeal:
    first_name: str
    last_name: str
    language: str
    request: str
    age: timedelta
    stage: int
    amount: str = ""
    reply: str = ""
    # Products on the request (code, quantity): its amount is then their total.
    items: tuple[tuple[str, str], ...] = ()


DEALS = (
    DemoDeal(
        "Leyla", "Aliyeva", "az",
        "Ofis üçün 20 stul lazımdır. Çatdırılma ilə qiymət nə qədər olar?",
        timedelta(days=9), WON, "2400",
        "Salam, Leyla xanım! 20 stul çatdırılma ilə 2 400 AZN olacaq.",
    ),
    DemoDeal(
        "Tom", "Walker", "en",
        "Quote for 5 standing desks, delivered to our office in Yasamal.",
        timedelta(days=8), WON, "",
        "Hi Tom! Five desks with delivery come to 3,750 AZN.",
        (("DSK-UP", "5"),),
    ),
    DemoDeal(
        "Irina", "Smirnova", "ru",
        "Нужен шкаф-купе 2,4 м с зеркальными дверями.",
        timedelta(days=7), LOST, "1900",
        "Ирина, добрый день! Такой шкаф обойдётся в 1 900 AZN.",
    ),
    DemoDeal(
        "Murad", "Hasanov", "az",
        "Mətbəx mebeli sifarişi üçün ölçü götürmək lazımdır.",
        timedelta(days=6), INVOICE, "5200",
        "Salam! Ölçü üçün sabah saat 11:00-da gələ bilərik.",
    ),
    DemoDeal(
        "Sarah", "Collins", "en",
        "Do you install kitchen cabinets? We need it done by May.",
        timedelta(days=5), PROPOSAL, "4100",
        "Hello Sarah! Yes, installation is included. Sending a proposal today.",
    ),
    DemoDeal(
        "Dmitry", "Volkov", "ru",
        "Сколько стоит доставка дивана в Сумгаит?",
        timedelta(days=4), PROPOSAL, "950",
        "Дмитрий, доставка в Сумгаит — 40 AZN, диван — 910 AZN.",
    ),
    DemoDeal(
        "Nigar", "Guliyeva", "az",
        "Qonaq otağı üçün boz rəngli divan axtarıram.",
        timedelta(days=3), CONTACTED, "",
        "Salam, Nigar xanım! Bu gün sizə kataloqu göndərəcəyəm.",
    ),
    DemoDeal(
        "John", "Miller", "en",
        "Conference table for 12 people, oak if possible.",
        timedelta(days=2), CONTACTED, "",
        "Hi John, we have two oak models; can I call you this afternoon?",
    ),
    DemoDeal(
        "Elena", "Kuznetsova", "ru",
        "Хочу заказать 3 кровати для гостиницы.",
        timedelta(days=1), CONTACTED, "",
        "Елена, здравствуйте! Какие размеры кроватей нужны?",
    ),
    DemoDeal(
        "Tural", "Ismayilov", "az",
        "Uşaq otağı üçün mebel dəsti lazımdır.",
        timedelta(hours=5), NEW,
    ),
    DemoDeal(
        "Emily", "Brown", "en",
        "Can you repair the upholstery on 6 dining chairs?",
        timedelta(minutes=40), NEW,
    ),
    DemoDeal(
        "Fidan", "Nasirova", "az",
        "Yataq otağı üçün 3 qapılı dolab lazımdır.",
        timedelta(minutes=8), NEW,
    ),
)  # fmt: skip

# Reminders on open deals (index into DEALS, due in, the manager's note) and a contract of a
# won deal that ends soon, so a clock jump shows reminders and a renewal.
TASKS = (
    (6, timedelta(minutes=45), "Send Nigar the grey sofa catalogue"),
    (7, timedelta(hours=3), "Palıd masalar barədə Conla danış"),
    (8, timedelta(hours=20), "Уточнить размеры кроватей"),
)
CONTRACT = (0, "A-2025-017", timedelta(days=8))
# The company on its quotes and invoices, in each language; customers pay invoices in
# Telegram with the emulator's test payment provider.
COMPANY = {
    "name": {"en": "Axın Furniture", "az": "Axın Mebel", "ru": "Мебель Axın"},
    "address": {
        "en": "28 Nizami Street, Baku",
        "az": "Nizami küçəsi 28, Bakı",
        "ru": "ул. Низами 28, Баку",
    },
}


@dataclass(frozen=True)
class DemoProduct:
    code: str
    names: dict[str, str]
    category: int  # index into CATEGORIES
    unit: str
    price: str
    # A formula over the ROOM's measurements; empty: the manager types the quantity.
    formula: str = ""


# A small catalog to find in inline mode (🛒 Items → 🔎 Find, or `@axin_bot lam`): flooring
# counted from a room's measurements, and furniture counted by the piece.
CATEGORIES = (
    {"en": "Floors and walls", "az": "Döşəmə və divarlar", "ru": "Полы и стены"},
    {"en": "Furniture", "az": "Mebel", "ru": "Мебель"},
)
ROOM = (
    {"en": "Room", "az": "Otaq", "ru": "Комната"},
    (
        ("length", {"en": "Length", "az": "Uzunluq", "ru": "Длина"}),
        ("width", {"en": "Width", "az": "En", "ru": "Ширина"}),
    ),
)
VAT_RATE = "18"
PRODUCTS = (
    DemoProduct(
        "LAM-OAK", {"en": "Laminate Oak", "az": "Laminat Palıd", "ru": "Ламинат Дуб"},
        0, "m2", "24.50", "pack(length * width * 1.1, 2.2)",
    ),
    DemoProduct(
        "LAM-ASH",
        {"en": "Laminate Grey Ash", "az": "Laminat Boz göyrüş", "ru": "Ламинат Серый ясень"},
        0, "m2", "21.90", "pack(length * width * 1.1, 2.2)",
    ),
    DemoProduct(
        "UND-3", {"en": "Underlay 3 mm", "az": "Altlıq 3 mm", "ru": "Подложка 3 мм"},
        0, "m2", "3.20", "ceil(length * width)",
    ),
    DemoProduct(
        "SKR-60", {"en": "Skirting board", "az": "Plintus", "ru": "Плинтус"},
        0, "m", "4.50", "ceil(2 * (length + width))",
    ),
    DemoProduct(
        "PNT-10",
        {"en": "Wall paint, white, 10 l", "az": "Divar boyası, ağ, 10 l",
         "ru": "Краска для стен, белая, 10 л"},
        0, "piece", "58.00",
    ),
    DemoProduct(
        "CHR-OFF", {"en": "Office chair", "az": "Ofis stulu", "ru": "Офисный стул"},
        1, "piece", "120.00",
    ),
    DemoProduct(
        "DSK-UP",
        {"en": "Standing desk", "az": "Ayaq üstə iş masası", "ru": "Стол для работы стоя"},
        1, "piece", "750.00",
    ),
    DemoProduct(
        "SOF-GR", {"en": "Sofa, grey", "az": "Divan, boz", "ru": "Диван, серый"},
        1, "piece", "910.00",
    ),
)  # fmt: skip
