/**
 * Safe property writes for copies of untrusted JSON. JSON.parse creates an own `__proto__`
 * property; a plain assignment `o['__proto__'] = v` would instead call the prototype setter,
 * silently dropping the value (or skipping redaction/neutralization of what stays behind).
 */

/**
 * Set an own enumerable property, also when the key is `__proto__`.
 *
 * @example
 * const o: Record<string, unknown> = {};
 * setOwn(o, '__proto__', 1); // Object.keys(o) -> ['__proto__']
 */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  } else o[key] = value;
}
