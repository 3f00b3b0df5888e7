// What the browser keeps between pages: the signed conversation id, the unsent draft,
// whether the window was open, and a routing key. Private browsing or a full quota must not break the chat.

const PREFIX = "cqp-widget:";

function store(kind) {
  try {
    const s = window[kind];
    const probe = PREFIX + "probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch (error) {
    const memory = new Map();
    return {
      getItem: (k) => (memory.has(k) ? memory.get(k) : null),
      setItem: (k, v) => memory.set(k, String(v)),
      removeItem: (k) => memory.delete(k),
    };
  }
}

export function createStorage(server) {
  // One conversation per assistant server: two widgets on one site do not mix theirs.
  const scope = PREFIX + server + ":";
  const local = store("localStorage");
  const session = store("sessionStorage");
  const get = (s, k) => {
    try { return s.getItem(scope + k); } catch (error) { return null; }
  };
  const set = (s, k, v) => {
    try {
      if (v === null || v === "") s.removeItem(scope + k); else s.setItem(scope + k, v);
    } catch (error) { /* quota: the value lives until the page closes */ }
  };
  const randomKey = () => {
    const bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };
  return {
    // Not a secret and not the conversation: only which server of several this browser uses.
    route: () => {
      let key = get(local, "route");
      if (!key || !/^[0-9a-f]{24}$/.test(key)) {
        key = randomKey();
        set(local, "route", key);
      }
      return key;
    },
    sessionId: () => get(local, "session"),
    setSessionId: (v) => set(local, "session", v),
    draft: () => get(local, "draft") || "",
    setDraft: (v) => set(local, "draft", v),
    pending: () => get(local, "pending"),
    setPending: (v) => set(local, "pending", v),
    wasOpen: () => get(session, "open") === "1",
    setOpen: (open) => set(session, "open", open ? "1" : null),
  };
}
