/**
 * A value from a request body or a stored record, for an error message. `String()` throws on an
 * object like `{"toString": ""}` (the API answered 500); JSON never does on parsed JSON.
 */
export function describeInput(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
