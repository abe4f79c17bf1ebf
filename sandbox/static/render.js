// Message contents as a Telegram client shows them: formatted text, links, media, invoices,
// replies.

import { shown } from "./formats.js";
import { label, slot, t } from "./labels.js";

// Telegram's HTML tags and what the page draws for each; anything else keeps only its text.
const TAGS = {
  B: "b", STRONG: "b", I: "i", EM: "i", U: "u", INS: "u",
  S: "s", STRIKE: "s", DEL: "s", CODE: "code", PRE: "pre", BLOCKQUOTE: "blockquote",
  A: "a", "TG-SPOILER": "span", "TG-EMOJI": "span",
};
const PLAIN_LINK = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]|\bt\.me\/[^\s<>"]+[^\s<>".,;:!?)\]]|(?:^|(?<=\s))\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?\b)/g;

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// The emulator's HTML is built from entities; it is still rebuilt tag by tag, so nothing but
// Telegram's formatting can reach the page.
export function formatted(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  copyChildren(template.content, out, false);
  return out;
}

function copyChildren(source, target, inCode) {
  for (const child of source.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      target.append(inCode ? document.createTextNode(child.textContent) : linkify(child.textContent));
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      const name = TAGS[child.tagName];
      if (!name) {
        copyChildren(child, target, inCode);
        continue;
      }
      const copy = document.createElement(name);
      decorate(child, copy);
      copyChildren(child, copy, inCode || name === "code" || name === "pre" || name === "a");
      target.append(copy);
    }
  }
}

function decorate(source, copy) {
  if (source.tagName === "TG-SPOILER") {
    copy.className = "spoiler";
    copy.addEventListener("click", () => copy.classList.add("revealed"));
  } else if (source.tagName === "TG-EMOJI") {
    copy.className = "emoji";
  } else if (source.tagName === "A") {
    const href = source.getAttribute("href") || "";
    if (/^(https?:|tg:)/i.test(href)) copy.setAttribute("href", href);
    if (href.startsWith("tg://user?id=")) copy.className = "mention";
  } else if (source.tagName === "BLOCKQUOTE" && source.hasAttribute("expandable")) {
    copy.className = "expandable";
    copy.addEventListener("click", () => copy.classList.toggle("expanded"));
  } else if (source.tagName === "CODE" && /^language-[\w+-]+$/.test(source.className)) {
    copy.className = source.className;
  }
}

// Telegram clients make plain URLs and /commands clickable even without entities.
function linkify(text) {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(PLAIN_LINK)) {
    out.append(text.slice(last, match.index));
    const found = match[0];
    const link = el("a", found.startsWith("/") ? "command" : "", found);
    link.setAttribute("href", found.startsWith("/") ? "#" + found : absolute(found));
    out.append(link);
    last = match.index + found.length;
  }
  out.append(text.slice(last));
  return out;
}

function absolute(url) {
  return /^https?:\/\//i.test(url) ? url : "https://" + url;
}

// A deep link to this bot: {payload} (null for a plain open), or undefined for other links.
export function deepLink(href, botUsername) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  const bot = botUsername.toLowerCase();
  if (url.protocol === "tg:" && url.host === "resolve") {
    if ((url.searchParams.get("domain") || "").toLowerCase() !== bot) return undefined;
    return { payload: url.searchParams.get("start") };
  }
  const host = url.host.toLowerCase();
  if (host !== "t.me" && host !== "telegram.me") return undefined;
  if (url.pathname.replace(/^\//, "").replace(/\/$/, "").toLowerCase() !== bot) return undefined;
  return { payload: url.searchParams.get("start") };
}

export function fileUrl(fileId) {
  return `/sandbox/api/files/${encodeURIComponent(fileId)}`;
}

// What a browser shows itself opens in a new tab; the sandbox serves anything else to download.
const OPENED = /^(application\/pdf|image\/(png|jpeg|gif|webp)|text\/plain)$/;

// An invoice's total as the page writes amounts: Telegram's minor units and the currency.
export function invoiceTotal(invoice) {
  return `${invoice.total_amount} ${invoice.currency}`;
}

// What a quote or reply shows of a message: its text, else the kind of thing it is.
export function summary(message, length = Infinity) {
  const text =
    message.text || message.caption || message.document?.file_name || message.invoice?.title;
  if (text) return el("span", "", text.slice(0, length));
  const node = el("span");
  if (message.photo) return label(node, "photo");
  if (message.document) return label(node, "document");
  if (message.contact) return label(node, "contact");
  return label(node, "message");
}

function senderName(user) {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

// The inside of one bubble; the phone adds the time, keyboard and reply action around it.
export function bubbleContent(view, format) {
  const message = view.message;
  const parts = document.createDocumentFragment();
  if (message.via_bot) {
    // Sent by choosing an inline result: Telegram names the bot it went through.
    const via = el("div", "via");
    via.append(slot("bot", el("b", "", `@${message.via_bot.username}`)));
    parts.append(label(via, "via"));
  }
  if (message.forward_origin) {
    const origin = message.forward_origin;
    const name = origin.sender_user ? senderName(origin.sender_user) : origin.sender_user_name || "";
    const forwarded = el("div", "forwarded");
    forwarded.append(slot("name", el("span", "", name)));
    parts.append(label(forwarded, "forwarded_from"));
  }
  if (message.reply_to_message) {
    const quoted = message.reply_to_message;
    const quote = el("div", "quote");
    quote.append(el("b", "", senderName(quoted.from)), summary(quoted));
    parts.append(quote);
  }
  if (message.photo) {
    const largest = message.photo[message.photo.length - 1];
    const image = el("img", "photo");
    image.src = fileUrl(largest.file_id);
    label(image, "photo", "alt");
    image.width = largest.width;
    image.height = largest.height;
    parts.append(image);
  }
  if (message.document) {
    const doc = el("a", "document");
    doc.href = fileUrl(message.document.file_id);
    if (OPENED.test(message.document.mime_type || "")) {
      doc.target = "_blank";
      doc.rel = "noopener";
    } else {
      doc.download = message.document.file_name || t("file");
    }
    doc.append(el("span", "doc-icon", "📄"));
    const about = el("span", "doc-about");
    const fileName = message.document.file_name;
    const name = fileName ? el("b", "", fileName) : label(el("b"), "file");
    about.append(name, shown(el("small"), "size", message.document.file_size || 0, format));
    doc.append(about);
    parts.append(doc);
  }
  if (message.contact) {
    const contact = el("div", "contact");
    contact.append(el("span", "doc-icon", "👤"));
    const about = el("span", "doc-about");
    about.append(el("b", "", senderName(message.contact)), el("small", "", message.contact.phone_number));
    contact.append(about);
    parts.append(contact);
  }
  if (message.invoice) {
    // Telegram's invoice card: title, description and the total; Pay is its button.
    const invoice = el("div", "invoice");
    invoice.append(el("b", "invoice-title", message.invoice.title));
    if (message.invoice.description) {
      invoice.append(el("div", "invoice-description", message.invoice.description));
    }
    const total = el("div", "invoice-total");
    total.append(
      shown(el("b", "amount"), "money", invoiceTotal(message.invoice), format),
      " ",
      label(el("small"), "invoice"),
    );
    invoice.append(total);
    parts.append(invoice);
  }
  if (view.html) {
    const text = el("div", "text");
    text.append(formatted(view.html));
    parts.append(text);
  }
  return parts;
}
