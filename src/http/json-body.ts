/**
 * JSON request bodies: UTF-8 text (RFC 8259 section 8.1) holding one JSON value.
 *
 * Pure: no framework.
 */

import { HttpError } from './problem.ts'

/**
 * parseJsonBody decodes a body as UTF-8 and parses it as JSON, throwing HttpError 400 with the reason when it
 * is not valid UTF-8 or not valid JSON, and 422 when an object repeats a member name: I-JSON (RFC 7493
 * section 2.3) forbids that, canonical JSON (RFC 8785) requires I-JSON, and JSON.parse would silently keep
 * the last value. A leading byte order mark is ignored, as RFC 8259 allows.
 *
 * @example parseJsonBody(new TextEncoder().encode('{"a":1}')) // { a: 1 }
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw new HttpError(400, 'The request body is not valid UTF-8')
  }
  if (text.trim() === '') throw new HttpError(400, 'The request body is empty; send a JSON object')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const reason = error instanceof SyntaxError ? `: ${error.message}` : ''
    throw new HttpError(400, `The request body is not valid JSON${reason}`)
  }
  const duplicate = findDuplicateMemberName(text)
  if (duplicate !== null) {
    throw new HttpError(422, `The JSON repeats the member name ${JSON.stringify(duplicate)} in one object`)
  }
  const underflow = findUnderflowingNumber(text)
  if (underflow !== null) {
    throw new HttpError(
      422,
      `The number ${underflow} is too small for a double (it would be stored as 0); send 0, or a number from 5e-324`,
    )
  }
  return value
}

// Only a number with a negative exponent, or hundreds of digits, can be too small for a double: only a text
// holding one is scanned number by number.
const MAYBE_UNDERFLOW = /[eE]-|\d{300}/
/**
 * JSON_STRING_OR_NUMBER matches, in valid JSON text, a string (whose digits a scan must skip) or a number: a
 * scan of a text's numbers with their source, which a reviver would give only at the cost of a second tree.
 */
export const JSON_STRING_OR_NUMBER = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g

/**
 * findUnderflowingNumber returns the first number of a valid JSON text that is not zero as written but
 * reads as 0 as a double (`1e-400`), shortened for a message, or null. A number too large for a double
 * (`1e400`) reads as Infinity, which canonical JSON refuses; one too small is refused the same way, instead
 * of being stored as a 0 the client never sent. The text is scanned, not parsed again with a reviver: a
 * reviver that reads each value's source keeps a second tree of the document, which doubled the heap a body
 * costs (measured under a 128 MB heap: test/node/canonicalise-worst-case.ts).
 *
 * @example findUnderflowingNumber('{"n":1e-400}') // '1e-400'
 * @example findUnderflowingNumber('{"n":0e-400}') // null
 */
export function findUnderflowingNumber(text: string): string | null {
  if (!MAYBE_UNDERFLOW.test(text)) return null
  for (const [token] of text.matchAll(JSON_STRING_OR_NUMBER)) {
    if (token.startsWith('"')) continue
    const mantissa = token.split(/[eE]/)[0] ?? ''
    if (Number(token) === 0 && /[1-9]/.test(mantissa)) {
      return token.length > 40 ? `${token.slice(0, 37)}...` : token
    }
  }
  return null
}

/**
 * findDuplicateMemberName returns the first member name that an object in a valid JSON text repeats, or null.
 * Names are compared after unescaping, so "a" and "\u0061" are the same name. One linear pass.
 *
 * @example findDuplicateMemberName('{"a":1,"b":{"a":2}}') // null
 * @example findDuplicateMemberName('{"a":1,"\\u0061":2}') // 'a'
 */
export function findDuplicateMemberName(text: string): string | null {
  // One frame per open object or array; an object's frame holds the names seen so far.
  const frames: (Set<string> | null)[] = []
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (char === '{') frames.push(new Set())
    else if (char === '[') frames.push(null)
    else if (char === '}' || char === ']') frames.pop()
    else if (char === '"') {
      const start = index
      for (index++; index < text.length && text[index] !== '"'; index++) if (text[index] === '\\') index++
      const names = frames.at(-1)
      if (!names || !isFollowedByColon(text, index + 1)) continue
      const name = text.slice(start + 1, index).includes('\\')
        ? JSON.parse(text.slice(start, index + 1))
        : text.slice(start + 1, index)
      if (names.has(name)) return name
      names.add(name)
    }
  }
  return null
}

function isFollowedByColon(text: string, from: number): boolean {
  let index = from
  while (text[index] === ' ' || text[index] === '\t' || text[index] === '\n' || text[index] === '\r') index++
  return text[index] === ':'
}
