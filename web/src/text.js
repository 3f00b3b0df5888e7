// Bot and visitor text becomes DOM text nodes, never HTML: a « <script> » typed by anyone
// shows literally. Only http(s) addresses become links.

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
// Punctuation that ends a sentence or closes a bracket after an address is not part of it.
const TRAILING = /[).,;:!?»\]]+$/;

export function safeHref(raw) {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (error) {
    return null;
  }
}

export function shortName(href) {
  const url = new URL(href);
  const host = url.hostname.replace(/^www\./, "");
  return url.pathname.length > 1 || url.search ? `${host}/…` : host;
}

function appendLine(parent, line) {
  let last = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    let address = match[0];
    const trailing = address.match(TRAILING);
    if (trailing) address = address.slice(0, -trailing[0].length);
    const href = safeHref(address);
    if (!href || !address) continue;
    parent.append(document.createTextNode(line.slice(last, match.index)));
    const link = document.createElement("a");
    link.href = href;
    // The site's name, not a three-line address: the source's title comes just before it.
    link.textContent = shortName(href);
    link.title = address;
    link.target = "_blank";
    // The opened page gets no handle on this one, and learns nothing of where it came from.
    link.rel = "noopener noreferrer";
    const hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = " (nouvel onglet)";
    link.append(hint);
    parent.append(link);
    last = match.index + address.length;
  }
  parent.append(document.createTextNode(line.slice(last)));
}

// Paragraphs (blank lines) become <p>; single line breaks stay as text (white-space: pre-wrap).
export function renderText(container, text) {
  const paragraphs = String(text).split(/\n{2,}/);
  for (const paragraph of paragraphs) {
    const p = document.createElement("p");
    appendLine(p, paragraph);
    container.append(p);
  }
}
