// One phone: a Telegram-like private chat between a person and the bot.

import { user } from "./api.js";
import { Compose } from "./compose.js";
import { shown } from "./formats.js";
import { label, slot, t } from "./labels.js";
import { bubbleContent, el, invoiceTotal } from "./render.js";

// Chat actions the page names; any other shows as typing.
const ACTIONS = new Set([
  "typing", "upload_photo", "upload_document", "find_location", "choose_sticker",
]);
// What a person's failed action says; any other action is something sent.
const FAILED = { start: "start_failed", block: "block_failed", unblock: "unblock_failed" };
// Telegram's 10 seconds for the bot to confirm a payment, and a little more for the news.
const PAYMENT_WAIT_MS = 12_000;

export class Phone {
  constructor(app, person) {
    this.app = app;
    this.person = person;
    this.api = user(person.id);
    this.messages = new Map();
    // Invoices being paid, by message id: the timer that gives up on the bot's answer.
    this.paying = new Map();
    this.actionTimer = null;
    this.build();
    this.update(person);
  }

  build() {
    const root = el("section", "phone");
    root.dataset.person = this.person.id;
    const head = el("header", "phone-head");
    this.avatar = el("div", "avatar");
    const who = el("div", "who");
    this.title = el("div", "name");
    this.badge = el("span", "role");
    this.status = label(el("div", "status"), "status_bot");
    who.append(this.title, this.status);
    this.blockButton = el("button", "icon block-toggle", "⋮");
    label(this.blockButton, "block_toggle", "title");
    this.blockButton.addEventListener("click", () => this.toggleBlock());
    head.append(this.avatar, who, this.badge, this.blockButton);

    this.chat = el("div", "chat");
    this.toast = el("div", "toast");
    this.toast.hidden = true;
    this.alertBox = el("div", "alert");
    this.alertBox.hidden = true;

    this.compose = new Compose(this);
    root.append(head, this.chat, this.toast, this.alertBox, this.compose.root);
    this.root = root;
  }

  update(person) {
    this.person = person;
    this.title.textContent = person.name;
    this.avatar.textContent = person.first_name.slice(0, 1).toUpperCase();
    this.avatar.dataset.hue = String(person.id % 7);
    label(this.badge, `role_${person.role}`);
    this.badge.className = `role ${person.role}`;
    this.root.dataset.role = person.role;
    this.root.dataset.name = person.first_name;
    this.compose.update(person);
  }

  async load() {
    const [views, keyboard] = await Promise.all([this.api.get("messages"), this.api.get("keyboard")]);
    this.chat.replaceChildren();
    this.messages.clear();
    for (const view of views) this.upsert(view, false);
    this.compose.setKeyboard(keyboard);
    this.scrollDown();
  }

  upsert(view, follow = true) {
    const message = view.message;
    const id = message.message_id;
    if (view.deleted) {
      this.remove(id);
      return;
    }
    const stick = this.nearBottom();
    const row = this.render(view);
    const existing = this.messages.get(id);
    if (existing) {
      existing.row.replaceWith(row);
    } else {
      const later = [...this.messages.keys()].filter((other) => other > id).sort((a, b) => a - b);
      const before = later.length ? this.messages.get(later[0]).row : null;
      this.dayLine(message.date, before);
      this.chat.insertBefore(row, before);
    }
    this.messages.set(id, { view, row });
    if (!view.outgoing && !this.person.started) {
      this.update({ ...this.person, started: true });
    }
    if (view.outgoing && view.reply_markup && !view.reply_markup.inline_keyboard && !existing) {
      if (view.reply_markup.keyboard) this.compose.setKeyboard(view.reply_markup);
      if (view.reply_markup.remove_keyboard) this.compose.setKeyboard(null);
    }
    if (follow && (stick || !view.outgoing)) this.scrollDown();
  }

  dayLine(date, before) {
    const day = this.app.format.day(date);
    const earlier = [...this.messages.values()].filter((m) => m.view.message.date <= date);
    const previous = earlier.length ? earlier[earlier.length - 1].view.message.date : null;
    if (previous !== null && this.app.format.day(previous) === day) return;
    this.chat.insertBefore(shown(el("div", "day"), "day", date, this.app.format), before);
  }

  remove(id) {
    const existing = this.messages.get(id);
    if (!existing) return;
    existing.row.remove();
    this.messages.delete(id);
  }

  render(view) {
    const message = view.message;
    if (message.successful_payment) return this.serviceRow(message);
    const fromBot = view.outgoing;
    const row = el("div", `msg ${fromBot ? "from-bot" : "from-me"}`);
    row.dataset.id = message.message_id;
    const bubble = el("div", "bubble");
    // A deep link's payload goes to the bot; the person's own chat shows a plain /start.
    const content = !fromBot && /^\/start\s/.test(message.text || "") ? { ...view, html: "/start" } : view;
    bubble.append(bubbleContent(content, this.app.format));
    const meta = el("span", "meta");
    if (message.edit_date) meta.append(label(el("span", "edited"), "edited"), " ");
    meta.append(shown(el("span"), "time", message.date, this.app.format));
    bubble.append(meta);
    const reply = el("button", "reply-action", "↩");
    label(reply, "reply", "title");
    reply.addEventListener("click", () => this.compose.setReply(message));
    row.append(bubble, reply);
    bubble.addEventListener("click", (event) => this.onLink(event));
    let rows = view.reply_markup && view.reply_markup.inline_keyboard;
    // An invoice sent without a keyboard gets Telegram's own Pay button.
    if (message.invoice && !rows?.length) rows = [[{ pay: true }]];
    if (fromBot && rows) row.append(this.inlineKeyboard(message, rows));
    return row;
  }

  // A service message in the middle of the chat: the payment this person made.
  serviceRow(message) {
    const row = el("div", "msg service");
    row.dataset.id = message.message_id;
    const payment = message.successful_payment;
    const note = el("span", "service-text");
    note.append(slot("amount", this.amount(invoiceTotal(payment))));
    row.append(label(note, "paid"));
    return row;
  }

  amount(total) {
    return shown(el("b"), "money", total, this.app.format);
  }

  inlineKeyboard(message, rows) {
    const messageId = message.message_id;
    const keyboard = el("div", "inline-kb");
    for (const buttons of rows) {
      const line = el("div", "kb-row");
      for (const button of buttons) {
        const item = el("button", "", button.text);
        if (button.pay) {
          item.classList.add("pay");
          item.classList.toggle("pressed", this.paying.has(messageId));
          // A bot's own Pay button keeps its text; Telegram's says what is paid.
          if (!button.text) {
            item.append(slot("amount", this.amount(invoiceTotal(message.invoice))));
            label(item, "pay");
          }
        }
        if (button.url) item.classList.add("link");
        item.addEventListener("click", () => this.pressInline(item, messageId, button));
        line.append(item);
      }
      keyboard.append(line);
    }
    return keyboard;
  }

  async pressInline(item, messageId, button) {
    if (button.pay) {
      await this.pay(item, messageId);
    } else if (button.url) {
      this.app.openLink(this, button.url);
    } else if (button.callback_data !== undefined) {
      item.classList.add("pressed");
      try {
        await this.api.post("press", { button: button.callback_data, message_id: messageId, timeout: 15 });
      } catch (error) {
        this.showToast(t("press_failed", { error: error.message }));
      } finally {
        item.classList.remove("pressed");
      }
    } else if (button.switch_inline_query_current_chat !== undefined) {
      // No callback query: the app types "@bot <query>" and the press gives the bot's answer.
      const press = () =>
        this.api.post("press", { button: button.text, message_id: messageId, timeout: 15 });
      try {
        await this.compose.inline.typed(button.switch_inline_query_current_chat, press);
      } catch (error) {
        this.showToast(t("press_failed", { error: error.message }));
      }
    } else if (button.copy_text) {
      await navigator.clipboard?.writeText(button.copy_text.text);
      this.showToast(t("copied"));
    } else {
      this.showToast(t("button_does_nothing"));
    }
  }

  // Pay, and the payment form confirmed at once: the bot gets a pre_checkout_query and its
  // answer arrives as an event (paymentAnswered); the button stays pressed until then.
  async pay(item, messageId) {
    if (this.paying.has(messageId)) return;
    item.classList.add("pressed");
    const timer = setTimeout(() => {
      this.settled(messageId);
      this.showToast(t("pay_no_answer"));
    }, PAYMENT_WAIT_MS);
    this.paying.set(messageId, timer);
    try {
      await this.api.post("pay", { message_id: messageId });
    } catch (error) {
      this.settled(messageId);
      this.showToast(t("pay_failed", { error: error.message }));
    }
  }

  // The bot confirmed the payment (its message follows) or refused it with its error_message,
  // which Telegram shows in an alert.
  paymentAnswered(data) {
    this.settled(data.message_id);
    if (!data.ok) this.callbackAnswer({ text: data.error_message, show_alert: true });
  }

  settled(messageId) {
    clearTimeout(this.paying.get(messageId));
    this.paying.delete(messageId);
    const row = this.messages.get(messageId)?.row;
    for (const button of row?.querySelectorAll("button.pay") ?? []) {
      button.classList.remove("pressed");
    }
  }

  onLink(event) {
    const link = event.target.closest("a");
    if (!link || link.classList.contains("document")) return;
    event.preventDefault();
    const href = link.getAttribute("href") || "";
    if (link.classList.contains("command")) {
      this.act("text", { text: href.slice(1) });
    } else if (href && !link.classList.contains("mention")) {
      this.app.openLink(this, href);
    }
  }

  async toggleBlock() {
    if (this.person.blocked) {
      await this.act("unblock", {});
    } else if (window.confirm(t("block_confirm", { name: this.person.name }))) {
      await this.act("block", {});
    }
  }

  // Acting as this person; the bot's answers arrive through the event stream. A failure shows
  // in the page's words, the server's reason after them.
  async act(action, body) {
    try {
      await this.api.post(action, body);
      return true;
    } catch (error) {
      this.showToast(t(FAILED[action] ?? "send_failed", { error: error.message }));
      return false;
    }
  }

  startWith(payload) {
    return this.act("start", payload ? { payload } : {});
  }

  chatAction(action) {
    label(this.status, `action_${ACTIONS.has(action) ? action : "typing"}`);
    this.status.classList.add("busy");
    clearTimeout(this.actionTimer);
    // Telegram clients show an action for five seconds or until the next message.
    this.actionTimer = setTimeout(() => this.idle(), 5000);
  }

  idle() {
    label(this.status, "status_bot");
    this.status.classList.remove("busy");
  }

  callbackAnswer(data) {
    if (!data.text) return;
    if (data.show_alert) {
      this.alertBox.replaceChildren(el("p", "", data.text));
      const ok = label(el("button"), "ok");
      ok.addEventListener("click", () => (this.alertBox.hidden = true));
      this.alertBox.append(ok);
      this.alertBox.hidden = false;
    } else {
      this.showToast(data.text);
    }
  }

  showToast(text) {
    this.toast.textContent = text;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast.hidden = true), 4000);
  }

  nearBottom() {
    return this.chat.scrollHeight - this.chat.scrollTop - this.chat.clientHeight < 80;
  }

  scrollDown() {
    this.chat.scrollTop = this.chat.scrollHeight;
  }
}
