// The page's own words in the chosen language, from the bot's gettext catalogues. Nodes keep the
// key of the word they show, so a language switch redraws them in place.

import { sandbox } from "./api.js";

const CHOSEN = "axin-sandbox-locale";
const ATTRIBUTES = ["placeholder", "title", "alt"];
const DEFAULT_LOCALE = "en";
// The words the page needs when its words could not be loaded, as the catalogues translate them.
const WITHOUT_WORDS = {
  en: { did_not_start: "The sandbox did not start: {error}" },
  az: { did_not_start: "Sınaq mühiti başlamadı: {error}" },
  ru: { did_not_start: "Песочница не запустилась: {error}" },
};
let words = {};

// The word for key with {name} placeholders filled from args; before the words arrive (or if
// they never do), the page's own sentence for key in the reader's language, else the key and
// the args.
export function t(key, args = {}) {
  const text =
    words[key] ??
    WITHOUT_WORDS[readerLocale()][key] ??
    [key, ...Object.keys(args).map((name) => `{${name}}`)].join(" ");
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in args ? String(args[name]) : whole));
}

// The language picked on this page before, else the browser's most wanted language the page
// speaks, else English: the server's choice, made without the server.
function readerLocale() {
  const wanted = (navigator.languages ?? [navigator.language]).map(
    (tag) => String(tag).split("-")[0].toLowerCase(),
  );
  try {
    wanted.unshift(localStorage.getItem(CHOSEN));
  } catch {
    // Storage is turned off in this browser, so nothing was picked here before.
  }
  return wanted.find((locale) => Object.hasOwn(WITHOUT_WORDS, locale)) ?? DEFAULT_LOCALE;
}

// node shows the word key, as its text or in one of its attributes. Children marked with
// data-slot="name" stand where the word says {name}.
export function label(node, key, attribute) {
  if (attribute) {
    node.setAttribute(`data-label-${attribute}`, key);
    node.setAttribute(attribute, t(key));
  } else {
    node.dataset.label = key;
    fill(node);
  }
  return node;
}

// Text that is not one of the page's words (a server's answer, the bot's placeholder).
export function unlabelled(node, text, attribute) {
  if (attribute) {
    node.removeAttribute(`data-label-${attribute}`);
    node.setAttribute(attribute, text);
  } else {
    delete node.dataset.label;
    node.textContent = text;
  }
  return node;
}

export function slot(name, node) {
  node.dataset.slot = name;
  return node;
}

function fill(node) {
  const slots = new Map();
  for (const child of node.children) if (child.dataset.slot) slots.set(child.dataset.slot, child);
  const parts = (words[node.dataset.label] ?? node.dataset.label).split(/\{(\w+)\}/);
  node.replaceChildren(...parts.map((part, i) => (i % 2 ? slots.get(part) ?? `{${part}}` : part)));
}

function relabel() {
  for (const node of document.querySelectorAll("[data-label]")) fill(node);
  for (const attribute of ATTRIBUTES) {
    for (const node of document.querySelectorAll(`[data-label-${attribute}]`)) {
      node.setAttribute(attribute, t(node.getAttribute(`data-label-${attribute}`)));
    }
  }
}

// The language picked on this page before, else the one the server picks from Accept-Language;
// picking one remembers it.
export async function loadLanguage(picked) {
  const chosen = picked ?? localStorage.getItem(CHOSEN);
  const result = await sandbox.get(chosen ? `labels?lang=${encodeURIComponent(chosen)}` : "labels");
  if (picked) localStorage.setItem(CHOSEN, result.locale);
  words = result.labels;
  document.documentElement.lang = result.locale;
  document.title = t("title");
  relabel();
  return result;
}
