// « En savoir plus » under an answer: a disclosure button that shows the longer text, the
// sources and the dates. Text nodes only, as everywhere (text.js); only http(s) sources
// become links. bot/channels/widget.py has checked the details already: this checks again.
import { renderText, safeHref } from "./text.js";

const LABEL = "En savoir plus";
const LIMITS = { label: 60, text: 6000, dates: 300, title: 200, sources: 8 };

function cut(value, limit) {
  return typeof value === "string" ? value.trim().slice(0, limit) : "";
}

function siteName(href) {
  return new URL(href).hostname.replace(/^www\./, "");
}

function sourceItem(source) {
  const href = source && typeof source.url === "string" ? safeHref(source.url) : null;
  if (!href) return null;
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = href;
  link.target = "_blank";
  // The opened page gets no handle on this one, and learns nothing of where it came from.
  link.rel = "noopener noreferrer";
  link.title = href;
  const title = cut(source.title, LIMITS.title);
  if (title) link.append(document.createTextNode(title + " "));
  const site = document.createElement("span");
  site.className = "site";
  site.textContent = title ? `(${siteName(href)})` : siteName(href);
  const hint = document.createElement("span");
  hint.className = "visually-hidden";
  hint.textContent = " (nouvel onglet)";
  link.append(site, hint);
  item.append(link);
  return item;
}

// The section, or null when there is nothing to show. `id` names the hidden part for aria-controls.
export function renderDetails(details, id) {
  if (!details || typeof details !== "object") return null;
  const text = cut(details.text, LIMITS.text);
  const sources = (Array.isArray(details.sources) ? details.sources : [])
    .slice(0, LIMITS.sources).map(sourceItem).filter(Boolean);
  const dates = cut(details.dates, LIMITS.dates);
  if (!text && !sources.length) return null;

  const section = document.createElement("div");
  section.className = "details";
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "details-toggle";
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", id);
  toggle.textContent = cut(details.label, LIMITS.label) || LABEL;

  const body = document.createElement("div");
  body.id = id;
  body.className = "details-body";
  body.hidden = true;
  if (text) {
    const block = document.createElement("div");
    block.className = "details-text";
    renderText(block, text);
    body.append(block);
  }
  if (sources.length) {
    const heading = document.createElement("p");
    heading.className = "details-heading";
    heading.textContent = sources.length > 1 ? "Sources :" : "Source :";
    const list = document.createElement("ul");
    list.className = "sources";
    list.append(...sources);
    body.append(heading, list);
  }
  if (dates) {
    const line = document.createElement("p");
    line.className = "details-dates";
    line.textContent = dates;
    body.append(line);
  }
  section.append(toggle, body);
  return section;
}
