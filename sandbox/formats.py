"""How the sandbox page writes dates, times, file sizes and amounts in a language: CLDR patterns
and names from Babel, because a browser may lack a locale's data (Chromium has none for az)."""

from __future__ import annotations

from typing import Any

from babel import Locale
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol
from babel.units import format_unit

SIZE_UNITS = {
    "byte": "digital-byte",
    "kilobyte": "digital-kilobyte",
    "megabyte": "digital-megabyte",
}


def page_formats(locale: str) -> dict[str, Any]:
    cldr = Locale.parse(locale)
    skeletons = cldr.datetime_skeletons
    date_time = str(cldr.datetime_formats["medium"])
    months = get_month_names("abbreviated", locale=cldr)
    months_wide = get_month_names("wide", locale=cldr)
    # Babel counts weekdays from Monday (0), JavaScript's Date.getDay from Sunday.
    weekdays = get_day_names("abbreviated", locale=cldr)
    return {
        "full": date_time.replace("{1}", skeletons["yMMMEd"].pattern).replace(
            "{0}", skeletons["Hms"].pattern
        ),
        "day": skeletons["yMMMMd"].pattern,
        "time": skeletons["Hm"].pattern,
        "months": [months[month] for month in range(1, 13)],
        "months_wide": [months_wide[month] for month in range(1, 13)],
        "weekdays": [weekdays[(day + 6) % 7] for day in range(7)],
        "sizes": {
            name: format_unit("{size}", unit, "short", locale=cldr)
            for name, unit in SIZE_UNITS.items()
        },
        "decimal": get_decimal_symbol(cldr),
        "group": get_group_symbol(cldr),
    }
