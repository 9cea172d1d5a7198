/**
 * JSON Merge Patch, RFC 7396: a patch document that looks like the target, where a member set to null
 * removes that member and any other value replaces it, recursively for objects.
 *
 * Pure: no framework, no storage.
 */

type JsonObject = { [name: string]: unknown }

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * applyMergePatch returns the result of applying `patch` to `target`, RFC 7396 section 2, without changing
 * either. A patch that is not an object replaces the target whole; an object patch turns a target that is
 * not an object into one. Member names such as `__proto__` are ordinary data here: the result is built with
 * own properties only, never through a prototype setter.
 *
 * Recursion follows the patch's own nesting; callers bound that (canonical JSON refuses deeper than 512).
 *
 * @example applyMergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })
 * // { a: 'z', c: { d: 'e' } }
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch
  const result: JsonObject = {}
  if (isJsonObject(target)) for (const name of Object.keys(target)) define(result, name, target[name])
  for (const name of Object.keys(patch)) {
    const value = patch[name]
    if (value === null) delete result[name]
    else define(result, name, applyMergePatch(Object.hasOwn(result, name) ? result[name] : undefined, value))
  }
  return result
}

// define adds an own, enumerable member, as JSON.parse does, so that "__proto__" stays a plain member.
function define(object: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true })
}
