import { formatDuration } from '../duration.js';

/** A header value as text: strings as they are, anything else as JSON (never String(), which runs a `toString` member). */
export function headerText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}

/** A claim value for a message or comparison: strings as they are, other JSON values as JSON. */
export function claimText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

export function formatSeconds(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds)} s` : formatDuration(seconds);
}
