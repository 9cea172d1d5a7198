/**
 * The Idempotency-Key request field (draft-ietf-httpapi-idempotency-key-header): a key the client picks for one
 * logical request, so that a retry of a POST can be told from a new one. The draft makes it an sf-string
 * (RFC 8941 section 3.3.3), `"..."`; a bare token is accepted too, as clients (and Stripe's API) send it so.
 *
 * Pure: no framework.
 */

/** MAX_IDEMPOTENCY_KEY_LENGTH is the longest key accepted, in characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255

/** IdempotencyKey is the field as read: absent, a key (unescaped), or not a valid key. */
export type IdempotencyKey =
  | { readonly kind: 'absent' }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'invalid' }

// Visible ASCII but for what would make a bare value something else in a structured field (RFC 8941): ","
// (a list of keys, which is what two field lines joined make), ";" (parameters), and the quote and backslash of
// an sf-string.
const BARE_KEY = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/

// readSfString returns the content of an sf-string that is the whole of `text`, or null: printable ASCII,
// with `\` only before `"` or `\` (RFC 8941 section 4.2.5).
function readSfString(text: string): string | null {
  let content = ''
  for (let index = 1; index < text.length; index++) {
    const char = text[index] as string
    const code = char.charCodeAt(0)
    if (code < 0x20 || code > 0x7e) return null
    if (char === '"') return index === text.length - 1 ? content : null
    if (char === '\\') {
      const escaped = text[++index]
      if (escaped !== '"' && escaped !== '\\') return null
      content += escaped
    } else {
      content += char
    }
  }
  return null
}

/**
 * parseIdempotencyKey reads an Idempotency-Key field value: an sf-string or a bare token of visible ASCII other
 * than `,`, `;`, `"` and `\`, 1 to 255 characters either way. Both spellings of a key are the same key. Never
 * throws.
 *
 * @example parseIdempotencyKey('"8e03978e-40d5-43e8"') // { kind: 'key', key: '8e03978e-40d5-43e8' }
 * @example parseIdempotencyKey('order-17')             // { kind: 'key', key: 'order-17' }
 * @example parseIdempotencyKey('"unterminated')        // { kind: 'invalid' }
 */
export function parseIdempotencyKey(value: string | null): IdempotencyKey {
  if (value === null) return { kind: 'absent' }
  const text = value.replace(/^[ \t]+|[ \t]+$/g, '')
  const key = text.startsWith('"') ? readSfString(text) : BARE_KEY.test(text) ? text : null
  if (key === null || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) return { kind: 'invalid' }
  return { kind: 'key', key }
}
