// The assistant's chat window, added to a site with one script tag:
//   <script src="…/cqp-widget.js" data-server="https://assistant.example.fr" defer></script>
// It talks to the Rasa server through socket.io (bot/channels/widget.py), bundled here so
// that the page needs no CDN. See web/README.md for the attributes.
import { io } from "socket.io-client";
import css from "./widget.css";
import { readConfig } from "./config.js";
import { createStorage } from "./storage.js";
import { renderDetails } from "./details.js";
import { renderText } from "./text.js";

const MAX_CHARS = 1000; // as bot/channels/widget.py's MAX_MESSAGE_CHARS
const ANSWER_TIMEOUT_MS = 30000;
const TEXT = {
  launcher: "Une question sur les CQP ?",
  newConversation: "Nouvelle conversation",
  close: "Fermer",
  closeLabel: "Fermer l'assistant",
  log: "Conversation avec l'assistant",
  inputLabel: "Votre message",
  placeholder: "Écrivez votre question…",
  send: "Envoyer",
  typing: "L'assistant écrit",
  you: "Vous : ",
  bot: "Assistant : ",
  retry: "Réessayer",
  offline: "Impossible de joindre l'assistant. Votre message est gardé dans la zone de saisie : réessayez dans un instant.",
  lost: "La connexion avec l'assistant est perdue. Nouvelle tentative automatique… Ce que vous avez écrit est gardé.",
  slow: "L'assistant ne répond pas. Votre message est remis dans la zone de saisie : réessayez.",
  failed: "Votre message n'a pas pu être traité. Il est remis dans la zone de saisie : réessayez.",
  privacyBefore: "N'indiquez pas d'informations sensibles. Écrivez « supprimez mes données » pour tout effacer. ",
  privacyLink: "Confidentialité",
};

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function addStyles(root, colours) {
  const theme = `:host{--cqp-accent:${colours.accent};--cqp-on-accent:${colours.onAccent};}`;
  try {
    // Constructed style sheets need no 'unsafe-inline' in the host page's CSP.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css + theme);
    root.adoptedStyleSheets = [sheet];
  } catch (error) {
    root.append(element("style", {}, css + theme));
  }
}

class Widget {
  constructor(config) {
    this.config = config;
    this.storage = createStorage(config.server);
    this.socket = null;
    this.ready = false; // a session is confirmed on the current connection
    this.pending = null; // the message sent and not yet answered
    this.timer = null;
    this.detailsCount = 0; // « En savoir plus » sections, for their ids
    this.build();
  }

  build() {
    const host = element("div", { id: "cqp-widget" });
    document.body.append(host);
    const root = host.attachShadow({ mode: "open" });
    addStyles(root, this.config.colours);

    this.launcher = element("button", { type: "button", class: "launcher", "aria-expanded": "false",
      "aria-controls": "cqp-panel" }, TEXT.launcher);
    this.panel = element("section", { id: "cqp-panel", class: "panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "cqp-title" });
    this.panel.hidden = true;

    const header = element("div", { class: "header" });
    header.append(element("h2", { id: "cqp-title" }, this.config.title));
    this.resetButton = element("button", { type: "button", class: "reset" });
    // Two short lines on a phone rather than a header wider than the screen.
    this.resetButton.append("Nouvelle", element("br"), "conversation");
    this.closeButton = element("button", { type: "button", class: "close", "aria-label": TEXT.closeLabel },
      TEXT.close);
    header.append(this.resetButton, this.closeButton);

    this.log = element("div", { class: "messages", role: "log", "aria-live": "polite", "aria-label": TEXT.log,
      tabindex: "0" });
    this.typing = element("div", { class: "typing", role: "status" });
    this.typing.hidden = true;

    this.alert = element("div", { class: "alert", role: "alert" });
    this.alertText = element("p");
    this.retryButton = element("button", { type: "button" }, TEXT.retry);
    this.alert.append(this.alertText, this.retryButton);
    this.alert.hidden = true;

    this.form = element("form", { class: "composer" });
    const label = element("label", { for: "cqp-input", class: "visually-hidden" }, TEXT.inputLabel);
    this.input = element("input", { id: "cqp-input", type: "text", maxlength: String(MAX_CHARS),
      autocomplete: "off", placeholder: TEXT.placeholder, enterkeyhint: "send" });
    this.input.value = this.storage.draft();
    const send = element("button", { type: "submit" }, TEXT.send);
    this.form.append(label, this.input, send);

    const footer = element("p", { class: "footer" }, TEXT.privacyBefore);
    if (this.config.privacyUrl) {
      const link = element("a", { href: this.config.privacyUrl, target: "_blank", rel: "noopener noreferrer" },
        TEXT.privacyLink);
      link.append(element("span", { class: "visually-hidden" }, " (nouvel onglet)"));
      footer.append(link);
    }

    this.panel.append(header, this.log, this.typing, this.alert, this.form, footer);
    root.append(this.launcher, this.panel);

    this.launcher.addEventListener("click", () => this.open());
    this.closeButton.addEventListener("click", () => this.close());
    this.resetButton.addEventListener("click", () => this.newConversation());
    this.retryButton.addEventListener("click", () => this.retry());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    this.input.addEventListener("input", () => this.storage.setDraft(this.input.value));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send(this.input.value);
    });

    if (this.config.open || this.storage.wasOpen()) this.open({ focus: false });
  }

  // --- window -------------------------------------------------------------------------

  open({ focus = true } = {}) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.storage.setOpen(true);
    this.connect();
    if (focus) this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.storage.setOpen(false);
    this.launcher.focus();
  }

  // --- server -------------------------------------------------------------------------

  connect() {
    if (this.socket) {
      if (!this.socket.connected) this.socket.connect();
      return;
    }
    // WebSocket only: the server checks the page's origin on the handshake, and no
    // long-polling fallback means no second set of CORS rules to keep right. Behind several
    // servers, `route` keeps every tab and reload of this browser on the same one
    // (deploy/nginx/cqp.conf.template hashes on it).
    this.socket = io(this.config.server, { path: "/socket.io", transports: ["websocket"],
      reconnectionDelayMax: 10000, timeout: 8000, query: { route: this.storage.route() } });
    const socket = this.socket;
    socket.on("connect", () => {
      this.hideAlert();
      socket.emit("session_request", { session_id: this.storage.sessionId() });
    });
    socket.on("session_confirm", (sessionId) => {
      this.storage.setSessionId(typeof sessionId === "string" ? sessionId : null);
      this.ready = true;
    });
    socket.on("history", (data) => this.showHistory((data && data.messages) || []));
    socket.on("bot_uttered", (message) => this.addBot(message || {}));
    socket.on("user_echo", (data) => {
      this.dropReplies();
      this.addUser(String((data && data.text) || ""));
      this.showTyping();
    });
    socket.on("turn_end", () => this.turnEnded());
    socket.on("widget_error", () => this.failed(TEXT.failed));
    socket.on("connect_error", () => this.disconnected(TEXT.offline));
    socket.on("disconnect", (reason) => {
      if (reason !== "io client disconnect") this.disconnected(TEXT.lost);
    });
  }

  disconnected(message) {
    this.ready = false;
    this.hideTyping();
    this.giveBackPending();
    this.showAlert(message);
  }

  retry() {
    this.hideAlert();
    if (!this.socket || !this.socket.connected) {
      this.connect();
    } else if (this.input.value.trim()) {
      this.send(this.input.value);
    }
    this.input.focus();
  }

  // --- conversation -------------------------------------------------------------------

  send(text, title, { hidden = false } = {}) {
    const message = String(text || "").trim();
    if (!message) {
      this.input.focus();
      return;
    }
    if (!this.socket || !this.socket.connected || !this.ready) {
      // Typed text stays where it is; a clicked button's text goes to the input.
      if (!hidden && !this.input.value.trim()) this.input.value = title ? title : message;
      this.storage.setDraft(this.input.value);
      this.showAlert(TEXT.offline);
      this.connect();
      return;
    }
    this.socket.emit("user_uttered", { message: message.slice(0, MAX_CHARS), title: title || undefined });
    // A hidden command (the greeting) is never given back to the input: the visitor did not type it.
    this.pending = hidden ? null : { text: title || message };
    if (!hidden) {
      this.dropReplies();
      this.addUser(title || message);
      if (!title) {
        this.input.value = "";
        this.storage.setDraft("");
      }
    }
    this.showTyping();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.failed(TEXT.slow), ANSWER_TIMEOUT_MS);
  }

  failed(message) {
    this.hideTyping();
    this.giveBackPending();
    this.showAlert(message);
  }

  giveBackPending() {
    clearTimeout(this.timer);
    if (this.pending && !this.input.value.trim()) {
      this.input.value = this.pending.text;
      this.storage.setDraft(this.input.value);
    }
    this.pending = null;
  }

  turnEnded() {
    clearTimeout(this.timer);
    this.pending = null;
    this.hideTyping();
  }

  newConversation() {
    this.storage.setSessionId(null);
    this.pending = null;
    this.clearLog();
    this.hideAlert();
    if (this.socket && this.socket.connected) {
      this.ready = false;
      this.socket.emit("session_request", { session_id: null });
    } else {
      this.connect();
    }
    this.input.focus();
  }

  showHistory(messages) {
    this.log.setAttribute("aria-busy", "true"); // a restored conversation is not read out again
    this.clearLog();
    let lastUser = -1;
    messages.forEach((m, i) => { if (m.from === "user") lastUser = i; });
    messages.forEach((m, i) => {
      if (m.from === "user") this.addUser(String(m.text || ""));
      else this.addBot(i > lastUser ? m : { text: m.text, details: m.details });
    });
    this.log.setAttribute("aria-busy", "false");
    if (messages.length === 0) this.send("/greet", undefined, { hidden: true });
  }

  clearLog() {
    this.log.replaceChildren();
    if (this.config.greeting) this.addBot({ text: this.config.greeting });
  }

  addUser(text) {
    const item = element("div", { class: "message user" });
    item.append(element("span", { class: "visually-hidden" }, TEXT.you));
    renderText(item, text);
    this.log.append(item);
    this.turnStart = null;
    this.scroll();
  }

  addBot(message) {
    if (message.text) {
      const item = element("div", { class: "message bot" });
      item.append(element("span", { class: "visually-hidden" }, TEXT.bot));
      renderText(item, message.text);
      this.addDetails(item, message.details);
      this.log.append(item);
      this.scroll(item);
    } else if (message.details) {
      // Details sent on their own belong to the answer just before them.
      const bots = this.log.querySelectorAll(".message.bot");
      const last = bots[bots.length - 1];
      if (last && !last.querySelector(".details")) this.addDetails(last, message.details);
    }
    const replies = Array.isArray(message.quick_replies) ? message.quick_replies : [];
    if (replies.length) {
      const item = element("div", { class: "replies-item" });
      const list = element("ul", { class: "replies", "aria-label": "Réponses proposées" });
      for (const reply of replies) {
        if (!reply || typeof reply.title !== "string" || typeof reply.payload !== "string") continue;
        const entry = element("li");
        const button = element("button", { type: "button" }, reply.title);
        button.addEventListener("click", () => {
          this.send(reply.payload, reply.title);
          this.input.focus(); // the clicked button is gone: the keyboard user goes on from the input
        });
        entry.append(button);
        list.append(entry);
      }
      item.append(list);
      this.log.append(item);
    }
    this.scroll();
  }

  addDetails(item, details) {
    if (!details) return;
    this.detailsCount += 1;
    const section = renderDetails(details, `cqp-details-${this.detailsCount}`);
    if (!section) return;
    item.append(section);
    const toggle = section.querySelector(".details-toggle");
    const body = section.querySelector(".details-body");
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      body.hidden = !open;
      if (open) this.reveal(toggle, body);
    });
  }

  reveal(toggle, body) {
    // What opened below the button is brought into view, the button kept in sight above it.
    const logBox = this.log.getBoundingClientRect();
    const bodyBox = body.getBoundingClientRect();
    if (bodyBox.bottom <= logBox.bottom) return;
    const toggleTop = toggle.getBoundingClientRect().top - logBox.top + this.log.scrollTop;
    this.log.scrollTop = Math.min(toggleTop - 8, this.log.scrollTop + (bodyBox.bottom - logBox.bottom) + 8);
  }

  dropReplies() {
    // Answered questions keep their text; their buttons would only mislead.
    for (const item of this.log.querySelectorAll(".replies-item")) item.remove();
  }

  scroll(item) {
    // A long answer is read from its start: the turn's first message goes to the top of the
    // view, not its last line to the bottom.
    if (item && !this.turnStart) this.turnStart = item;
    const limit = this.turnStart ? this.turnStart.offsetTop - 8 : Infinity;
    this.log.scrollTop = Math.min(this.log.scrollHeight, limit);
  }

  showTyping() {
    this.typing.replaceChildren(document.createTextNode(TEXT.typing));
    for (let i = 0; i < 3; i += 1) this.typing.append(element("span", { class: "dot", "aria-hidden": "true" }, "."));
    this.typing.hidden = false;
  }

  hideTyping() {
    this.typing.hidden = true;
    this.typing.replaceChildren();
  }

  showAlert(message) {
    this.alertText.textContent = message;
    this.alert.hidden = false;
  }

  hideAlert() {
    this.alert.hidden = true;
  }
}

(function start() {
  if (window.CQPWidget) return; // the tag was included twice
  const script = document.currentScript;
  const launch = () => {
    const widget = new Widget(readConfig(script));
    window.CQPWidget = { open: () => widget.open(), close: () => widget.close() };
  };
  window.CQPWidget = { loading: true };
  if (document.body) launch();
  else document.addEventListener("DOMContentLoaded", launch);
})();
