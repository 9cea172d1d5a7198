/**
 * What edge-etag serves for an origin's 200: the bytes its strong ETag is computed over. For JSON, the
 * canonical bytes (RFC 8785), so replicas that differ only in key order or whitespace yield one tag; a strong
 * tag promises identical bytes (RFC 9110 section 8.8.1), so the canonical bytes are also what is sent. Anything
 * else, and JSON over MAX_CANONICAL_BYTES, is hashed and sent exactly as the origin sent it.
 *
 * Pure: no framework, no storage.
 */

import { CanonicalJsonError, canonicalJson } from '../http/canonical-json.ts'
import { contentETag } from '../http/content-etag.ts'
import { findDuplicateMemberName, JSON_STRING_OR_NUMBER } from '../http/json-body.ts'
import { isJsonFamilyType } from '../http/media-type.ts'

/** OriginRepresentation is the body to send and its strong ETag; `canonical` when it was re-serialised. */
export interface OriginRepresentation {
  readonly bytes: Uint8Array
  readonly etag: string
  readonly canonical: boolean
}

/**
 * MAX_CANONICAL_BYTES is the largest JSON body canonicalised; a larger one is hashed and sent byte for byte.
 * Parsing costs heap far beyond the text's size: measured in Node 24 under --max-old-space-size=128
 * (test/node/origin-memory.test.ts), 1 MiB of the worst shape (a JSON array of empty objects) peaks at about
 * 77 MB of V8 heap, 2 MiB at about 142 MB, and 4 MiB runs out; a Workers isolate has 128 MB, shared by the
 * requests it serves at once.
 */
export const MAX_CANONICAL_BYTES = 1_048_576

// A number with 15 significant digits or fewer always survives a double; one written with more may not (a
// 64-bit id, a decimal beyond a double's precision), nor may one with an exponent (1e-400 is 0 as a double).
// Only a body with a run of 16 digits and dots, or a digit before an e, can hold one, and only such a body is
// scanned number by number.
const MAYBE_INEXACT_NUMBER = /[\d.]{16}|\d[eE]/

// decimalOf writes a JSON number as sign, significant digits and exponent, so equal values compare equal
// however they are spelled ("1.50e1" and "15").
function decimalOf(number: string): string | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(number)
  if (match === null) return null
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match
  const digits = `${whole}${fraction}`.replace(/^0+/, '')
  if (digits === '') return '0'
  const significant = digits.replace(/0+$/, '')
  const scale = Number(exponent) - fraction.length + (digits.length - significant.length)
  return `${sign}${significant}e${scale}`
}

// hasInexactNumber reports whether valid JSON text holds a number that does not survive as a double. It scans
// the text rather than parsing it with a reviver: a reviver that reads each value's source keeps a second tree
// of the whole document, which doubled the heap a body costs.
function hasInexactNumber(text: string): boolean {
  if (!MAYBE_INEXACT_NUMBER.test(text)) return false
  for (const [token] of text.matchAll(JSON_STRING_OR_NUMBER)) {
    if (token.startsWith('"') || (token.length < 16 && !/[eE]/.test(token))) continue
    if (decimalOf(token) !== decimalOf(String(Number(token)))) return true
  }
  return false
}

/**
 * canonicalText returns the RFC 8785 text of a JSON body, or null when re-serialising could change what it
 * says: invalid JSON, a repeated member name (parsing keeps only one), a number a double cannot hold exactly,
 * nesting deeper than canonical JSON allows.
 *
 * @example canonicalText('{ "b": 1, "a": [1.0] }') // '{"a":[1],"b":1}'
 * @example canonicalText('{"id": 12345678901234567890}') // null
 */
export function canonicalText(text: string): string | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (hasInexactNumber(text) || findDuplicateMemberName(text) !== null) return null
  try {
    return canonicalJson(value)
  } catch (error) {
    if (error instanceof CanonicalJsonError) return null
    throw error
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const encoder = new TextEncoder()

/**
 * originRepresentation returns what to send for an origin's 200 body of type `contentType`, with its ETag.
 *
 * @example (await originRepresentation(bytesOf('{ "a" : 1 }'), 'application/json')).etag // tag of '{"a":1}'
 */
export async function originRepresentation(
  bytes: Uint8Array,
  contentType: string | null,
): Promise<OriginRepresentation> {
  if (isJsonFamilyType(contentType) && bytes.byteLength <= MAX_CANONICAL_BYTES) {
    let text: string | null = null
    try {
      text = canonicalText(decoder.decode(bytes))
    } catch {
      // Not UTF-8: not JSON text (RFC 8259 section 8.1), so it is kept as it is.
    }
    if (text !== null) {
      const canonical = encoder.encode(text)
      return { bytes: canonical, etag: await contentETag(canonical), canonical: true }
    }
  }
  return { bytes, etag: await contentETag(bytes), canonical: false }
}
