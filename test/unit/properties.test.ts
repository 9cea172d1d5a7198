import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/http/canonical-json.ts'
import { contentETag } from '../../src/http/content-etag.ts'
import {
  type EntityTag,
  type EntityTagCondition,
  parseEntityTag,
  parseEntityTagCondition,
} from '../../src/http/entity-tag.ts'
import { formatHttpDate, parseHttpDate } from '../../src/http/http-date.ts'
import { isJsonContentType } from '../../src/http/media-type.ts'
import {
  type ConditionalHeaders,
  evaluatePreconditions,
  type PreconditionOptions,
  type PreconditionOutcome,
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

// One-character edits of valid input: near-valid values, most of them invalid in one place only.
const MUTATION_CHARACTERS = [...'"W/,* \t09:-GMTSunJaxZ', '\n', '\u00ff']
const mutated = (texts: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(
      texts,
      fc.nat(),
      fc.constantFrom('replace', 'delete', 'insert'),
      fc.constantFrom(...MUTATION_CHARACTERS),
    )
    .map(([text, at, edit, character]) => {
      const index = at % (text.length + 1)
      const rest = edit === 'insert' ? text.slice(index) : text.slice(index + 1)
      return text.slice(0, index) + (edit === 'delete' ? '' : character) + rest
    })

/** writeTagList writes tags as an If-Match or If-None-Match value, with the separators and edges given. */
function writeTagList(
  elements: readonly (readonly [EntityTag, string])[],
  leading: string,
  trailing: string,
) {
  const written = elements.map(
    ([tag, after], index) => (tag.weak ? 'W/' : '') + tag.opaque + (index < elements.length - 1 ? after : ''),
  )
  return leading + written.join('') + trailing
}

const tagListOf = (tags: fc.Arbitrary<EntityTag>): fc.Arbitrary<string> =>
  fc
    .tuple(fc.array(fc.tuple(tags, separator), { minLength: 1, maxLength: 6 }), edge, edge)
    .map(([elements, leading, trailing]) => writeTagList(elements, leading, trailing))
const star = fc.tuple(ows, ows).map(([before, after]) => `${before}*${after}`)
// If-Match and If-None-Match values: valid lists, `*`, lists with one character changed, and anything.
const tagField = (tags: fc.Arbitrary<EntityTag>): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: tagListOf(tags), weight: 4 },
    { arbitrary: star, weight: 1 },
    { arbitrary: mutated(tagListOf(tags)), weight: 3 },
    { arbitrary: anyString, weight: 2 },
  )

// The test's own reading of RFC 9110 sections 8.8.3 and 5.6.1, written as one regular expression: OWS, then
// elements that are each an optional entity-tag and a comma, then an optional last entity-tag. Each run of
// OWS can be matched one way only, so the expression never backtracks far.
const MODEL_TAG = String.raw`(?:W/)?"[\x21\x23-\x7e\x80-\uffff]*"`
const MODEL_TAG_LIST = new RegExp(
  String.raw`^[ \t]*(?:(?:${MODEL_TAG}[ \t]*)?,[ \t]*)*(?:${MODEL_TAG}[ \t]*)?$`,
)
const MODEL_SINGLE_TAG = new RegExp(String.raw`^[ \t]*(${MODEL_TAG})[ \t]*$`)

/** modelTags returns the tags of a value already known to be a valid list, in order. */
function modelTags(value: string): EntityTag[] {
  return Array.from(value.matchAll(/(W\/)?("[^"]*")/g), (match) => ({
    weak: match[1] !== undefined,
    opaque: match[2] ?? '',
  }))
}

/** modelTagCondition is the test's own parse of an If-Match or If-None-Match value. */
function modelTagCondition(value: string): EntityTagCondition {
  if (/^[ \t]*\*[ \t]*$/.test(value)) return { kind: 'any' }
  return MODEL_TAG_LIST.test(value) ? { kind: 'list', tags: modelTags(value) } : { kind: 'invalid' }
}

/** modelSingleTag is the test's own parse of one entity-tag, or null. */
function modelSingleTag(value: string): EntityTag | null {
  const single = MODEL_SINGLE_TAG.exec(value)?.[1]
  return single === undefined ? null : (modelTags(single)[0] ?? null)
}

// The test's own reading of RFC 9110 section 5.6.7: each form's shape, with the names spelled out.
const MODEL_DATE_FORMS = [
  new RegExp(
    `^(?:${DAYS.join('|')}), (?<day>\\d\\d) (?<month>${MONTHS.join('|')}) (?<year>\\d{4}) (?<time>\\d\\d:\\d\\d:\\d\\d) GMT$`,
  ),
  new RegExp(
    `^(?:${LONG_DAYS.join('|')}), (?<day>\\d\\d)-(?<month>${MONTHS.join('|')})-(?<year>\\d\\d) (?<time>\\d\\d:\\d\\d:\\d\\d) GMT$`,
  ),
  new RegExp(
    `^(?:${DAYS.join('|')}) (?<month>${MONTHS.join('|')}) (?<day> \\d|\\d\\d) (?<time>\\d\\d:\\d\\d:\\d\\d) (?<year>\\d{4})$`,
  ),
]

/**
 * modelHttpDate is the test's own parse of an HTTP-date: the fields are set on a Date, and the value is valid
 * when every field reads back unchanged, since a field out of range rolls over into the next one. Second 60 is
 * a leap second, the second after 59. A two-digit year is read in the century of `nowSeconds`, unless that
 * is more than 50 years ahead: then it is the most recent past year with those digits.
 */
function modelHttpDate(value: string, nowSeconds: number): number | null {
  const text = value.replace(/^[ \t]+|[ \t]+$/g, '')
  const fields = MODEL_DATE_FORMS.map((form) => form.exec(text)?.groups).find((groups) => groups)
  if (fields === undefined) return null
  const [hour, minute, second] = (fields.time ?? '').split(':').map(Number) as [number, number, number]
  const month = MONTHS.indexOf(fields.month ?? '')
  const day = Number((fields.day ?? '').trim())
  let year = Number(fields.year)
  if (fields.year?.length === 2) {
    const thisYear = new Date(nowSeconds * 1000).getUTCFullYear()
    year += thisYear - (thisYear % 100)
    if (year > thisYear + 50) for (year = thisYear; year % 100 !== Number(fields.year); ) year--
  }
  const leap = second === 60
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  date.setUTCHours(hour, minute, leap ? 59 : second)
  const readBack = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()]
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
  const same = [...readBack, ...time].join() === [year, month, day, hour, minute, leap ? 59 : second].join()
  return same ? date.getTime() / 1000 + (leap ? 1 : 0) : null
}

const FIRST_SECOND_OF_YEAR_0 = Date.parse('0000-01-01T00:00:00Z') / 1000
// One of the three forms of a whole second.
const httpDateOf = (seconds: fc.Arbitrary<number>): fc.Arbitrary<string> =>
  fc
    .tuple(
      seconds,
      fc.constantFrom('imf', 'rfc850', 'asctime') as fc.Arbitrary<keyof ReturnType<typeof threeForms>>,
    )
    .map(([instant, form]) => threeForms(instant)[form])
// IMF-fixdates written from fields that may be out of range (31 Apr, 29 Feb 1900, 24:00:00, 23:60:00), with
// February, the ends of months and the century years weighted up.
const calendarDate = fc
  .record({
    dayName: fc.constantFrom(...DAYS),
    day: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30, 31)),
    month: fc.oneof(fc.constant('Feb'), fc.constantFrom(...MONTHS)),
    year: fc.oneof(fc.constantFrom(1900, 2000, 2023, 2024, 2100), fc.integer({ min: 0, max: 9999 })),
    hour: fc.oneof(fc.integer({ min: 0, max: 24 }), fc.constantFrom(23, 24)),
    minute: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(59, 60)),
    second: fc.oneof(fc.integer({ min: 0, max: 61 }), fc.constantFrom(59, 60, 61)),
  })
  .map(
    (date) =>
      `${date.dayName}, ${pad(date.day)} ${date.month} ${pad(date.year, 4)} ${pad(date.hour)}:${pad(date.minute)}:${pad(date.second)} GMT`,
  )
// HTTP-date field values: the three forms, dates with one field out of range or one character changed, and
// anything.
const dateField = (seconds: fc.Arbitrary<number>): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: httpDateOf(seconds), weight: 4 },
    { arbitrary: calendarDate, weight: 2 },
    { arbitrary: mutated(httpDateOf(seconds)), weight: 3 },
    { arbitrary: anyString, weight: 1 },
  )
const anySecond = fc.integer({ min: FIRST_SECOND_OF_YEAR_0, max: LAST_SECOND_OF_9999 })

/** tally counts values by name, for a property to show how often its generator hit each case. */
function tally(): { add: (name: string) => void; count: (name: string) => number } {
  const counts = new Map<string, number>()
  return {
    add: (name) => counts.set(name, (counts.get(name) ?? 0) + 1),
    count: (name) => counts.get(name) ?? 0,
  }
}

describe('entity-tag parsing', () => {
  it('never throws, and reads every value as the grammar does, valid lists included', () => {
    const kinds = tally()
    fc.assert(
      fc.property(tagField(entityTag), (value) => {
        const condition = parseEntityTagCondition(value)
        expect(condition).toEqual(modelTagCondition(value))
        expect(parseEntityTag(value)).toEqual(modelSingleTag(value))
        if (condition.kind === 'list') {
          for (const tag of condition.tags) expect(tag.opaque).toMatch(/^"[^"]*"$/)
        }
        kinds.add(condition.kind === 'list' && condition.tags.length === 0 ? 'empty list' : condition.kind)
      }),
      RUNS,
    )
    // The comparison proves little unless the values were often valid, and often invalid in a small way.
    expect(kinds.count('list')).toBeGreaterThan(RUNS.numRuns * 0.3)
    expect(kinds.count('invalid')).toBeGreaterThan(RUNS.numRuns * 0.1)
    expect(kinds.count('any')).toBeGreaterThan(RUNS.numRuns * 0.01)
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
  it('never throws, and reads every value as an independent model of section 5.6.7 does', () => {
    const results = tally()
    fc.assert(
      fc.property(dateField(anySecond), fc.integer({ min: 0, max: LAST_SECOND_OF_9999 }), (value, now) => {
        const parsed = parseHttpDate(value, now)
        expect(parsed).toBe(modelHttpDate(value, now))
        if (parsed !== null) expect(Number.isInteger(parsed)).toBe(true)
        results.add(parsed === null ? 'invalid' : 'date')
      }),
      RUNS,
    )
    // The comparison proves little unless the values were often dates, and often not dates by a little.
    expect(results.count('date')).toBeGreaterThan(RUNS.numRuns * 0.3)
    expect(results.count('invalid')).toBeGreaterThan(RUNS.numRuns * 0.2)
  })

  it('reads a two-digit year in the century of now, a century earlier only when over 50 years ahead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 19, max: 98 }),
        fc.integer({ min: 0, max: 47 }),
        // Mostly years about 50 ahead of now, where the rule turns.
        fc.oneof(fc.integer({ min: 48, max: 52 }), fc.integer({ min: 0, max: 99 })),
        (century, yearOfCentury, ahead) => {
          const now = Date.UTC(century * 100 + yearOfCentury, 5, 1) / 1000
          const twoDigits = (yearOfCentury + ahead) % 100
          const meant = century * 100 + twoDigits - (twoDigits - yearOfCentury > 50 ? 100 : 0)
          const instant = Date.UTC(meant, 10, 6, 8, 49, 37) / 1000
          const dayName = LONG_DAYS[new Date(instant * 1000).getUTCDay()]
          expect(parseHttpDate(`${dayName}, 06-Nov-${pad(twoDigits)} 08:49:37 GMT`, now)).toBe(instant)
        },
      ),
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

/**
 * modelPreconditions is the test's own reading of RFC 9110 section 13.2.2, for current validators that are a
 * strong tag and an optional IMF-fixdate. It parses fields with the models above, not with src/.
 */
function modelPreconditions(
  method: string,
  fields: ConditionalHeaders,
  current: Validators | null,
  weakIfMatch: boolean,
): PreconditionOutcome {
  const now = Math.floor(Date.now() / 1000)
  const read = method === 'GET' || method === 'HEAD'
  const tag = current === null ? null : modelSingleTag(current.etag)
  const modified = current?.lastModified === undefined ? null : modelHttpDate(current.lastModified, now)
  const listed = (condition: EntityTagCondition, weak: boolean): boolean =>
    condition.kind === 'any'
      ? tag !== null
      : condition.kind === 'list' &&
        condition.tags.some((other) => (weak || !other.weak) && other.opaque === tag?.opaque)

  // 1. If-Match, compared strongly (weakly when asked); one that cannot be read holds for nothing.
  if (fields.ifMatch !== null) {
    const condition = modelTagCondition(fields.ifMatch)
    if (!listed(condition, weakIfMatch)) {
      return { action: 'precondition-failed', field: 'If-Match', malformed: condition.kind === 'invalid' }
    }
  } else if (fields.ifUnmodifiedSince !== null) {
    // 2. If-Unmodified-Since, only without If-Match; an invalid date or no Last-Modified ignores it.
    const since = modelHttpDate(fields.ifUnmodifiedSince, now)
    if (since !== null && modified !== null && modified > since) {
      return { action: 'precondition-failed', field: 'If-Unmodified-Since', malformed: false }
    }
  }
  // 3. If-None-Match, compared weakly: a match is 304 for GET and HEAD, 412 for the rest. One that cannot be
  // read is ignored by a read and refuses a write.
  if (fields.ifNoneMatch !== null) {
    const condition = modelTagCondition(fields.ifNoneMatch)
    if (condition.kind === 'invalid') {
      if (!read) return { action: 'precondition-failed', field: 'If-None-Match', malformed: true }
    } else if (listed(condition, true)) {
      return read
        ? { action: 'not-modified', field: 'If-None-Match' }
        : { action: 'precondition-failed', field: 'If-None-Match', malformed: false }
    }
  } else if (read && fields.ifModifiedSince !== null) {
    // 4. If-Modified-Since, only without If-None-Match and only for GET and HEAD.
    const since = modelHttpDate(fields.ifModifiedSince, now)
    if (since !== null && modified !== null && modified <= since) {
      return { action: 'not-modified', field: 'If-Modified-Since' }
    }
  }
  return { action: 'proceed' }
}

describe('evaluatePreconditions', () => {
  // Tags and dates near the current ones, so that matches, near misses and both sides of a date are common.
  const LAST_MODIFIED = 784_111_777
  const nearby = fc.integer({ min: LAST_MODIFIED - 2, max: LAST_MODIFIED + 2 })
  const nearbyTag = fc.oneof(
    {
      arbitrary: fc.constantFrom(
        ...['"abc"', '"xyz"', '"other"'].flatMap((opaque) => [
          { weak: false, opaque },
          { weak: true, opaque },
        ]),
      ),
      weight: 4,
    },
    { arbitrary: entityTag, weight: 1 },
  )
  // Each field is absent more often than not, so that the later steps, which only run when earlier fields are
  // absent or hold, are reached often.
  const absentOr = (field: fc.Arbitrary<string>) =>
    fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: field, weight: 1 })
  // GET and HEAD as often as the four other methods together: If-Modified-Since and 304 apply only to them.
  const anyMethod = fc.oneof(fc.constantFrom('GET', 'HEAD'), fc.constantFrom(...METHODS))
  const headers: fc.Arbitrary<ConditionalHeaders> = fc.record({
    ifMatch: absentOr(tagField(nearbyTag)),
    ifNoneMatch: absentOr(tagField(nearbyTag)),
    ifModifiedSince: absentOr(dateField(nearby)),
    ifUnmodifiedSince: absentOr(dateField(nearby)),
  })
  const current: fc.Arbitrary<Validators | null> = fc.option(
    fc.record({
      etag: fc.constantFrom('"abc"', '"xyz"'),
      lastModified: fc.option(
        nearby.map((seconds) => threeForms(seconds).imf),
        { nil: undefined },
      ),
    }),
    { nil: null },
  )
  const OUTCOMES = [
    'proceed',
    'not-modified If-None-Match',
    'not-modified If-Modified-Since',
    'precondition-failed If-Match',
    'precondition-failed If-Unmodified-Since',
    'precondition-failed If-None-Match',
  ]
  // The options every way a caller can give them: left out and given without weakIfMatch (both the default),
  // and weakIfMatch set either way.
  const OPTIONS: Readonly<Record<string, PreconditionOptions | undefined>> = {
    'left out': undefined,
    '{}': {},
    '{ weakIfMatch: false }': { weakIfMatch: false },
    '{ weakIfMatch: true }': { weakIfMatch: true },
  }
  const optionsGiven = fc.constantFrom(...Object.keys(OPTIONS))

  /** evaluate calls evaluatePreconditions with the options named, leaving the argument out for 'left out'. */
  function evaluate(
    method: string,
    fields: ConditionalHeaders,
    validators: Validators | null,
    given: string,
  ) {
    const options = OPTIONS[given]
    return options === undefined
      ? evaluatePreconditions(method, fields, validators)
      : evaluatePreconditions(method, fields, validators, options)
  }

  /** model is modelPreconditions with the options named: section 13.1.1's strong comparison unless asked. */
  function model(method: string, fields: ConditionalHeaders, validators: Validators | null, given: string) {
    return modelPreconditions(method, fields, validators, OPTIONS[given]?.weakIfMatch === true)
  }

  /** turnsOnComparison reports whether strong and weak comparison of If-Match decide a request differently. */
  function turnsOnComparison(method: string, fields: ConditionalHeaders, validators: Validators | null) {
    const strong = modelPreconditions(method, fields, validators, false)
    return JSON.stringify(strong) !== JSON.stringify(modelPreconditions(method, fields, validators, true))
  }

  it('decides as an independent model of RFC 9110 section 13.2.2 does, whatever the fields and options', () => {
    const outcomes = tally()
    const runs = 2_000
    fc.assert(
      fc.property(anyMethod, headers, current, optionsGiven, (method, fields, validators, given) => {
        const outcome = evaluate(method, fields, validators, given)
        expect(outcome).toEqual(model(method, fields, validators, given))
        outcomes.add(outcome.action === 'proceed' ? outcome.action : `${outcome.action} ${outcome.field}`)
      }),
      { numRuns: runs },
    )
    // Every outcome, each decided by each of its fields, must have been reached often enough to be compared.
    for (const name of OUTCOMES) expect(outcomes.count(name), name).toBeGreaterThan(runs * 0.005)
  })

  it('compares If-Match strongly unless weakIfMatch is true, as the model does', () => {
    const decided = tally()
    const runs = 1_000
    const withIfMatch = headers.chain((fields) =>
      tagListOf(nearbyTag).map((ifMatch) => ({ ...fields, ifMatch })),
    )
    fc.assert(
      fc.property(anyMethod, withIfMatch, current, optionsGiven, (method, fields, validators, given) => {
        expect(evaluate(method, fields, validators, given)).toEqual(model(method, fields, validators, given))
        if (turnsOnComparison(method, fields, validators)) decided.add(given)
      }),
      { numRuns: runs },
    )
    // The comparison shows the default only if, under each form of the options, many requests turned on it.
    for (const given of Object.keys(OPTIONS)) expect(decided.count(given), given).toBeGreaterThan(runs * 0.02)
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

/** compareUtf16 orders two strings by their UTF-16 code units, as RFC 8785 section 3.2.3 sorts member names. */
function compareUtf16(left: string, right: string): number {
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left.charCodeAt(index) - right.charCodeAt(index)
    if (difference !== 0) return difference
  }
  return left.length - right.length
}

/** compareCodePoints orders two strings by their code points, an order RFC 8785 does not use. */
function compareCodePoints(left: string, right: string): number {
  const [a, b] = [Array.from(left), Array.from(right)]
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const difference = (a[index]?.codePointAt(0) ?? 0) - (b[index]?.codePointAt(0) ?? 0)
    if (difference !== 0) return difference
  }
  return a.length - b.length
}

/** sameOrder reports whether a comparison puts the names in the order that UTF-16 code units do. */
function sameOrder(names: readonly string[], compare: (left: string, right: string) => number): boolean {
  return names.toSorted(compare).join('\u0000') === names.toSorted(compareUtf16).join('\u0000')
}

/** exactValue returns a positive finite double as the exact fraction numerator / denominator. */
function exactValue(value: number): { numerator: bigint; denominator: bigint } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  const bits = view.getBigUint64(0)
  const biasedExponent = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & ((1n << 52n) - 1n)
  // A subnormal has no implicit leading 1, and the exponent of the smallest normal numbers.
  const significand = biasedExponent === 0 ? fraction : fraction | (1n << 52n)
  const exponent = Math.max(biasedExponent, 1) - 1075
  return exponent >= 0
    ? { numerator: significand << BigInt(exponent), denominator: 1n }
    : { numerator: significand, denominator: 1n << BigInt(-exponent) }
}

// Enough powers of ten to lift the smallest double, 5e-324, above 1.
const LIFT = 400

/**
 * shortestDecimal returns the decimal digits × 10^exponent that ECMA-262 Number::toString chooses for a
 * positive finite value: the fewest digits that read back as the value and, of two such, the nearer to it, or
 * the even one when both are as near. It works on the value's exact fraction, and uses the engine only to read
 * a decimal back, never to write one.
 */
function shortestDecimal(value: number): { digits: bigint; exponent: number } {
  const { numerator, denominator } = exactValue(value)
  // n, with 10^(n-1) <= value < 10^n: floor(value × 10^LIFT) has n + LIFT digits.
  const n = ((numerator * 10n ** BigInt(LIFT)) / denominator).toString().length - LIFT
  for (let count = 1; ; count++) {
    const q = n - count
    const scale = 10n ** BigInt(Math.abs(q))
    // The two decimals of `count` digits around the value: lower × 10^q <= value < (lower + 1) × 10^q.
    const lower = q >= 0 ? numerator / (denominator * scale) : (numerator * scale) / denominator
    const readBack = [lower, lower + 1n].filter((digits) => Number(`${digits}e${q}`) === value)
    let digits = readBack[0]
    if (digits === undefined) continue
    if (readBack.length === 2) {
      // Both read back: compare twice the value with twice the midpoint, (2 × lower + 1) × 10^q.
      const twiceValue = 2n * numerator * (q < 0 ? scale : 1n)
      const twiceMidpoint = (2n * lower + 1n) * denominator * (q >= 0 ? scale : 1n)
      const lowerWins = twiceValue < twiceMidpoint || (twiceValue === twiceMidpoint && lower % 2n === 0n)
      digits = lowerWins ? lower : lower + 1n
    }
    let exponent = q
    for (; digits % 10n === 0n; digits /= 10n) exponent++
    return { digits, exponent }
  }
}

/**
 * modelNumberToString is the test's own ECMA-262 Number::toString for a finite number, which RFC 8785 section
 * 3.2.2.3 adopts: the shortest digits, laid out as an integer up to 21 digits, as a fraction down to 0.000001,
 * and with an exponent beyond.
 */
function modelNumberToString(value: number): string {
  if (value === 0) return '0'
  if (value < 0) return `-${modelNumberToString(-value)}`
  const { digits: decimal, exponent } = shortestDecimal(value)
  const digits = decimal.toString()
  const k = digits.length
  const n = exponent + k
  if (k <= n && n <= 21) return digits + '0'.repeat(n - k)
  if (0 < n && n <= 21) return `${digits.slice(0, n)}.${digits.slice(n)}`
  if (-6 < n && n <= 0) return `0.${'0'.repeat(-n)}${digits}`
  const mantissa = k === 1 ? digits : `${digits.slice(0, 1)}.${digits.slice(1)}`
  return `${mantissa}e${n - 1 > 0 ? '+' : '-'}${Math.abs(n - 1)}`
}

// The layouts of Number::toString, with integers of 17 to 21 digits apart: the last ones written without an
// exponent, and the ones where a writer that prints integers in full goes wrong first.
const NUMBER_LAYOUTS = [
  'exponent +',
  'exponent -',
  'leading zeros',
  'fraction',
  'integer',
  'integer of 17 to 21 digits',
]

/** numberLayout names which of NUMBER_LAYOUTS a canonical number uses. */
function numberLayout(text: string): string {
  if (/e\+/.test(text)) return 'exponent +'
  if (/e-/.test(text)) return 'exponent -'
  if (/^-?0\.0/.test(text)) return 'leading zeros'
  if (/\./.test(text)) return 'fraction'
  return /^-?\d{17,}$/.test(text) ? 'integer of 17 to 21 digits' : 'integer'
}

// RFC 8785 section 3.2.2.2: the short escapes JSON has, and \u00xx in lower case for other control characters.
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** modelCanonicalJson is the test's own RFC 8785 serialisation of a JSON value built from plain data. */
function modelCanonicalJson(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return modelNumberToString(value)
  if (typeof value === 'string') {
    let escaped = ''
    for (const character of value) {
      const code = character.codePointAt(0) ?? 0
      const control = code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : character
      escaped += SHORT_ESCAPES[character] ?? control
    }
    return `"${escaped}"`
  }
  if (Array.isArray(value)) return `[${value.map(modelCanonicalJson).join(',')}]`
  const record = value as Record<string, unknown>
  const members = Object.keys(record)
    .toSorted(compareUtf16)
    .map((name) => `${modelCanonicalJson(name)}:${modelCanonicalJson(record[name])}`)
  return `{${members.join(',')}}`
}

/** fromBits returns the double with these IEEE 754 bits. */
function fromBits(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setBigUint64(0, bits)
  return view.getFloat64(0)
}

// Member names whose orders disagree: by UTF-16 code unit (RFC 8785's order), '\u{1F600}' (U+D83D U+DE00)
// sorts before '\uFFFF' and '\uE000', and after them by code point; 'B' sorts before 'a', and after it in a
// locale's order; '10' sorts before '9', and JavaScript enumerates integer-like names in numeric order.
const NAME_PIECES = ['a', 'B', 'é', '\uFFFF', '\uE000', '\u{1F600}', '\u{10000}', '10', '9', '_']
const memberName = fc.oneof(
  { arbitrary: fc.string({ unit: fc.constantFrom(...NAME_PIECES), minLength: 1, maxLength: 3 }), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 4 }), weight: 2 },
  { arbitrary: fc.constant('__proto__'), weight: 1 },
)

// Doubles from the whole range: any double; any bit pattern, subnormals included; numbers of a few digits at
// any power of ten; and safe integers scaled by powers of ten from 1e-26 to 1e8, which fall often on both sides
// of where Number::toString changes layout (1e21 and 1e-7).
const anyDouble = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc
    .bigInt({ min: 0n, max: 2n ** 64n - 1n })
    .map(fromBits)
    .filter(Number.isFinite),
  fc
    .tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: -330, max: 305 }))
    .map(([digits, exponent]) => Number(`${digits}e${exponent}`)),
  fc
    .tuple(fc.maxSafeInteger(), fc.integer({ min: -26, max: 8 }))
    .map(([integer, exponent]) => integer * 10 ** exponent),
)

// JSON values of plain data, with such member names, such numbers and strings of any code point.
const { jsonValue } = fc.letrec<{ jsonValue: unknown }>((tie) => ({
  jsonValue: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    fc.oneof(fc.constant(null), fc.boolean(), anyDouble, fc.string({ unit: 'binary', maxLength: 8 })),
    fc.array(tie('jsonValue'), { maxLength: 4 }),
    fc.dictionary(memberName, tie('jsonValue'), { maxKeys: 5 }),
  ),
}))

describe('canonicalJson', () => {
  it('orders members by UTF-16 code units, as an independent model does, not by code point or locale', () => {
    const orders = tally()
    fc.assert(
      fc.property(fc.dictionary(memberName, fc.nat(9), { minKeys: 3, maxKeys: 8 }), (value) => {
        expect(canonicalJson(value)).toBe(modelCanonicalJson(value))
        const names = Object.keys(value)
        if (!sameOrder(names, compareCodePoints)) orders.add('code points differ')
        if (!sameOrder(names, (left, right) => left.localeCompare(right))) orders.add('locale differs')
        if (!sameOrder(names, () => 0)) orders.add('enumeration differs')
      }),
      RUNS,
    )
    // The comparison shows the order only if the generated names often sort differently by the wrong orders.
    expect(orders.count('code points differ')).toBeGreaterThan(RUNS.numRuns * 0.25)
    expect(orders.count('locale differs')).toBeGreaterThan(RUNS.numRuns * 0.4)
    expect(orders.count('enumeration differs')).toBeGreaterThan(RUNS.numRuns * 0.75)
  })

  it('writes any finite number as an independent model of Number::toString does, and reads it back', () => {
    const layouts = tally()
    const runs = 2_000
    fc.assert(
      fc.property(anyDouble, (value) => {
        const text = canonicalJson(value)
        expect(text).toBe(modelNumberToString(value))
        expect(text).toMatch(/^-?(0|[1-9]\d*)(\.\d+)?(e[+-]\d+)?$/)
        expect(Number(text)).toBe(Object.is(value, -0) ? 0 : value)
        layouts.add(numberLayout(text))
      }),
      { numRuns: runs },
    )
    // Every layout must have come up often enough to be compared.
    for (const name of NUMBER_LAYOUTS) expect(layouts.count(name), name).toBeGreaterThan(runs * 0.01)
  })

  it('writes any JSON value as an independent model of RFC 8785 does', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(canonicalJson(value)).toBe(modelCanonicalJson(value))
      }),
      RUNS,
    )
  })

  it('writes the same text whatever order the members were inserted in', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer(), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seededRandom(seed)))).toBe(canonicalJson(value))
      }),
      RUNS,
    )
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = canonicalJson(value)
        expect(canonicalJson(JSON.parse(text))).toBe(text)
      }),
      RUNS,
    )
  })

  it('parses back to a value deep-equal to the original, with -0 read as 0', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(withoutNegativeZero(value))
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
