/**
 * base64url, RFC 4648 section 5, without padding: the URL- and header-safe spelling of bytes.
 *
 * Pure: no framework.
 */

/**
 * encodeBase64url returns the unpadded base64url text of some bytes.
 *
 * @example encodeBase64url(new Uint8Array([251, 255])) // '-_8'
 */
export function encodeBase64url(bytes: Uint8Array): string {
  // The runtime's own encoder where there is one (workerd, current browsers): every page's tag and cursor
  // pass through here.
  return nativeEncode === undefined
    ? encodeBase64urlPortably(bytes)
    : nativeEncode.call(bytes, BASE64URL_OPTIONS)
}

/**
 * encodeBase64urlPortably is encodeBase64url for runtimes without Uint8Array.prototype.toBase64.
 *
 * @example encodeBase64urlPortably(new Uint8Array([251, 255])) // '-_8'
 */
export function encodeBase64urlPortably(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

// Uint8Array.prototype.toBase64 (TC39 "Uint8Array to/from base64"), where the runtime has it.
const nativeEncode = (Uint8Array.prototype as { toBase64?: (this: Uint8Array, options: object) => string })
  .toBase64
const BASE64URL_OPTIONS = { alphabet: 'base64url', omitPadding: true }

/**
 * decodeBase64url returns the bytes of unpadded base64url text, or null when the text is not that.
 *
 * @example decodeBase64url('-_8') // Uint8Array [251, 255]
 * @example decodeBase64url('a+b') // null
 */
export function decodeBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}
