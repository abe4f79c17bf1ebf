// The bottom of a phone: what a person can send, the bot's reply keyboard and command menu, and
// the results of inline queries typed in it.

import { InlineResults } from "./inline.js";
import { label, t, unlabelled } from "./labels.js";
import { el, summary } from "./render.js";

export class Compose {
  constructor(phone) {
    this.phone = phone;
    this.keyboard = null;
    this.replyTo = null;
    this.build();
  }

  build() {
    const root = el("footer", "compose");
    this.replyBar = el("div", "reply-bar");
    this.replyBar.hidden = true;
    this.menu = el("div", "popup menu");
    this.menu.hidden = true;
    this.attachMenu = el("div", "popup attach");
    this.attachMenu.hidden = true;
    for (const [icon, key, handler] of [
      ["🖼", "photo", () => this.pick("image/*", "photo")],
      ["📄", "file", () => this.pick("", "document")],
      ["👤", "my_contact", () => this.phone.act("contact", {})],
    ]) {
      const item = el("button", "", `${icon} `);
      item.append(label(el("span"), key));
      item.addEventListener("click", () => {
        this.attachMenu.hidden = true;
        handler();
      });
      this.attachMenu.append(item);
    }
    this.fileInput = el("input");
    this.fileInput.type = "file";
    this.fileInput.hidden = true;
    this.fileInput.addEventListener("change", () => this.upload());

    this.inputRow = el("div", "input-row");
    const menuButton = el("button", "icon menu-button", "☰");
    label(menuButton, "commands", "title");
    menuButton.addEventListener("click", () => this.toggleMenu());
    const attach = el("button", "icon attach-button", "📎");
    label(attach, "attach", "title");
    attach.addEventListener("click", () => {
      this.inline.dismiss();
      this.attachMenu.hidden = !this.attachMenu.hidden;
    });
    this.input = el("textarea", "input");
    this.input.rows = 1;
    label(this.input, "message", "placeholder");
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.sendText();
      } else if (event.key === "Escape" && this.inline.dismiss()) {
        event.preventDefault();
      }
    });
    this.inline = new InlineResults(this);
    this.input.addEventListener("input", () => this.inline.changed());
    const send = el("button", "icon send", "➤");
    label(send, "send", "title");
    send.addEventListener("click", () => this.sendText());
    this.keyboardToggle = el("button", "icon keyboard-toggle", "⌨");
    label(this.keyboardToggle, "keyboard", "title");
    this.keyboardToggle.addEventListener("click", () => {
      this.replyKeyboard.hidden = !this.replyKeyboard.hidden;
    });
    this.inputRow.append(menuButton, attach, this.input, this.keyboardToggle, send);
    this.replyKeyboard = el("div", "reply-kb");
    this.startButton = label(el("button", "start"), "start");
    this.startButton.addEventListener("click", () => this.phone.act("start", {}));
    this.blockedNote = el("div", "blocked-note");
    this.blockedNote.append(label(el("span"), "blocked"));
    const unblock = label(el("button"), "unblock");
    unblock.addEventListener("click", () => this.phone.toggleBlock());
    this.blockedNote.append(unblock);
    root.append(
      this.replyBar, this.menu, this.attachMenu, this.inline.root, this.inputRow,
      this.replyKeyboard, this.startButton, this.blockedNote, this.fileInput,
    );
    this.root = root;
  }

  update(person) {
    this.startButton.hidden = person.started || person.blocked;
    this.blockedNote.hidden = !person.blocked;
    this.inputRow.hidden = !person.started || person.blocked;
    this.replyKeyboard.classList.toggle("off", !person.started || person.blocked);
  }

  setKeyboard(markup) {
    this.keyboard = markup;
    this.replyKeyboard.replaceChildren();
    this.replyKeyboard.hidden = !markup;
    this.keyboardToggle.hidden = !markup;
    const placeholder = markup && markup.input_field_placeholder;
    if (placeholder) unlabelled(this.input, placeholder, "placeholder");
    else label(this.input, "message", "placeholder");
    if (!markup) return;
    for (const buttons of markup.keyboard) {
      const line = el("div", "kb-row");
      for (const button of buttons) {
        const label = typeof button === "string" ? button : button.text;
        const item = el("button", "", label);
        if (button.request_contact) item.classList.add("contact-request");
        item.addEventListener("click", () => this.pressReply(label, Boolean(button.request_contact)));
        line.append(item);
      }
      this.replyKeyboard.append(line);
    }
  }

  async pressReply(label, requestsContact) {
    const question = t("share_phone", { phone: this.phone.person.phone });
    if (requestsContact && !window.confirm(question)) return;
    await this.phone.act("reply_button", { text: label });
    this.setKeyboard(await this.phone.api.get("keyboard"));
  }

  setReply(message) {
    this.replyTo = message.message_id;
    const quoted = el("span", "", "↩ ");
    quoted.append(summary(message, 60));
    this.replyBar.replaceChildren(quoted);
    const cancel = el("button", "icon", "✕");
    cancel.addEventListener("click", () => this.clearReply());
    this.replyBar.append(cancel);
    this.replyBar.hidden = false;
    this.input.focus();
  }

  clearReply() {
    this.replyTo = null;
    this.replyBar.hidden = true;
  }

  async sendText() {
    const text = this.input.value.trim();
    if (!text) return;
    const body = { text };
    if (this.replyTo !== null) body.reply_to_message_id = this.replyTo;
    if (await this.phone.act("text", body)) {
      this.input.value = "";
      this.inline.changed();
      this.clearReply();
    }
  }

  pick(accept, kind) {
    this.fileInput.accept = accept;
    this.fileInput.dataset.kind = kind;
    this.fileInput.value = "";
    this.fileInput.click();
  }

  async upload() {
    const file = this.fileInput.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    const caption = this.input.value.trim();
    if (caption) form.append("caption", caption);
    if (await this.phone.act(this.fileInput.dataset.kind, form)) {
      this.input.value = "";
      this.inline.changed();
    }
  }

  // Only one popup above the input at a time.
  closePopups() {
    this.menu.hidden = true;
    this.attachMenu.hidden = true;
  }

  async toggleMenu() {
    if (!this.menu.hidden) {
      this.menu.hidden = true;
      return;
    }
    const commands = await this.phone.app.commands(this.phone.person.id);
    this.inline.dismiss();
    this.menu.replaceChildren();
    for (const command of commands) {
      const item = el("button", "");
      item.append(el("b", "", `/${command.command}`), el("span", "", command.description));
      item.addEventListener("click", () => {
        this.menu.hidden = true;
        this.phone.act("text", { text: `/${command.command}` });
      });
      this.menu.append(item);
    }
    if (!commands.length) this.menu.append(label(el("div", "empty"), "no_commands"));
    this.menu.hidden = false;
  }
}
