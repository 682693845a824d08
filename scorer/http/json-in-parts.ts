import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * `JSON.stringify(value)` as bytes, but the array under `key` an item at a time, letting the event
 * loop run between items: one JSON.stringify of a 100-series answer would hold every other request
 * for as long as it takes. The same bytes as one call.
 */
export async function jsonInParts<T extends Record<string, unknown>>(value: T, key: keyof T & string) {
  const items = value[key];
  if (!Array.isArray(items) || items.length < 2) return Buffer.from(JSON.stringify(value));
  // Keys keep their order; a random stand-in marks where the items go.
  const standIn = JSON.stringify(`items-${randomUUID()}`);
  const [before, after] = splitOnce(JSON.stringify({ ...value, [key]: JSON.parse(standIn) }), standIn);
  const parts = [Buffer.from(`${before}[`)];
  for (const [k, item] of items.entries()) {
    if (k > 0) {
      await nextTurn();
      parts.push(Buffer.from(','));
    }
    parts.push(Buffer.from(JSON.stringify(item) ?? 'null'));
  }
  parts.push(Buffer.from(`]${after}`));
  return Buffer.concat(parts);
}

function splitOnce(text: string, marker: string): [string, string] {
  const at = text.indexOf(marker);
  return [text.slice(0, at), text.slice(at + marker.length)];
}
