/**
 * Entity tags, RFC 9110 section 8.8.3.
 *
 *   entity-tag = [ weak ] opaque-tag
 *   weak       = %s"W/"
 *   opaque-tag = DQUOTE *etagc DQUOTE
 *   etagc      = %x21 / %x23-7E / obs-text
 *
 * Pure: no framework, no storage. Parsers never throw; a malformed value is `invalid`.
 */

import { isOptionalWhitespace } from './field-value.ts'

/** EntityTag is one parsed tag; `opaque` keeps its quotes, exactly as it appears on the wire. */
export interface EntityTag {
  readonly weak: boolean
  readonly opaque: string
}

/** EntityTagCondition is an If-Match or If-None-Match field value: `*`, a list of tags, or malformed. */
export type EntityTagCondition =
  | { readonly kind: 'any' }
  | { readonly kind: 'list'; readonly tags: readonly EntityTag[] }
  | { readonly kind: 'invalid' }

const DQUOTE = 0x22
const COMMA = 0x2c

// etagc: any visible ASCII but DQUOTE, or obs-text. Runtimes hand header bytes >= 0x80 to JavaScript as
// Latin-1 (or, in some, decoded UTF-8), so every code unit >= 0x80 counts as obs-text.
function isEtagChar(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x7e) || code >= 0x80
}

function skipOptionalWhitespace(value: string, from: number): number {
  let index = from
  while (index < value.length && isOptionalWhitespace(value.charCodeAt(index))) index++
  return index
}

/**
 * scanEntityTag reads one entity-tag starting at `from` and returns it with the index just past it,
 * or null when no well-formed tag starts there.
 */
function scanEntityTag(value: string, from: number): { tag: EntityTag; end: number } | null {
  let index = from
  const weak = value.startsWith('W/', index)
  if (weak) index += 2
  if (value.charCodeAt(index) !== DQUOTE) return null
  const opening = index
  index++
  while (index < value.length && isEtagChar(value.charCodeAt(index))) index++
  if (value.charCodeAt(index) !== DQUOTE) return null
  return { tag: { weak, opaque: value.slice(opening, index + 1) }, end: index + 1 }
}

/**
 * parseEntityTag parses a single entity-tag, such as an ETag field value; it returns null when malformed.
 *
 * @example parseEntityTag('W/"xyzzy"') // { weak: true, opaque: '"xyzzy"' }
 */
export function parseEntityTag(value: string): EntityTag | null {
  const start = skipOptionalWhitespace(value, 0)
  const scanned = scanEntityTag(value, start)
  if (!scanned || skipOptionalWhitespace(value, scanned.end) !== value.length) return null
  return scanned.tag
}

/**
 * parseEntityTagCondition parses an If-Match or If-None-Match field value (RFC 9110 sections 13.1.1 and
 * 13.1.2): `"*" / #entity-tag`. The list rule (section 5.6.1) allows empty elements and optional whitespace
 * around commas; commas inside a quoted tag belong to the tag. Linear in the length of the value.
 *
 * @example parseEntityTagCondition('"a", W/"b,c"') // { kind: 'list', tags: [{weak: false, opaque: '"a"'}, ...] }
 * @example parseEntityTagCondition('*')            // { kind: 'any' }
 * @example parseEntityTagCondition('"unterminated') // { kind: 'invalid' }
 */
export function parseEntityTagCondition(value: string): EntityTagCondition {
  const start = skipOptionalWhitespace(value, 0)
  if (value.charCodeAt(start) === 0x2a /* "*" */) {
    return skipOptionalWhitespace(value, start + 1) === value.length ? { kind: 'any' } : { kind: 'invalid' }
  }
  const tags: EntityTag[] = []
  let index = start
  while (index < value.length) {
    if (value.charCodeAt(index) === COMMA) {
      index = skipOptionalWhitespace(value, index + 1)
      continue
    }
    const scanned = scanEntityTag(value, index)
    if (!scanned) return { kind: 'invalid' }
    tags.push(scanned.tag)
    index = skipOptionalWhitespace(value, scanned.end)
    // After a tag, only a comma or the end of the value may follow.
    if (index < value.length && value.charCodeAt(index) !== COMMA) return { kind: 'invalid' }
  }
  return { kind: 'list', tags }
}

/**
 * strongMatch reports whether two entity tags are equal by strong comparison, RFC 9110 section 8.8.3.2:
 * neither is weak and their opaque-tags are identical character by character.
 *
 * @example strongMatch({ weak: false, opaque: '"1"' }, { weak: false, opaque: '"1"' }) // true
 * @example strongMatch({ weak: true, opaque: '"1"' }, { weak: false, opaque: '"1"' })  // false
 */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque
}

/**
 * weakMatch reports whether two entity tags are equal by weak comparison, RFC 9110 section 8.8.3.2:
 * their opaque-tags are identical, whether either or both are tagged weak.
 *
 * @example weakMatch({ weak: true, opaque: '"1"' }, { weak: false, opaque: '"1"' }) // true
 */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque
}

/**
 * formatEntityTag renders a tag for an ETag field.
 *
 * @example formatEntityTag({ weak: true, opaque: '"v1"' }) // 'W/"v1"'
 */
export function formatEntityTag(tag: EntityTag): string {
  return tag.weak ? `W/${tag.opaque}` : tag.opaque
}
