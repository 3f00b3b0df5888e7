// The site's settings, read from the script tag's data attributes.

const DEFAULTS = {
  server: "http://localhost:5005",
  title: "Assistant CQP",
  greeting: "",
  privacyUrl: "",
  color: "#1f4e9c",
  open: false,
};

function channel(value) {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

function luminance(hex) {
  const n = parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

export function contrast(a, b) {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

// A site's colour is kept only if white or near-black text on it stays readable (WCAG AA 4.5:1).
export function accentColours(requested) {
  const colour = /^#[0-9a-fA-F]{6}$/.test(requested || "") ? requested : DEFAULTS.color;
  if (contrast(colour, "#ffffff") >= 4.5) return { accent: colour, onAccent: "#ffffff" };
  if (contrast(colour, "#1b1b1b") >= 4.5) return { accent: colour, onAccent: "#1b1b1b" };
  return { accent: DEFAULTS.color, onAccent: "#ffffff" };
}

function httpUrl(value, fallback) {
  try {
    const url = new URL(value, document.baseURI);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href.replace(/\/$/, "") : fallback;
  } catch (error) {
    return fallback;
  }
}

export function readConfig(script) {
  const data = (script && script.dataset) || {};
  return {
    server: httpUrl(data.server || DEFAULTS.server, DEFAULTS.server),
    title: (data.title || DEFAULTS.title).slice(0, 60),
    greeting: (data.greeting || DEFAULTS.greeting).slice(0, 500),
    privacyUrl: data.privacyUrl ? httpUrl(data.privacyUrl, "") : "",
    colours: accentColours(data.color),
    open: data.open === "true",
  };
}
