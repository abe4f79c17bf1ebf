// The sandbox page: phones side by side, a side panel for the outside world and the clock,
// kept live by the emulator's event stream.

import { EVENTS_URL, sandbox } from "./api.js";
import { pageFormat, reformat } from "./formats.js";
import { label, loadLanguage, slot, t, unlabelled } from "./labels.js";
import { Phone } from "./phone.js";
import { deepLink, el } from "./render.js";

const ROLE_ORDER = { owner: 0, manager: 1, customer: 2 };
const CUSTOMERS_SHOWN_AT_FIRST = 3;

class App {
  constructor() {
    this.people = new Map();
    this.phones = new Map();
    this.shown = new Map();
    this.lastSeq = 0;
    this.offset = 0;
    this.refreshTimer = null;
    this.loaded = false;
  }

  async start() {
    const [state, language] = await Promise.all([sandbox.get("state"), loadLanguage()]);
    this.bot = state.bot;
    this.inline = state.inline;
    this.timezone = state.timezone;
    this.useLanguage(language);
    document.getElementById("bot-name").textContent = `@${this.bot.username}`;
    document.getElementById("zone").textContent = state.timezone;
    this.setNow(state.now);
    this.showFeatures(state.features);
    this.lastSeq = state.seq;
    this.applyPeople(state.people);
    await Promise.all([...this.phones.values()].map((phone) => phone.load()));
    this.loaded = true;
    this.listen();
    this.bindPanel();
    this.bindLanguages();
    setInterval(() => this.tick(), 1000);
    document.body.dataset.ready = "true";
  }

  listen() {
    const source = new EventSource(`${EVENTS_URL}?since=${this.lastSeq}`);
    source.onmessage = (message) => this.onEvent(JSON.parse(message.data));
  }

  // Replays after a reconnect repeat old events; each one is applied once.
  onEvent(event) {
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    const phone = this.phones.get(event.chat_id);
    if (event.kind === "inline_mode") {
      this.inline = event.data;
      for (const each of this.phones.values()) each.compose.inline.changed();
      return;
    }
    if (event.kind === "user") {
      this.refreshSoon();
      return;
    }
    if (!phone) return;
    if (event.kind === "message" || event.kind === "edit") {
      phone.upsert(event.data);
      if (event.data.outgoing) {
        phone.idle();
        this.refreshSoon();
      }
    } else if (event.kind === "delete") {
      phone.remove(event.data.message_id);
    } else if (event.kind === "callback_answer") {
      phone.callbackAnswer(event.data);
    } else if (event.kind === "pre_checkout_answer") {
      phone.paymentAnswered(event.data);
    } else if (event.kind === "chat_action") {
      phone.chatAction(event.data.action);
    } else if (event.kind === "inline_answer") {
      phone.compose.inline.answered(event.data);
    }
  }

  // Roles change as people join the team, so the roster follows the bot's database.
  refreshSoon() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 300);
  }

  async refresh() {
    const state = await sandbox.get("state");
    this.applyPeople(state.people);
  }

  applyPeople(people) {
    let customers = [...this.shown.entries()].filter(
      ([id, shown]) => shown && this.people.get(id)?.role === "customer",
    ).length;
    for (const person of people) {
      const phone = this.phones.get(person.id);
      this.people.set(person.id, person);
      if (phone) {
        phone.update(person);
        continue;
      }
      const created = new Phone(this, person);
      this.phones.set(person.id, created);
      if (this.loaded) created.load();
      if (!this.shown.has(person.id)) {
        const visible = person.role !== "customer" || this.loaded || customers < CUSTOMERS_SHOWN_AT_FIRST;
        if (person.role === "customer" && visible) customers += 1;
        this.shown.set(person.id, visible);
      }
    }
    this.layout();
    this.renderRoster();
  }

  ordered() {
    return [...this.people.values()].sort(
      (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.id - b.id,
    );
  }

  layout() {
    const area = document.getElementById("phones");
    const wanted = this.ordered().filter((p) => this.shown.get(p.id)).map((p) => this.phones.get(p.id).root);
    const current = [...area.children];
    if (wanted.length === current.length && wanted.every((node, i) => node === current[i])) return;
    area.replaceChildren(...wanted);
    for (const person of this.people.values()) this.phones.get(person.id).scrollDown();
  }

  renderRoster() {
    const list = document.getElementById("people");
    list.replaceChildren();
    for (const person of this.ordered()) {
      const item = el("li");
      const toggle = el("input");
      toggle.type = "checkbox";
      toggle.checked = Boolean(this.shown.get(person.id));
      label(toggle, "show_phone", "title");
      toggle.addEventListener("change", () => {
        this.shown.set(person.id, toggle.checked);
        this.layout();
      });
      const name = el("button", "person", person.name);
      name.addEventListener("click", () => this.reveal(person.id));
      const about = el("span", "about");
      const role = label(el("span", `role ${person.role}`), `role_${person.role}`);
      about.append(role, el("small", "", person.phone));
      item.append(toggle, name, about);
      list.append(item);
    }
  }

  reveal(id) {
    if (!this.shown.get(id)) {
      this.shown.set(id, true);
      this.layout();
      this.renderRoster();
    }
    const root = this.phones.get(id).root;
    root.scrollIntoView({ behavior: "smooth", inline: "center", block: "nearest" });
    root.classList.remove("flash");
    void root.offsetWidth;
    root.classList.add("flash");
  }

  commands(id) {
    return sandbox.get(`people/${id}/commands`);
  }

  // Links to this bot open it in a phone, as Telegram would; a payload may be meant for
  // someone else (an invite link), so the page asks whose phone opens it.
  openLink(phone, href) {
    const link = deepLink(href, this.bot.username);
    if (link === undefined) {
      window.open(href, "_blank", "noopener");
      return;
    }
    if (!link.payload) {
      phone.startWith(null);
      return;
    }
    const dialog = document.getElementById("open-link");
    document.getElementById("open-link-url").textContent = href;
    const choices = document.getElementById("open-link-people");
    choices.replaceChildren();
    const people = [phone.person, ...this.ordered().filter((p) => p.id !== phone.person.id)];
    for (const person of people) {
      const choice = el("button", "", `${person.name} (${t(`role_${person.role}`)})`);
      choice.dataset.person = person.id;
      choice.addEventListener("click", () => {
        dialog.close();
        this.reveal(person.id);
        this.phones.get(person.id).startWith(link.payload);
      });
      choices.append(choice);
    }
    dialog.showModal();
  }

  setNow(iso) {
    this.offset = Date.parse(iso) - Date.now();
    this.tick();
  }

  tick() {
    const now = new Date(Date.now() + this.offset);
    const clock = document.getElementById("clock");
    clock.textContent = this.format.full(now);
    clock.dataset.now = now.toISOString();
  }

  showFeatures(features) {
    document.getElementById("call-form").hidden = !features.calls;
    document.getElementById("lead-form").hidden = !features.leads;
    document.getElementById("world").hidden = !features.calls && !features.leads;
  }

  bindPanel() {
    const jumps = [["jump-hour", 3600, "jumped_hour"], ["jump-day", 86400, "jumped_day"]];
    for (const [id, seconds, done] of jumps) {
      const button = document.getElementById(id);
      button.addEventListener("click", () =>
        this.busy(button, "jump_failed", async () => {
          const result = await sandbox.post("clock", { seconds });
          this.setNow(result.now);
          label(document.getElementById("clock-result"), done).classList.remove("failed");
        }),
      );
    }
    this.bindForm("add-form", "add_failed", async (data) => {
      const person = await sandbox.post("people", data);
      this.shown.set(person.id, true);
      await this.refresh();
      this.reveal(person.id);
    });
    this.bindForm("call-form", "call_failed", async (data) => {
      const result = await sandbox.post("calls", data);
      this.note("world-result", result.summary);
    });
    this.bindForm("lead-form", "lead_failed", async (data) => {
      const result = await sandbox.post("leads", data);
      this.note("world-result", result.summary);
    });
  }

  bindForm(id, failed, submit) {
    const form = document.getElementById(id);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries());
      this.busy(form.querySelector("button"), failed, async () => {
        await submit(data);
        form.reset();
      });
    });
  }

  // The word failed, with the server's reason in its {error}, shows if work fails.
  async busy(button, failed, work) {
    button.disabled = true;
    try {
      await work();
    } catch (error) {
      const result = button.closest("section").querySelector(".result");
      result.replaceChildren(slot("error", el("span", "", error.message)));
      label(result, failed).classList.add("failed");
    } finally {
      button.disabled = false;
    }
  }

  note(id, text) {
    unlabelled(document.getElementById(id), text).classList.remove("failed");
  }

  // Another language redraws the page's own words, dates and sizes; chats and people stay.
  bindLanguages() {
    for (const button of document.querySelectorAll("#languages button")) {
      button.addEventListener("click", async () => {
        this.useLanguage(await loadLanguage(button.dataset.locale));
      });
    }
  }

  useLanguage(language) {
    this.format = pageFormat(this.timezone, language.formats);
    reformat(this.format);
    this.tick();
    for (const button of document.querySelectorAll("#languages button")) {
      button.setAttribute("aria-pressed", String(button.dataset.locale === language.locale));
    }
  }
}

new App().start().catch((error) => {
  document.body.dataset.ready = "failed";
  document.getElementById("phones").textContent = t("did_not_start", { error: error.message });
});
