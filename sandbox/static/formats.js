// Dates, times, file sizes and amounts in the page's language. The server sends CLDR patterns and
// names (a browser may have no data for a locale); Intl only gives the company time zone's wall
// clock.

const TOKEN = /'([^']*)'|y+|M+|L+|d+|E+|c+|H+|m+|s+/g;
const KINDS = ["day", "time", "size", "money"];
// Currencies whose amounts Telegram counts in whole units (its currencies.json "exp": 0); the
// others have two decimals (cents, qəpik, kopecks), which covers every currency Axın uses.
const WHOLE_UNITS = new Set(["CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND", "XTR"]);
const STARS = "XTR";

function wallClock(zone) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", second: "numeric",
  });
  return (date) => {
    const fields = {};
    for (const part of format.formatToParts(date)) fields[part.type] = Number(part.value);
    fields.weekday = new Date(Date.UTC(fields.year, fields.month - 1, fields.day)).getUTCDay();
    return fields;
  };
}

function write(pattern, fields, names) {
  return pattern.replace(TOKEN, (token, quoted) => {
    if (quoted !== undefined) return quoted || "'";
    const padded = (value) => String(value).padStart(token.length, "0");
    switch (token[0]) {
      case "y":
        return token.length === 2 ? String(fields.year % 100).padStart(2, "0") : String(fields.year);
      case "M":
      case "L":
        if (token.length === 3) return names.months[fields.month - 1];
        if (token.length > 3) return names.months_wide[fields.month - 1];
        return padded(fields.month);
      case "E":
      case "c":
        return names.weekdays[fields.weekday];
      case "d":
        return padded(fields.day);
      case "H":
        return padded(fields.hour);
      case "m":
        return padded(fields.minute);
      default:
        return padded(fields.second);
    }
  });
}

function fileSize(bytes, formats) {
  const decimal = (value) => value.toFixed(1).replace(".", formats.decimal);
  if (bytes < 1024) return formats.sizes.byte.replace("{size}", String(bytes));
  if (bytes < 1024 * 1024) return formats.sizes.kilobyte.replace("{size}", decimal(bytes / 1024));
  return formats.sizes.megabyte.replace("{size}", decimal(bytes / 1024 / 1024));
}

// An amount as Telegram sends it, "375000 AZN" (minor units, then the currency), in major
// units with the language's separators: "3,750.00 AZN", "3.750,00 AZN"; Stars as "⭐ 50".
function money(value, formats) {
  const [minor, currency] = String(value).split(" ");
  const digits = WHOLE_UNITS.has(currency) ? 0 : 2;
  // Counted on the digits, so no amount is rounded on the way.
  const units = minor.replace(/^-/, "").padStart(digits + 1, "0");
  const whole = units.slice(0, units.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, formats.group);
  const fraction = digits ? formats.decimal + units.slice(units.length - digits) : "";
  const number = (minor.startsWith("-") ? "-" : "") + whole + fraction;
  return currency === STARS ? `⭐ ${number}` : `${number} ${currency}`;
}

// day and time take Unix seconds (message dates), full a Date (the clock), size bytes, money
// "<minor units> <currency>".
export function pageFormat(zone, formats) {
  const clock = wallClock(zone);
  const at = (pattern) => (seconds) => write(pattern, clock(new Date(seconds * 1000)), formats);
  return {
    day: at(formats.day),
    time: at(formats.time),
    full: (date) => write(formats.full, clock(date), formats),
    size: (bytes) => fileSize(bytes, formats),
    money: (value) => money(value, formats),
  };
}

// node shows value as kind (day, time or size); reformat() redraws it in another language.
export function shown(node, kind, value, format) {
  node.dataset[kind] = String(value);
  node.textContent = format[kind](value);
  return node;
}

export function reformat(format) {
  for (const kind of KINDS) {
    for (const node of document.querySelectorAll(`[data-${kind}]`)) {
      const value = node.dataset[kind];
      node.textContent = format[kind](kind === "money" ? value : Number(value));
    }
  }
}
