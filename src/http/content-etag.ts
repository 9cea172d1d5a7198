/**
 * Content-derived strong entity tags: the SHA-256 of the exact bytes of a representation.
 *
 * Pure: Web Crypto only, so it runs the same in Workers, Node and browsers.
 */

import { encodeBase64url } from './base64url.ts'

/**
 * contentETag returns the strong ETag of a body: `"` + base64url(SHA-256(bytes)) without padding + `"`.
 * The digest covers the whole buffer in one call, whatever its size, so that equal bytes give equal tags at
 * every edge, and a tag is strong because it changes whenever any byte does (RFC 9110 section 8.8.3).
 *
 * @example await contentETag(new TextEncoder().encode('{}')) // '"RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o"'
 */
export async function contentETag(bytes: Uint8Array): Promise<string> {
  return `"${await sha256Base64url(bytes)}"`
}

const encoder = new TextEncoder()

/**
 * sha256Base64url returns the SHA-256 of bytes (or of a string's UTF-8), base64url without padding: the
 * digest behind content tags, and behind the keys and checks that name a value by it.
 *
 * @example await sha256Base64url('{}') // 'RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o'
 */
export async function sha256Base64url(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  // Web Crypto takes any byte view; the cast only bridges the Workers and Node.js type definitions.
  return encodeBase64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)),
  )
}
