// Inline mode as a Telegram app has it: "@bot query" in the input shows the bot's results above
// it as they are typed, and the one tapped is sent via the bot. What the bot gives (titles,
// descriptions, button texts) is only ever text.

import { label, slot, t, unlabelled } from "./labels.js";
import { el } from "./render.js";

// A query goes out once typing pauses this long.
const DEBOUNCE_MS = 250;
// Telegram sends no longer inline query.
const MAX_QUERY = 256;
// Telegram waits this long for the bot's answer; after it the query is gone.
const ANSWER_TIMEOUT_MS = 10_000;
// Answers that arrived before the page learnt their query's id, the latest few kept.
const EARLY_ANSWERS = 20;

// The query of "@bot query" typed to this bot; null for any other text.
export function inlineQuery(text, username) {
  const typed = /^@(\w+) ([\s\S]*)$/.exec(text);
  if (!typed || typed[1].toLowerCase() !== username.toLowerCase()) return null;
  return typed[2];
}

// The bot's answer as the event stream and the press route give it.
function answerOf(data) {
  return {
    queryId: data.inline_query_id ?? data.query_id,
    results: data.results ?? [],
    nextOffset: data.next_offset ?? "",
    button: data.button ?? null,
  };
}

export class InlineResults {
  constructor(compose) {
    this.compose = compose;
    this.phone = compose.phone;
    this.root = el("div", "popup inline-results");
    this.root.hidden = true;
    this.timer = null;
    // Bumped whenever the query changes or the results are dismissed: an answer to a query
    // asked before is stale and ignored.
    this.generation = 0;
    this.query = null;
    this.waiting = new Map();
    this.early = new Map();
  }

  get app() {
    return this.phone.app;
  }

  get input() {
    return this.compose.input;
  }

  enabled() {
    return Boolean(this.app.inline?.enabled);
  }

  // The input changed: its query goes to the bot once typing pauses; other text closes the
  // results (or offers the bot, as "@" does in Telegram).
  changed() {
    const text = this.input.value;
    const query = this.enabled() ? inlineQuery(text, this.app.bot.username) : null;
    if (query !== null && query === this.query) return;
    clearTimeout(this.timer);
    this.generation += 1;
    this.query = query;
    if (query === null || query.length > MAX_QUERY) {
      this.close();
      if (query === null) this.offerBot(text);
      return;
    }
    const generation = this.generation;
    this.timer = setTimeout(() => this.ask(generation, query, ""), DEBOUNCE_MS);
  }

  // A switch_inline_query_current_chat button: the app types "@bot <query>" into the input and
  // sends that query; press() does it and gives the bot's answer.
  async typed(query, press) {
    this.input.value = `@${this.app.bot.username} ${query}`;
    this.input.focus();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    clearTimeout(this.timer);
    this.generation += 1;
    this.query = query;
    const generation = this.generation;
    const answer = await press();
    if (answer && generation === this.generation) this.show(generation, query, answerOf(answer), false);
  }

  async ask(generation, query, offset) {
    let answer;
    try {
      const asked = await this.phone.api.post("inline_query", { query, offset });
      // Inline mode went off meanwhile: the bot never got it.
      if (!asked.delivered) return;
      answer = await this.answerTo(asked.query_id);
    } catch (error) {
      this.phone.showToast(t("send_failed", { error: error.message }));
      return;
    }
    if (answer && generation === this.generation) this.show(generation, query, answer, offset !== "");
  }

  answerTo(queryId) {
    const early = this.early.get(queryId);
    if (early) {
      this.early.delete(queryId);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(queryId);
        resolve(null);
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(queryId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  // The bot answered an inline query typed in this phone (from the event stream).
  answered(data) {
    const answer = answerOf(data);
    const resolve = this.waiting.get(answer.queryId);
    if (resolve) {
      this.waiting.delete(answer.queryId);
      resolve(answer);
      return;
    }
    this.early.set(answer.queryId, answer);
    if (this.early.size > EARLY_ANSWERS) this.early.delete(this.early.keys().next().value);
  }

  show(generation, query, answer, more) {
    this.compose.closePopups();
    this.root.querySelector(".more")?.remove();
    if (!more) {
      this.root.replaceChildren();
      if (answer.button) this.root.append(this.startButton(answer.button));
      const placeholder = this.app.inline?.placeholder;
      if (!query.trim() && placeholder) this.root.append(unlabelled(el("div", "empty"), placeholder));
    }
    for (const result of answer.results) this.root.append(this.result(result, answer.queryId));
    if (!more && !answer.results.length && query.trim()) {
      const nothing = el("div", "empty");
      nothing.append(slot("query", el("span", "", query.trim())));
      this.root.append(label(nothing, "nothing_found"));
    }
    if (answer.nextOffset) {
      const next = label(el("button", "more"), "more_results");
      next.type = "button";
      next.addEventListener("click", () => {
        next.disabled = true;
        this.ask(generation, query, answer.nextOffset).finally(() => (next.disabled = false));
      });
      this.root.append(next);
    }
    this.root.hidden = !this.root.childElementCount;
  }

  result(result, queryId) {
    const item = el("button", "result");
    item.type = "button";
    item.dataset.result = result.id;
    item.append(el("b", "", result.title ?? result.first_name ?? result.type));
    if (result.description) item.append(el("small", "", result.description));
    item.addEventListener("click", () => this.choose(queryId, result.id));
    return item;
  }

  // The answer's button above the results: a deep link into the chat with the bot.
  startButton(button) {
    const item = el("button", "start-bot", button.text);
    item.type = "button";
    item.addEventListener("click", async () => {
      if (button.start_parameter === undefined) {
        this.phone.showToast(t("button_does_nothing"));
        return;
      }
      if (await this.phone.startWith(button.start_parameter)) this.clear();
    });
    return item;
  }

  async choose(queryId, resultId) {
    if (await this.phone.act("choose_inline_result", { query_id: queryId, result_id: resultId })) {
      this.clear();
    }
  }

  clear() {
    this.input.value = "";
    this.changed();
  }

  // "@" and the start of the bot's username: the bot, to tap instead of typing the rest.
  offerBot(text) {
    const typed = /^@(\w*)$/.exec(text);
    const { username, first_name: name } = this.app.bot;
    if (!this.enabled() || !typed || !username.toLowerCase().startsWith(typed[1].toLowerCase())) {
      return;
    }
    const item = el("button", "bot-offer");
    item.type = "button";
    item.append(el("b", "", `@${username}`), el("span", "", name));
    item.addEventListener("click", () => {
      this.input.value = `@${username} `;
      this.input.focus();
      this.changed();
    });
    this.root.replaceChildren(item);
    this.root.hidden = false;
  }

  // Escape: the results go until the query changes.
  dismiss() {
    if (this.root.hidden) return false;
    clearTimeout(this.timer);
    this.generation += 1;
    this.close();
    return true;
  }

  close() {
    this.root.hidden = true;
    this.root.replaceChildren();
  }
}
