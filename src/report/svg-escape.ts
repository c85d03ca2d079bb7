/**
 * Text and number helpers shared by the SVG charts and the HTML report: XML escaping of every
 * user-controlled string, and compact coordinates.
 */

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// C0 controls other than tab, newline and carriage return, lone surrogates, and U+FFFE/U+FFFF are
// not allowed in XML (and are parse errors in HTML); they become U+FFFD.
const NOT_XML =
  /[^\t\n\r\u0020-\ud7ff\ud800-\udfff\ue000-\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Escapes text for XML and HTML, in element content and in quoted attribute values alike:
 * `& < > " '` become entities, and characters XML forbids become U+FFFD. Accepts any value and
 * escapes its `String()` form, so a non-string never slips through unescaped.
 */
export function escapeXml(text: unknown): string {
  return String(text)
    .replace(NOT_XML, '\ufffd')
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c] as string);
}

/** A coordinate rounded to 2 decimals, without trailing zeros or a negative zero (keeps the SVG small). */
export function coord(value: number): string {
  const r = Math.round(value * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Shortens `text` to at most `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}\u2026`;
}

/** A rough width in pixels of `text` at `fontSize` in a sans-serif font (for layout only). */
export function textWidth(text: string, fontSize = 12): number {
  return Array.from(text).length * fontSize * 0.56;
}
