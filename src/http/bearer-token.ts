/**
 * Bearer credentials, RFC 6750 section 2.1: `Authorization: Bearer <token>`, compared in constant time.
 *
 * Pure: Web Crypto only.
 */

// token68 (RFC 9110 section 11.2), the syntax of a bearer token (RFC 6750 section 2.1).
const TOKEN68_CHARACTERS = '[A-Za-z0-9\\-._~+/]+=*'
const TOKEN68 = new RegExp(`^${TOKEN68_CHARACTERS}$`)
const BEARER = new RegExp(`^Bearer +(${TOKEN68_CHARACTERS}) *$`, 'i')

/**
 * isToken68 reports whether a string can be sent as a bearer token at all: a token with any other character
 * could never be presented, so a server configured with one refuses every write.
 *
 * @example isToken68('dev-token-change-me') // true
 * @example isToken68('my token!')           // false
 */
export function isToken68(value: string): boolean {
  return TOKEN68.test(value)
}

/**
 * readBearerToken returns the token of an `Authorization: Bearer <token>` field value, or null when the
 * field is absent or uses another scheme. The scheme name is case-insensitive (RFC 9110 section 11.1).
 *
 * @example readBearerToken('Bearer abc123') // 'abc123'
 */
export function readBearerToken(authorization: string | null): string | null {
  const match = BEARER.exec(authorization ?? '')
  return match?.[1] ?? null
}

/**
 * tokensEqual compares a presented token with the expected one in time that depends on neither: both are
 * hashed first, so their lengths leak nothing, and the digests are compared without an early exit.
 *
 * @example await tokensEqual('abc', 'abc') // true
 */
export async function tokensEqual(presented: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder()
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(presented)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ])
  const left = new Uint8Array(a)
  const right = new Uint8Array(b)
  let difference = 0
  for (let index = 0; index < left.length; index++) difference |= (left[index] ?? 0) ^ (right[index] ?? 0)
  return difference === 0
}
