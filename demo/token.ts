/**
 * The write token: typed in once, kept in this browser's localStorage, sent only as Authorization: Bearer on
 * writes. The page never ships with a token of its own.
 */

/** TOKEN_KEY is the localStorage key of the token. */
export const TOKEN_KEY = 'edge-etag-demo:token'

/**
 * loadToken returns the stored token, or undefined when none is stored (or storage is off).
 *
 * @example createClient({ token: loadToken() })
 */
export function loadToken(): string | undefined {
  try {
    return localStorage.getItem(TOKEN_KEY) || undefined
  } catch {
    return undefined
  }
}

/**
 * saveToken stores the token, or forgets it when empty.
 *
 * @example saveToken('dev-token-change-me')
 */
export function saveToken(token: string): void {
  try {
    if (token === '') localStorage.removeItem(TOKEN_KEY)
    else localStorage.setItem(TOKEN_KEY, token)
  } catch {
    // Storage off (a private window's policy): the token lasts as long as the page, which is enough to try.
  }
}
