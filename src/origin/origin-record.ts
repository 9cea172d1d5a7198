/**
 * What edge-etag remembers about an origin's URL, in KV, so that every edge answers with one ETag and can
 * revalidate with the origin without downloading the body: per variant (the values of the request fields the
 * origin's Vary names), our strong ETag, when we first saw those bytes (our Last-Modified), and the ETags the
 * origin's replicas gave them, which a revalidation sends back in If-None-Match so that whichever replica
 * answers finds its own tag there.
 *
 * Nothing here is needed for correctness: our tag is a hash of what the origin sends, so a record that is lost
 * or stale costs one full download, never a wrong 304. Pure: no framework, no storage.
 */

import { parseEntityTag } from '../http/entity-tag.ts'
import { formatHttpDate, parseHttpDate } from '../http/http-date.ts'
import type { Validators } from '../http/preconditions.ts'

/** MAX_ORIGIN_TAGS bounds the origin ETags kept per variant: one per replica, for fleets of this size. */
export const MAX_ORIGIN_TAGS = 16
/** MAX_VARIANTS bounds the variants kept per URL (the oldest recorded goes first). */
export const MAX_VARIANTS = 16
/**
 * UNKEYED_VARY are Vary fields that do not choose our bytes: edge-etag decodes gzip itself, so a gzip and an
 * identity answer of the origin are the same representation here; an answer in any other coding (br) passes
 * as it came, untagged, and is never recorded (./content-coding.ts).
 */
export const UNKEYED_VARY: readonly string[] = ['accept-encoding']

/** VariantValidators are the validators of one variant of a URL. */
export interface VariantValidators {
  /** Our strong ETag: the SHA-256 of the bytes we serve. */
  readonly etag: string
  /**
   * When these bytes were first seen, as an IMF-fixdate: our Last-Modified; null when they were first seen
   * within the second of the bytes before them (two versions must not share a date, nor may one lie ahead).
   */
  readonly lastModified: string | null
  /** The origin's Content-Type, which an origin 304 does not repeat (needed for a HEAD). */
  readonly contentType: string | null
  /** Length of the bytes we serve, for the request log's bytes saved. */
  readonly size: number
  /**
   * Strong ETags the origin gave these bytes, newest first: each replica's own. Weak ones are not kept: an
   * origin's 304 to a weak tag vouches for equivalent content, not for the identical bytes our tag names.
   */
  readonly originTags: readonly string[]
}

/** OriginRecord is what KV holds for one URL. */
export interface OriginRecord {
  /** The request fields the origin varies on, lower-cased and sorted, less UNKEYED_VARY. */
  readonly vary: readonly string[]
  /** Validators by variant key (see variantKeyOf), in the order they were recorded. */
  readonly variants: Readonly<Record<string, VariantValidators>>
}

/** OriginRecords is where records live; src/store/kv-origin-records.ts keeps them in KV. */
export interface OriginRecords {
  /** get returns the record of a URL, or null; throws StorageUnavailableError when KV fails. */
  get(url: string): Promise<OriginRecord | null>
  /** put replaces the record of a URL; throws StorageUnavailableError when KV fails. */
  put(url: string, record: OriginRecord): Promise<void>
}

/** Seen is one 200 from the origin, as edge-etag served it. */
export interface Seen {
  /** The Vary of the response, parsed (a `*` response is never recorded). */
  readonly vary: readonly string[]
  readonly headers: Headers
  readonly etag: string
  readonly contentType: string | null
  readonly size: number
  /** The origin's own ETag, if it sent one. */
  readonly originTag: string | null
}

/**
 * keyedVary returns the Vary fields that choose a variant: `vary` less UNKEYED_VARY.
 *
 * @example keyedVary(['accept-encoding', 'accept-language']) // ['accept-language']
 */
export function keyedVary(vary: readonly string[]): string[] {
  return vary.filter((name) => !UNKEYED_VARY.includes(name))
}

/**
 * variantKeyOf returns the key of the variant a request selects: the values of the `vary` fields it carries.
 *
 * @example variantKeyOf(['accept-language'], new Headers({ 'Accept-Language': 'fr' })) // 'accept-language:fr'
 */
export function variantKeyOf(vary: readonly string[], headers: Headers): string {
  return vary.map((name) => `${name}:${headers.get(name) ?? ''}`).join('\n')
}

/**
 * knownVariant returns the validators a record holds for the variant a request selects, or null.
 *
 * @example knownVariant(record, request.headers)?.etag
 */
export function knownVariant(record: OriginRecord | null, headers: Headers): VariantValidators | null {
  if (record === null) return null
  return record.variants[variantKeyOf(record.vary, headers)] ?? null
}

/**
 * validatorsOf returns a variant's validators as the precondition evaluator takes them.
 *
 * @example evaluatePreconditions('GET', conditions, validatorsOf(variant))
 */
export function validatorsOf(variant: VariantValidators): Validators {
  return variant.lastModified === null
    ? { etag: variant.etag }
    : { etag: variant.etag, lastModified: variant.lastModified }
}

/**
 * strongOriginTags returns the origin's strong tags among `tags`: the only ones an If-Match can use (RFC 9110
 * section 13.1.1 compares strongly).
 *
 * @example strongOriginTags(['W/"a"', '"b"']) // ['"b"']
 */
export function strongOriginTags(tags: readonly string[]): string[] {
  return tags.filter((tag) => parseEntityTag(tag)?.weak === false)
}

/**
 * recordSeen returns the record updated with a 200 the origin sent at `nowSeconds`, and whether anything
 * changed (so KV is written only then). New bytes get a Last-Modified of now, or none when now is not past the
 * previous bytes' (so two versions never share a date); the same bytes keep theirs and learn the replica's tag.
 *
 * @example const { record, changed } = recordSeen(null, seen, Date.now() / 1000)
 */
export function recordSeen(
  previous: OriginRecord | null,
  seen: Seen,
  nowSeconds: number,
): { record: OriginRecord; changed: boolean } {
  const vary = keyedVary(seen.vary)
  const sameVary = previous !== null && previous.vary.join() === vary.join()
  const variants = sameVary ? { ...previous.variants } : {}
  const key = variantKeyOf(vary, seen.headers)
  const known = variants[key]
  const originTag =
    seen.originTag !== null && strongOriginTags([seen.originTag]).length === 1 ? seen.originTag : null
  if (known?.etag === seen.etag) {
    const learned = originTag !== null && !known.originTags.includes(originTag)
    const retyped = known.contentType !== seen.contentType
    // A known variant means the record's Vary is the response's.
    if (!learned && !retyped) return { record: previous as OriginRecord, changed: false }
    const originTags = learned ? [originTag, ...known.originTags] : known.originTags
    variants[key] = {
      ...known,
      contentType: seen.contentType,
      originTags: originTags.slice(0, MAX_ORIGIN_TAGS),
    }
    return { record: { vary, variants }, changed: true }
  }
  const previousSeconds = known?.lastModified == null ? null : parseHttpDate(known.lastModified)
  const seconds = Math.floor(nowSeconds)
  delete variants[key]
  variants[key] = {
    etag: seen.etag,
    // Not moved ahead of now (RFC 9110 section 8.8.2.1), nor shared with the previous bytes: none then.
    lastModified:
      known === undefined || previousSeconds === null || seconds > previousSeconds
        ? formatHttpDate(seconds)
        : null,
    contentType: seen.contentType,
    size: seen.size,
    originTags: originTag === null ? [] : [originTag],
  }
  const keys = Object.keys(variants)
  for (const oldest of keys.slice(0, Math.max(0, keys.length - MAX_VARIANTS))) delete variants[oldest]
  return { record: { vary, variants }, changed: true }
}

function isVariant(value: unknown): value is VariantValidators {
  if (typeof value !== 'object' || value === null) return false
  const { etag, lastModified, contentType, size, originTags } = value as Record<string, unknown>
  return (
    typeof etag === 'string' &&
    (lastModified === null || typeof lastModified === 'string') &&
    (contentType === null || typeof contentType === 'string') &&
    typeof size === 'number' &&
    Array.isArray(originTags) &&
    originTags.every((tag) => typeof tag === 'string')
  )
}

/**
 * parseOriginRecord returns a stored record, or null when the value is not one (written by another version,
 * say): a missing record only costs a download.
 *
 * @example parseOriginRecord(JSON.parse(text))
 */
export function parseOriginRecord(value: unknown): OriginRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const { vary, variants } = value as Record<string, unknown>
  if (!Array.isArray(vary) || !vary.every((name) => typeof name === 'string')) return null
  if (typeof variants !== 'object' || variants === null) return null
  if (!Object.values(variants).every(isVariant)) return null
  return { vary, variants: variants as Record<string, VariantValidators> }
}
