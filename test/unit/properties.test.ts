import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/http/canonical-json.ts'
import { contentETag } from '../../src/http/content-etag.ts'
import { type EntityTag, parseEntityTag, parseEntityTagCondition } from '../../src/http/entity-tag.ts'
import { formatHttpDate, parseHttpDate } from '../../src/http/http-date.ts'
import { isJsonContentType } from '../../src/http/media-type.ts'
import {
  type ConditionalHeaders,
  evaluatePreconditions,
  type Validators,
} from '../../src/http/preconditions.ts'

const RUNS = { numRuns: 300 }

// Strings of every kind: full Unicode, raw Latin-1 bytes with control characters, and ones dense in the
// characters that field-value parsers care about.
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'binary-ascii', maxLength: 64 }),
  fc.string({
    unit: fc.constantFrom(
      '"',
      'W',
      'w',
      '/',
      ',',
      ' ',
      '\t',
      '*',
      'a',
      '0',
      ':',
      '-',
      '\u0080',
      '\u00ff',
      '\n',
    ),
    maxLength: 64,
  }),
)

// etagc, RFC 9110 section 8.8.3: %x21 / %x23-7E / obs-text.
const etagChar = fc.oneof(
  fc.constant('!'),
  fc.integer({ min: 0x23, max: 0x7e }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)),
)
const entityTag = fc.record({
  weak: fc.boolean(),
  opaque: fc.string({ unit: etagChar, maxLength: 12 }).map((body) => `"${body}"`),
})
const ows = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 })
// Section 5.6.1: list elements are separated by at least one comma, with OWS and empty elements around it.
const separator = fc
  .tuple(ows, fc.string({ unit: fc.constantFrom(' ', '\t', ','), maxLength: 4 }))
  .map(([before, after]) => `${before},${after}`)
const edge = fc.string({ unit: fc.constantFrom(' ', '\t', ','), maxLength: 4 })

const METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'PATCH'] as const

// HTTP-date pieces, written by the test itself rather than by the module under test.
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (value: number, width = 2): string => String(value).padStart(width, '0')
const FIRST_SECOND_OF_1970 = 0
const LAST_SECOND_OF_9999 = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000

function threeForms(seconds: number): { imf: string; rfc850: string; asctime: string } {
  const date = new Date(seconds * 1000)
  const day = date.getUTCDate()
  const month = MONTHS[date.getUTCMonth()] ?? ''
  const year = date.getUTCFullYear()
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  return {
    imf: `${DAYS[date.getUTCDay()]}, ${pad(day)} ${month} ${pad(year, 4)} ${time} GMT`,
    rfc850: `${LONG_DAYS[date.getUTCDay()]}, ${pad(day)}-${month}-${pad(year % 100)} ${time} GMT`,
    asctime: `${DAYS[date.getUTCDay()]} ${month} ${String(day).padStart(2, ' ')} ${time} ${pad(year, 4)}`,
  }
}

// A copy of a JSON value with every object's members inserted in an order drawn from `random`.
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random))
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value)
  for (let index = entries.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1))
    ;[entries[index], entries[other]] = [
      entries[other] as [string, unknown],
      entries[index] as [string, unknown],
    ]
  }
  // Object.fromEntries defines own properties, so a "__proto__" member stays a member.
  return Object.fromEntries(entries.map(([name, member]) => [name, shuffleKeys(member, random)]))
}

// A small deterministic generator, so that a failing shuffle can be replayed from its seed.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

// JSON has no -0: JSON.parse of the canonical text gives 0 where the original had -0.
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0
  if (Array.isArray(value)) return value.map(withoutNegativeZero)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([name, member]) => [name, withoutNegativeZero(member)]),
  )
}

describe('entity-tag parsing', () => {
  it('never throws, and says any, list or invalid', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const condition = parseEntityTagCondition(value)
        expect(['any', 'list', 'invalid']).toContain(condition.kind)
        if (condition.kind === 'list') {
          for (const tag of condition.tags) expect(tag.opaque).toMatch(/^"[^"]*"$/)
        }
        const single = parseEntityTag(value)
        if (single !== null) expect(single.opaque).toMatch(/^"[^"]*"$/)
      }),
      RUNS,
    )
  })

  it('reads back any list of valid tags, whatever the commas and OWS around them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(entityTag, separator), { maxLength: 8 }),
        edge,
        edge,
        (elements, leading, trailing) => {
          const tags: EntityTag[] = elements.map(([tag]) => tag)
          const value =
            leading +
            elements
              .map(
                ([tag, after], index) =>
                  (tag.weak ? 'W/' : '') + tag.opaque + (index < elements.length - 1 ? after : ''),
              )
              .join('') +
            trailing
          expect(parseEntityTagCondition(value)).toEqual({ kind: 'list', tags })
        },
      ),
      RUNS,
    )
  })

  it('rejects any two valid tags with no comma between them', () => {
    fc.assert(
      fc.property(entityTag, ows, entityTag, (first, between, second) => {
        const value = `${first.weak ? 'W/' : ''}${first.opaque}${between}${second.weak ? 'W/' : ''}${second.opaque}`
        expect(parseEntityTagCondition(value)).toEqual({ kind: 'invalid' })
      }),
      RUNS,
    )
  })

  it('reads back any single valid tag', () => {
    fc.assert(
      fc.property(entityTag, ows, ows, (tag, before, after) => {
        expect(parseEntityTag(`${before}${tag.weak ? 'W/' : ''}${tag.opaque}${after}`)).toEqual(tag)
      }),
      RUNS,
    )
  })
})

describe('HTTP-date parsing', () => {
  it('never throws, and gives null or a whole number of seconds', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const parsed = parseHttpDate(value)
        if (parsed !== null) expect(Number.isInteger(parsed)).toBe(true)
      }),
      RUNS,
    )
  })

  it('round-trips formatHttpDate for any whole second from 1970 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST_SECOND_OF_1970, max: LAST_SECOND_OF_9999 }), (seconds) => {
        const text = formatHttpDate(seconds)
        expect(text).toBe(threeForms(seconds).imf)
        expect(parseHttpDate(text)).toBe(seconds)
      }),
      RUNS,
    )
  })

  it('reads the same instant from all three forms', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST_SECOND_OF_1970, max: LAST_SECOND_OF_9999 }), (seconds) => {
        const { imf, rfc850, asctime } = threeForms(seconds)
        expect(parseHttpDate(imf)).toBe(seconds)
        expect(parseHttpDate(asctime)).toBe(seconds)
        // Seen from the same year, a two-digit year names that year.
        expect(parseHttpDate(rfc850, seconds)).toBe(seconds)
      }),
      RUNS,
    )
  })
})

describe('media-type check', () => {
  it('never throws', () => {
    fc.assert(
      fc.property(fc.option(anyString), (value) => {
        expect(typeof isJsonContentType(value)).toBe('boolean')
      }),
      RUNS,
    )
  })

  it('accepts application/json in any letter case', () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.constant('application/json; charset=utf-8')), (value) => {
        expect(isJsonContentType(value)).toBe(true)
      }),
      RUNS,
    )
  })
})

describe('evaluatePreconditions', () => {
  const maybeField = fc.option(fc.oneof(anyString, fc.constantFrom('"abc"', 'W/"abc"', '*')), { nil: null })
  const headers: fc.Arbitrary<ConditionalHeaders> = fc.record({
    ifMatch: maybeField,
    ifNoneMatch: maybeField,
    ifModifiedSince: fc.option(fc.oneof(anyString, fc.constant('Sun, 06 Nov 1994 08:49:37 GMT')), {
      nil: null,
    }),
    ifUnmodifiedSince: fc.option(fc.oneof(anyString, fc.constant('Sun, 06 Nov 1994 08:49:37 GMT')), {
      nil: null,
    }),
  })
  const current: fc.Arbitrary<Validators | null> = fc.option(
    fc.record({
      etag: fc.oneof(fc.constant('"abc"'), anyString),
      lastModified: fc.option(fc.oneof(fc.constant('Sun, 06 Nov 1994 08:49:37 GMT'), anyString), {
        nil: undefined,
      }),
    }),
    { nil: null },
  )

  it('never throws, and follows the rules of RFC 9110 section 13.2.2 whatever the fields hold', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...METHODS),
        headers,
        current,
        fc.boolean(),
        (method, fields, validators, weakIfMatch) => {
          const outcome = evaluatePreconditions(method, fields, validators, { weakIfMatch })
          const read = method === 'GET' || method === 'HEAD'
          switch (outcome.action) {
            case 'proceed':
              break
            case 'not-modified':
              // A 304 answers only GET and HEAD, and only on a cache validator that was sent.
              expect(read).toBe(true)
              if (outcome.field === 'If-Modified-Since') {
                expect(fields.ifNoneMatch).toBeNull()
                expect(fields.ifModifiedSince).not.toBeNull()
              } else {
                expect(fields.ifNoneMatch).not.toBeNull()
              }
              break
            case 'precondition-failed':
              if (outcome.field === 'If-Match') expect(fields.ifMatch).not.toBeNull()
              if (outcome.field === 'If-Unmodified-Since') {
                expect(fields.ifMatch).toBeNull()
                expect(fields.ifUnmodifiedSince).not.toBeNull()
              }
              if (outcome.field === 'If-None-Match') {
                expect(fields.ifNoneMatch).not.toBeNull()
                expect(read).toBe(false)
              }
              break
            default:
              throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`)
          }
        },
      ),
      RUNS,
    )
  })

  it('proceeds whenever no precondition field is sent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...METHODS), current, (method, validators) => {
        const none = { ifMatch: null, ifNoneMatch: null, ifModifiedSince: null, ifUnmodifiedSince: null }
        expect(evaluatePreconditions(method, none, validators)).toEqual({ action: 'proceed' })
      }),
      RUNS,
    )
  })
})

describe('canonicalJson', () => {
  const json = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 })

  it('writes the same text whatever order the members were inserted in', () => {
    fc.assert(
      fc.property(json, fc.integer(), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seededRandom(seed)))).toBe(canonicalJson(value))
      }),
      RUNS,
    )
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value)
        expect(canonicalJson(JSON.parse(text))).toBe(text)
      }),
      RUNS,
    )
  })

  it('parses back to a value deep-equal to the original, with -0 read as 0', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(withoutNegativeZero(value))
      }),
      RUNS,
    )
  })

  it('writes any finite number as text that reads back as the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = canonicalJson(value)
        expect(text).toMatch(/^-?(0|[1-9]\d*)(\.\d+)?(e[+-]\d+)?$/)
        expect(Number(text)).toBe(Object.is(value, -0) ? 0 : value)
      }),
      RUNS,
    )
  })
})

describe('contentETag', () => {
  it('gives every body a strong tag, and different bodies different tags', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        fc.uint8Array({ maxLength: 512 }),
        async (left, right) => {
          const [a, b] = await Promise.all([contentETag(left), contentETag(right)])
          expect(a).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
          const same = left.length === right.length && left.every((byte, index) => byte === right[index])
          expect(a === b).toBe(same)
        },
      ),
      { numRuns: 200 },
    )
  })
})
