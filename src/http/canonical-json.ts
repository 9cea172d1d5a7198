/**
 * Canonical JSON, RFC 8785 (JSON Canonicalization Scheme): one exact text for each JSON value, so that equal
 * data always yields equal bytes, and so equal ETags, at every edge.
 *
 * Pure: no framework, no storage.
 */

/** CanonicalJsonError says which part of a value is not JSON; `path` points at it, as in `$.items[2].price`. */
export class CanonicalJsonError extends Error {
  readonly path: string
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`)
    this.name = 'CanonicalJsonError'
    this.path = path
  }
}

/**
 * MAX_NESTING_DEPTH bounds how deep arrays and objects may nest. Serialisation recurses, and a body of a
 * megabyte of `[` would otherwise exhaust the stack; no real document comes near this.
 */
export const MAX_NESTING_DEPTH = 512

/**
 * canonicalJson returns the RFC 8785 serialisation of a value: object members sorted by the UTF-16 code
 * units of their names, numbers in the ECMAScript shortest round-trip form, strings with minimal escaping,
 * and no whitespace. A `toJSON` method is honoured as JSON.stringify does (so a Date becomes its ISO string).
 *
 * It throws CanonicalJsonError for anything that is not JSON, where JSON.stringify would silently drop or
 * change it: undefined, functions, symbols, BigInt, NaN and the infinities, cycles, Map and Set, strings with
 * unpaired surrogates (I-JSON, RFC 7493), and nesting deeper than MAX_NESTING_DEPTH.
 *
 * @example canonicalJson({ b: [1e21, 'é'], a: -0 }) // '{"a":0,"b":[1e+21,"é"]}'
 */
export function canonicalJson(value: unknown): string {
  try {
    return serialize(value, new Set(), 0)
  } catch (error) {
    if (error instanceof NotJson) throw new CanonicalJsonError(`$${error.path.join('')}`, error.message)
    throw error
  }
}

// NotJson travels up the recursion collecting the path, so that paths cost nothing until something fails.
class NotJson extends Error {
  readonly path: string[] = []
}

function serialize(value: unknown, ancestors: Set<object>, depth: number, replaced = false): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value)
    case 'number':
      if (!Number.isFinite(value)) throw new NotJson(`${value} is not a JSON number`)
      // ECMAScript Number-to-String, which RFC 8785 section 3.2.2.3 adopts; -0 becomes 0.
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object':
      return value === null ? 'null' : serializeObject(value, ancestors, depth, replaced)
    default:
      throw new NotJson(`${typeof value} is not a JSON value`)
  }
}

function serializeString(value: string): string {
  if (!value.isWellFormed()) throw new NotJson('string has an unpaired surrogate')
  // JSON.stringify's string form is exactly RFC 8785's: only ", \ and control characters are escaped.
  return JSON.stringify(value)
}

function serializeObject(value: object, ancestors: Set<object>, depth: number, replaced: boolean): string {
  if (depth >= MAX_NESTING_DEPTH) throw new NotJson(`nested deeper than ${MAX_NESTING_DEPTH}`)
  if (ancestors.has(value)) throw new NotJson('cycle: the value contains itself')
  // As in JSON.stringify, toJSON applies once: what it returns is serialised as it is, even if it is the
  // same object, so a toJSON returning `this` cannot recurse forever.
  if (!replaced && 'toJSON' in value && typeof value.toJSON === 'function') {
    return serialize(value.toJSON(), ancestors, depth, true)
  }
  if (value instanceof Map || value instanceof Set) {
    throw new NotJson(`${value.constructor.name} is not a JSON value; convert it first`)
  }

  ancestors.add(value)
  const parts: string[] = []
  if (Array.isArray(value)) {
    // Indexes, not Array#map, so that a hole is seen (as undefined) instead of being skipped.
    for (let index = 0; index < value.length; index++) {
      parts.push(within(index, () => serialize(value[index], ancestors, depth + 1)))
    }
  } else {
    const record = value as Record<string, unknown>
    // Array#sort with no comparator orders strings by UTF-16 code units, as RFC 8785 section 3.2.3 requires.
    for (const name of Object.keys(record).sort()) {
      parts.push(
        within(name, () => `${serializeString(name)}:${serialize(record[name], ancestors, depth + 1)}`),
      )
    }
  }
  ancestors.delete(value)
  return Array.isArray(value) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`
}

// within runs one member's serialisation and, if it fails, adds that member to the error's path.
function within(key: string | number, serializeMember: () => string): string {
  try {
    return serializeMember()
  } catch (error) {
    if (error instanceof NotJson) {
      const segment =
        typeof key === 'number'
          ? `[${key}]`
          : /^[A-Za-z_$][\w$]*$/.test(key)
            ? `.${key}`
            : `[${JSON.stringify(key)}]`
      error.path.unshift(segment)
    }
    throw error
  }
}
