import { describe, expect, it } from 'vitest'
import {
  knownVariant,
  MAX_ORIGIN_TAGS,
  MAX_VARIANTS,
  type OriginRecord,
  parseOriginRecord,
  recordSeen,
  type Seen,
  strongOriginTags,
  type VariantValidators,
  validatorsOf,
  variantKeyOf,
} from '../../../src/origin/origin-record.ts'

const NOW = Date.parse('2026-11-30T12:00:00Z') / 1000

function seen(overrides: Partial<Seen> = {}): Seen {
  return {
    vary: [],
    headers: new Headers(),
    etag: '"ours-1"',
    contentType: 'application/json',
    size: 42,
    originTag: '"replica-a"',
    ...overrides,
  }
}

describe('recordSeen', () => {
  it('records new bytes with our tag, a Last-Modified of now, and the replica’s tag', () => {
    const { record, changed } = recordSeen(null, seen(), NOW)
    expect(changed).toBe(true)
    expect(record).toEqual({
      vary: [],
      variants: {
        '': {
          etag: '"ours-1"',
          lastModified: 'Mon, 30 Nov 2026 12:00:00 GMT',
          contentType: 'application/json',
          size: 42,
          originTags: ['"replica-a"'],
        },
      },
    })
  })

  it('learns another replica’s tag for the same bytes and keeps their first-seen date', () => {
    const first = recordSeen(null, seen(), NOW).record
    const { record, changed } = recordSeen(first, seen({ originTag: '"replica-b"' }), NOW + 60)
    expect(changed).toBe(true)
    expect(record.variants['']?.originTags).toEqual(['"replica-b"', '"replica-a"'])
    expect(record.variants['']?.lastModified).toBe('Mon, 30 Nov 2026 12:00:00 GMT')
  })

  it('changes nothing (and so writes nothing) when the same replica sends the same bytes', () => {
    const first = recordSeen(null, seen(), NOW).record
    const again = recordSeen(first, seen(), NOW + 60)
    expect(again.changed).toBe(false)
    expect(again.record).toBe(first)
  })

  it('replaces the validators when the bytes change, forgetting the old origin tags', () => {
    const first = recordSeen(null, seen(), NOW).record
    const { record } = recordSeen(first, seen({ etag: '"ours-2"', originTag: '"replica-a-2"' }), NOW + 60)
    expect(record.variants['']).toMatchObject({
      etag: '"ours-2"',
      lastModified: 'Mon, 30 Nov 2026 12:01:00 GMT',
      originTags: ['"replica-a-2"'],
    })
  })

  it('gives no Last-Modified to bytes that change within the second of the previous ones', () => {
    const first = recordSeen(null, seen(), NOW).record
    const { record } = recordSeen(first, seen({ etag: '"ours-2"' }), NOW + 0.5)
    // Neither a date shared by two versions nor one ahead of the clock (RFC 9110 section 8.8.2.1).
    expect(record.variants['']?.lastModified).toBeNull()
    expect(validatorsOf(record.variants[''] as VariantValidators)).toEqual({ etag: '"ours-2"' })
    const later = recordSeen(record, seen({ etag: '"ours-3"' }), NOW + 2).record
    expect(later.variants['']?.lastModified).toBe('Mon, 30 Nov 2026 12:00:02 GMT')
  })

  it('never dates flapping bytes ahead of the clock', () => {
    let record: OriginRecord | null = null
    for (let index = 0; index < 30; index++) {
      record = recordSeen(record, seen({ etag: index % 2 === 0 ? '"x"' : '"y"' }), NOW + index / 10).record
    }
    const date = record?.variants['']?.lastModified
    expect(date === null || Date.parse(date as string) / 1000 <= NOW + 3).toBe(true)
  })

  it('keeps only strong origin tags: a 304 to a weak one does not vouch for identical bytes', () => {
    const first = recordSeen(null, seen({ originTag: 'W/"weak"' }), NOW).record
    expect(first.variants['']?.originTags).toEqual([])
    const second = recordSeen(first, seen({ originTag: 'not a tag' }), NOW)
    expect(second.changed).toBe(false)
  })

  it(`keeps at most ${MAX_ORIGIN_TAGS} origin tags, newest first`, () => {
    let record: OriginRecord | null = null
    for (let index = 0; index < MAX_ORIGIN_TAGS + 5; index++) {
      record = recordSeen(record, seen({ originTag: `"replica-${index}"` }), NOW).record
    }
    const tags = record?.variants['']?.originTags ?? []
    expect(tags).toHaveLength(MAX_ORIGIN_TAGS)
    expect(tags[0]).toBe(`"replica-${MAX_ORIGIN_TAGS + 4}"`)
  })

  it('keeps one variant per value of the Vary-ed fields, but not per Accept-Encoding', () => {
    const vary = ['accept-encoding', 'accept-language']
    const french = new Headers({ 'Accept-Language': 'fr', 'Accept-Encoding': 'gzip' })
    const english = new Headers({ 'Accept-Language': 'en', 'Accept-Encoding': 'br' })
    let { record } = recordSeen(null, seen({ vary, headers: french, etag: '"fr"' }), NOW)
    record = recordSeen(record, seen({ vary, headers: english, etag: '"en"' }), NOW).record
    expect(record.vary).toEqual(['accept-language'])
    expect(knownVariant(record, new Headers({ 'Accept-Language': 'fr' }))?.etag).toBe('"fr"')
    expect(knownVariant(record, new Headers({ 'Accept-Language': 'en' }))?.etag).toBe('"en"')
    expect(knownVariant(record, new Headers({ 'Accept-Language': 'de' }))).toBeNull()
  })

  it(`keeps at most ${MAX_VARIANTS} variants, dropping the oldest`, () => {
    let record: OriginRecord | null = null
    for (let index = 0; index < MAX_VARIANTS + 3; index++) {
      const headers = new Headers({ 'Accept-Language': `l${index}` })
      record = recordSeen(record, seen({ vary: ['accept-language'], headers }), NOW).record
    }
    expect(Object.keys(record?.variants ?? {})).toHaveLength(MAX_VARIANTS)
    expect(knownVariant(record, new Headers({ 'Accept-Language': 'l0' }))).toBeNull()
    expect(knownVariant(record, new Headers({ 'Accept-Language': `l${MAX_VARIANTS + 2}` }))).not.toBeNull()
  })

  it('starts afresh when the origin changes what it varies on', () => {
    const first = recordSeen(null, seen(), NOW).record
    const { record } = recordSeen(
      first,
      seen({ vary: ['accept'], headers: new Headers({ Accept: 'a/b' }) }),
      NOW,
    )
    expect(record.vary).toEqual(['accept'])
    expect(Object.keys(record.variants)).toEqual(['accept:a/b'])
  })
})

describe('variantKeyOf', () => {
  it('names the values of the varied fields, absent ones as empty', () => {
    const headers = new Headers({ 'Accept-Language': 'fr' })
    expect(variantKeyOf(['accept', 'accept-language'], headers)).toBe('accept:\naccept-language:fr')
  })
})

describe('strongOriginTags', () => {
  it('keeps the strong tags, which alone can be used in If-Match', () => {
    expect(strongOriginTags(['W/"a"', '"b"', 'nonsense', '"c"'])).toEqual(['"b"', '"c"'])
  })
})

describe('parseOriginRecord', () => {
  it('reads back what recordSeen made', () => {
    const { record } = recordSeen(null, seen(), NOW)
    expect(parseOriginRecord(JSON.parse(JSON.stringify(record)))).toEqual(record)
  })

  it.each([
    null,
    'text',
    [],
    { vary: 'accept', variants: {} },
    { vary: [], variants: null },
    { vary: [], variants: { '': { etag: 1 } } },
    {
      vary: [],
      variants: { '': { etag: '"a"', lastModified: 'x', contentType: null, size: 1, originTags: [1] } },
    },
  ])('refuses %j, which costs only a download', (value) => {
    expect(parseOriginRecord(value)).toBeNull()
  })
})
