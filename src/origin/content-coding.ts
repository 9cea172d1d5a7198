/**
 * Content codings between edge-etag and the origin. The worker fetches the origin's bytes as they come
 * (`encodeResponseBody: 'manual'`), so that what it does not hash is passed on as it came, never decoded and
 * coded again; what it hashes it decodes itself, as far as it reads. workerd's DecompressionStream takes gzip
 * (and deflate) but not br, so a read asks the origin for gzip or for no coding at all.
 *
 * Pure: standard Headers only.
 */

/** HashableCoding is a content coding whose bytes edge-etag decodes to hash them. */
export type HashableCoding = 'identity' | 'gzip'

/**
 * hashableCodingOf returns the coding of an origin answer when edge-etag can decode it (none, or gzip), else
 * null: then the body is passed on as it came, without our tag.
 *
 * @example hashableCodingOf(new Headers({ 'Content-Encoding': 'br' })) // null
 */
export function hashableCodingOf(headers: Headers): HashableCoding | null {
  const coding = (headers.get('Content-Encoding') ?? '').trim().toLowerCase()
  if (coding === '' || coding === 'identity') return 'identity'
  return coding === 'gzip' || coding === 'x-gzip' ? 'gzip' : null
}

// qualityOf returns the weight of one Accept-Encoding member (RFC 9110 section 12.4.2); 1 when it has none.
function qualityOf(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=').map((part) => part.trim())
    if (name?.toLowerCase() === 'q') return Number(value) || 0
  }
  return 1
}

/**
 * originAcceptEncoding returns the Accept-Encoding a read sends the origin for a client's: `gzip` when the
 * client takes gzip (RFC 9110 section 12.5.3: named, or `*`, with a weight above 0), since an answer passed
 * on as it came must be one the client can read; otherwise `identity`, as for a client that sent none.
 *
 * @example originAcceptEncoding('br, gzip;q=0.8') // 'gzip'
 * @example originAcceptEncoding(null) // 'identity'
 */
export function originAcceptEncoding(clientValue: string | null): 'gzip' | 'identity' {
  const weights = new Map<string, number>()
  for (const member of (clientValue ?? '').split(',')) {
    const [coding = '', ...parameters] = member.split(';')
    const name = coding.trim().toLowerCase()
    if (name !== '') weights.set(name === 'x-gzip' ? 'gzip' : name, qualityOf(parameters))
  }
  const gzip = weights.get('gzip') ?? weights.get('*') ?? 0
  return gzip > 0 ? 'gzip' : 'identity'
}
