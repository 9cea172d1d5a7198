/**
 * JSON request bodies: UTF-8 text (RFC 8259 section 8.1) holding one JSON value.
 *
 * Pure: no framework.
 */

import { HttpError } from './problem.ts'

/**
 * parseJsonBody decodes a body as UTF-8 and parses it as JSON, throwing HttpError 400 with the reason when it
 * is not valid UTF-8 or not valid JSON. A leading byte order mark is ignored, as RFC 8259 allows.
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
  try {
    return JSON.parse(text)
  } catch (error) {
    const reason = error instanceof SyntaxError ? `: ${error.message}` : ''
    throw new HttpError(400, `The request body is not valid JSON${reason}`)
  }
}
