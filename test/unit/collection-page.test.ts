import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  countWithinBudget,
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  nextPageUrl,
  PAGE_BYTE_BUDGET,
  pageByteLength,
  pageETag,
  pageJson,
  readPageQuery,
  sealCursor,
} from '../../src/documents/collection-page.ts'
import type { ListedDocument, LoadedDocument } from '../../src/documents/document.ts'
import { canonicalJson } from '../../src/http/canonical-json.ts'
import { contentETag } from '../../src/http/content-etag.ts'

const encoder = new TextEncoder()

// A query with the given limit values and no cursor, as the URL's searchParams.getAll would give them.
const limits = (...limit: string[]) => ({ limit, cursor: [] })
const cursors = (...cursor: string[]) => ({ limit: [], cursor })

// `text` with the character at `index` replaced by another of the base64url alphabet.
function changeAt(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A'
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`
}

// Listed documents with these sizes, named d0, d1, ...
const listed = (...sizes: (number | null)[]): ListedDocument[] =>
  sizes.map((size, index) => ({ id: `d${index}`, etag: `"tag${index}"`, size }))

const loaded = (id: string, json: string): LoadedDocument => ({
  id,
  etag: `"${id}-tag"`,
  json,
  size: new TextEncoder().encode(json).byteLength,
})

describe('readPageQuery', () => {
  describe('limit', () => {
    it.each([
      { limit: [], want: DEFAULT_PAGE_LIMIT },
      { limit: ['1'], want: 1 },
      { limit: ['20'], want: 20 },
      { limit: ['999'], want: 999 },
      { limit: ['1000'], want: 1000 },
    ])('reads the limit $limit as $want', async ({ limit, want }) => {
      expect(await readPageQuery('tasks', limits(...limit))).toEqual({ ok: true, limit: want, cursor: null })
    })

    it('defaults to 100 and allows at most 1000', () => {
      expect([DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT]).toEqual([100, 1000])
    })

    it.each([
      { label: 'zero', limit: ['0'] },
      { label: 'one more than the maximum', limit: ['1001'] },
      { label: 'a large number', limit: ['9999'] },
      { label: 'a number past the safe integers', limit: ['99999999999999999999'] },
      { label: 'a negative number', limit: ['-1'] },
      { label: 'a plus sign', limit: ['+5'] },
      { label: 'a fraction', limit: ['1.5'] },
      { label: 'a trailing ".0"', limit: ['5.0'] },
      { label: 'a leading zero', limit: ['01'] },
      { label: 'a leading space', limit: [' 5'] },
      { label: 'a trailing space', limit: ['5 '] },
      { label: 'a trailing line feed', limit: ['5\n'] },
      { label: 'an exponent', limit: ['1e2'] },
      { label: 'hexadecimal', limit: ['0x10'] },
      { label: 'full-width digits', limit: ['\uff15'] },
      { label: 'letters', limit: ['abc'] },
      { label: 'Infinity', limit: ['Infinity'] },
      { label: 'an empty value', limit: [''] },
      { label: 'a limit given twice', limit: ['5', '5'] },
      { label: 'a 10 000-digit limit', limit: ['1'.repeat(10_000)] },
    ])('refuses $label', async ({ limit }) => {
      const result = await readPageQuery('tasks', limits(...limit))
      expect(result.ok).toBe(false)
    })

    it('says what a limit must be', async () => {
      expect(await readPageQuery('tasks', limits('0'))).toEqual({
        ok: false,
        detail: 'limit must be a whole number from 1 to 1000',
      })
    })
  })

  describe('cursor', () => {
    it('accepts a cursor sealed for the resource and gives back the store cursor', async () => {
      const cursor = await sealCursor('tasks', 'some-store-cursor')
      expect(await readPageQuery('tasks', { limit: ['20'], cursor: [cursor] })).toEqual({
        ok: true,
        limit: 20,
        cursor: 'some-store-cursor',
      })
    })

    it('seals a cursor into URL-safe characters', async () => {
      expect(await sealCursor('tasks', 'some/store+cursor=? &#')).toMatch(
        /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{12}$/,
      )
    })

    it('gives back any store cursor it sealed', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
          fc.constantFrom('tasks', 'items', 'a'),
          async (storeCursor, resource) => {
            const result = await readPageQuery(resource, cursors(await sealCursor(resource, storeCursor)))
            expect(result).toEqual({ ok: true, limit: DEFAULT_PAGE_LIMIT, cursor: storeCursor })
          },
        ),
        { numRuns: 200 },
      )
    })

    it('refuses a cursor sealed for another resource', async () => {
      const cursor = await sealCursor('tasks', 'some-store-cursor')
      expect(await readPageQuery('items', cursors(cursor))).toEqual({
        ok: false,
        detail: 'cursor is not one this API gave for items; follow "next" from the first page',
      })
    })

    it.each<{ label: string; spoil: (cursor: string) => string }>([
      { label: 'its first character changed', spoil: (cursor) => changeAt(cursor, 0) },
      { label: 'a character of its store cursor changed', spoil: (cursor) => changeAt(cursor, 5) },
      {
        label: 'the first character of its check changed',
        spoil: (cursor) => changeAt(cursor, cursor.indexOf('.') + 1),
      },
      {
        label: 'the last character of its check changed',
        spoil: (cursor) => changeAt(cursor, cursor.length - 1),
      },
      { label: 'its last character cut off', spoil: (cursor) => cursor.slice(0, -1) },
      { label: 'its check cut off', spoil: (cursor) => cursor.slice(0, cursor.indexOf('.')) },
      {
        label: 'its check cut off after the dot',
        spoil: (cursor) => cursor.slice(0, cursor.indexOf('.') + 1),
      },
      { label: 'its first half only', spoil: (cursor) => cursor.slice(0, cursor.length / 2) },
      { label: 'its first character cut off', spoil: (cursor) => cursor.slice(1) },
      { label: 'a character added to its check', spoil: (cursor) => `${cursor}A` },
      { label: 'a character added to its store cursor', spoil: (cursor) => `A${cursor}` },
      { label: 'its dot removed', spoil: (cursor) => cursor.replace('.', '') },
      { label: 'a second dot', spoil: (cursor) => cursor.replace('.', '..') },
      { label: 'padding', spoil: (cursor) => cursor.replace('.', '=.') },
      {
        label: 'its check swapped for "="s',
        spoil: (cursor) => cursor.replace(/\..*$/, `.${'='.repeat(12)}`),
      },
      { label: 'a trailing space', spoil: (cursor) => `${cursor} ` },
      { label: 'percent-encoding', spoil: (cursor) => cursor.replace('.', '%2E') },
      { label: 'its parts swapped', spoil: (cursor) => cursor.split('.').reverse().join('.') },
    ])('refuses the cursor with $label', async ({ spoil }) => {
      const cursor = await sealCursor('tasks', 'some-store-cursor')
      const spoiled = spoil(cursor)
      expect(spoiled).not.toBe(cursor)
      expect((await readPageQuery('tasks', cursors(spoiled))).ok).toBe(false)
    })

    it.each([
      { label: 'an empty cursor', cursor: '' },
      { label: 'garbage', cursor: 'garbage' },
      { label: 'a lone dot', cursor: '.' },
      { label: 'a store cursor without a check', cursor: 'c29tZS1zdG9yZS1jdXJzb3I' },
      { label: 'a cursor of 4n+1 base64url characters', cursor: `AAAAA.${'A'.repeat(12)}` },
      { label: 'a cursor with "+" and "/"', cursor: `a+b/.${'A'.repeat(12)}` },
      { label: 'a cursor whose bytes are not UTF-8', cursor: `_w.${'A'.repeat(12)}` },
      { label: 'a cursor with a non-ASCII character', cursor: `c29t\u00e9.${'A'.repeat(12)}` },
    ])('refuses $label', async ({ cursor }) => {
      expect((await readPageQuery('tasks', cursors(cursor))).ok).toBe(false)
    })

    // The bound keeps hostile input from being decoded and hashed; no store cursor comes near it.
    it('refuses a 10 000-character cursor, even one sealed for the resource', async () => {
      const cursor = await sealCursor('tasks', 'x'.repeat(7500))
      expect(cursor).toHaveLength(10_013)
      expect((await readPageQuery('tasks', cursors(cursor))).ok).toBe(false)
    })

    it('refuses a cursor given twice, even a good one', async () => {
      const cursor = await sealCursor('tasks', 'some-store-cursor')
      expect(await readPageQuery('tasks', cursors(cursor, cursor))).toEqual({
        ok: false,
        detail: 'Give limit and cursor at most once each',
      })
    })
  })
})

describe('nextPageUrl', () => {
  it('links to the next page with the limit and a cursor sealed for the resource', async () => {
    const url = await nextPageUrl('/api/tasks', 'tasks', 20, 'c')
    expect(url.startsWith('/api/tasks?limit=20&cursor=')).toBe(true)

    const query = new URL(url, 'https://example.com').searchParams
    expect(
      await readPageQuery('tasks', { limit: query.getAll('limit'), cursor: query.getAll('cursor') }),
    ).toEqual({ ok: true, limit: 20, cursor: 'c' })
  })

  it('writes a cursor that needs no percent-encoding', async () => {
    const url = await nextPageUrl('/api/items', 'items', 1000, 'store cursor/with+odd=chars?&#')
    expect(url).toMatch(/^\/api\/items\?limit=1000&cursor=[A-Za-z0-9_.-]+$/)
  })
})

describe('countWithinBudget', () => {
  it.each([
    { label: 'every document when all fit', sizes: [10, 20, 30], unknownSize: 0, budget: 100, want: 3 },
    {
      label: 'every document when they fill the budget exactly',
      sizes: [10, 20, 30],
      unknownSize: 0,
      budget: 60,
      want: 3,
    },
    {
      label: 'those before the first that overflows',
      sizes: [10, 20, 30],
      unknownSize: 0,
      budget: 59,
      want: 2,
    },
    {
      label: 'none after the first that overflows, even small ones',
      sizes: [10, 50, 1, 1],
      unknownSize: 0,
      budget: 40,
      want: 1,
    },
    {
      label: 'one when the first alone is larger than the budget',
      sizes: [100, 1],
      unknownSize: 0,
      budget: 50,
      want: 1,
    },
    {
      label: 'one when the only document is larger than the budget',
      sizes: [100],
      unknownSize: 0,
      budget: 50,
      want: 1,
    },
    {
      label: 'unknown sizes as unknownSize',
      sizes: [null, null, null],
      unknownSize: 30,
      budget: 70,
      want: 2,
    },
    {
      label: 'known and unknown sizes together',
      sizes: [10, null, 10],
      unknownSize: 40,
      budget: 55,
      want: 2,
    },
    {
      label: 'an unknown size as nothing when unknownSize is 0',
      sizes: [60, null, null],
      unknownSize: 0,
      budget: 60,
      want: 3,
    },
    { label: 'empty documents as fitting', sizes: [0, 0, 0], unknownSize: 100, budget: 0, want: 3 },
    { label: 'zero for an empty listing', sizes: [], unknownSize: 100, budget: 10, want: 0 },
  ])('counts $label', ({ sizes, unknownSize, budget, want }) => {
    expect(countWithinBudget(listed(...sizes), unknownSize, budget)).toBe(want)
  })

  it('uses PAGE_BYTE_BUDGET, 8 MiB, when given no budget', () => {
    expect(PAGE_BYTE_BUDGET).toBe(8 * 1024 * 1024)
    expect(countWithinBudget(listed(PAGE_BYTE_BUDGET - 1, 1, 1), 0)).toBe(2)
    expect(countWithinBudget(listed(null, null, null), PAGE_BYTE_BUDGET / 2)).toBe(2)
  })

  it('counts 1000 listed documents without overflowing', () => {
    expect(countWithinBudget(listed(...Array.from({ length: 1000 }, () => 1)), 0, 999)).toBe(999)
  })
})

describe('pageJson', () => {
  it.each([
    { label: 'no members and no next', members: [], next: null, want: '{"items":[]}' },
    {
      label: 'no members and a next',
      members: [],
      next: '/api/tasks?limit=2&cursor=x.y',
      want: '{"items":[],"next":"/api/tasks?limit=2&cursor=x.y"}',
    },
    {
      label: 'one member',
      members: [loaded('apple', '{"n":1}')],
      next: null,
      want: '{"items":[{"id":"apple","value":{"n":1}}]}',
    },
    {
      label: 'two members and a next',
      members: [loaded('apple', '{"a":[1,2],"b":"\u00e9"}'), loaded('pear', '"text"')],
      next: '/api/items?limit=2&cursor=abc.def',
      want: '{"items":[{"id":"apple","value":{"a":[1,2],"b":"\u00e9"}},{"id":"pear","value":"text"}],"next":"/api/items?limit=2&cursor=abc.def"}',
    },
  ])('assembles a page of $label', ({ members, next, want }) => {
    expect(pageJson(members, next)).toBe(want)
  })

  it.each([
    { label: 'without next', next: null },
    { label: 'with next', next: '/api/tasks?limit=3&cursor=Zm9v.AAAAAAAAAAAA' },
  ])('writes canonical JSON $label', ({ next }) => {
    const members = [
      loaded('A-1', '{"z":null,"~":[true,false]}'),
      loaded('b.2', '[]'),
      loaded('c_3~', '{"a":{"b":{}},"c":1e+21}'),
      loaded('d', '0'),
    ]
    const text = pageJson(members, next)
    expect(text).toBe(canonicalJson(JSON.parse(text)))
    expect(JSON.parse(text)).toEqual({
      items: [
        { id: 'A-1', value: { z: null, '~': [true, false] } },
        { id: 'b.2', value: [] },
        { id: 'c_3~', value: { a: { b: {} }, c: 1e21 } },
        { id: 'd', value: 0 },
      ],
      ...(next === null ? {} : { next }),
    })
  })

  it('writes canonical JSON for any members with plain ids and canonical values', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9._~-]{1,16}$/)
    const value = fc.jsonValue({ maxDepth: 3 }).map((json) => canonicalJson(json))
    fc.assert(
      fc.property(
        fc.array(fc.record({ id, value }), { maxLength: 6 }),
        fc.option(fc.webPath(), { nil: null }),
        (members, next) => {
          const text = pageJson(
            members.map((member) => loaded(member.id, member.value)),
            next,
          )
          expect(text).toBe(canonicalJson(JSON.parse(text)))
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('pageETag', () => {
  const apple = { id: 'apple', etag: '"AAAA"' }
  const pear = { id: 'pear', etag: '"BBBB"' }
  const members = [apple, pear]
  const next = '/api/items?limit=2&cursor=Zm9v.AAAAAAAAAAAA'

  it('is a strong tag of 43 base64url characters, the SHA-256 of the listing', async () => {
    expect(await pageETag(members, next)).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect(await pageETag([], null)).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
  })

  it('is the SHA-256 of the canonical JSON of {items: [[id, etag]...], next}, written without canonicalJson', async () => {
    const member = fc.record({
      id: fc.stringMatching(/^[A-Za-z0-9._~-]{1,20}$/),
      etag: fc.stringMatching(/^(W\/)?"[A-Za-z0-9_-]{1,43}"$/),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(member, { maxLength: 8 }),
        fc.option(fc.webPath(), { nil: null }),
        async (listing, next) => {
          const skeleton = canonicalJson({ items: listing.map(({ id, etag }) => [id, etag]), next })
          expect(await pageETag(listing, next)).toBe(await contentETag(encoder.encode(skeleton)))
        },
      ),
      { numRuns: 100 },
    )
  })

  it('is the same for the same listing, every time', async () => {
    const copy = members.map((member) => ({ ...member }))
    expect(await pageETag(copy, `${next}`)).toBe(await pageETag(members, next))
  })

  it.each<{ label: string; members: typeof members; next: string | null }>([
    { label: 'an id changes', members: [{ id: 'apple2', etag: '"AAAA"' }, pear], next },
    { label: 'the second id changes', members: [apple, { id: 'pears', etag: '"BBBB"' }], next },
    { label: 'a tag changes', members: [{ id: 'apple', etag: '"AAAB"' }, pear], next },
    { label: 'the second tag changes', members: [apple, { id: 'pear', etag: '"BBBC"' }], next },
    { label: 'a tag turns weak', members: [{ id: 'apple', etag: 'W/"AAAA"' }, pear], next },
    { label: 'the order changes', members: [pear, apple], next },
    { label: 'a member is removed', members: [apple], next },
    { label: 'a member is added', members: [...members, { id: 'plum', etag: '"CCCC"' }], next },
    {
      label: 'two tags are swapped',
      members: [
        { id: 'apple', etag: '"BBBB"' },
        { id: 'pear', etag: '"AAAA"' },
      ],
      next,
    },
    { label: 'next changes', members, next: `${next}B` },
    { label: 'next is dropped', members, next: null },
    { label: 'next becomes empty', members, next: '' },
  ])('changes when $label', async ({ members: changed, next: changedNext }) => {
    expect(await pageETag(changed, changedNext)).not.toBe(await pageETag(members, next))
  })

  it('tells an empty next from no next, and an empty page from a page with members', async () => {
    const tags = new Set([
      await pageETag([], null),
      await pageETag([], ''),
      await pageETag([{ id: 'a', etag: '""' }], null),
    ])
    expect(tags.size).toBe(3)
  })

  it('tells apart listings that would read the same if ids and tags were run together', async () => {
    expect(await pageETag([{ id: 'ab', etag: '"c"' }], null)).not.toBe(
      await pageETag([{ id: 'a', etag: 'b"c"' }], null),
    )
  })
})

describe('pageByteLength', () => {
  it('is the length in bytes of the page pageJson assembles, for any members and next', () => {
    const member = fc.record({
      // Ids as the API allows them, and any text (quotes, controls, non-ASCII, lone surrogates), as a key
      // written into KV by other means could hold.
      id: fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9._~-]{1,20}$/),
        fc.string({ unit: 'binary', maxLength: 10 }),
      ),
      value: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer())),
    })
    fc.assert(
      fc.property(fc.array(member, { maxLength: 6 }), fc.option(fc.webUrl()), (members, next) => {
        const loaded = members.map(({ id, value }) => {
          const json = canonicalJson(value)
          return { id, etag: '"t"', json, size: encoder.encode(json).byteLength }
        })
        const listed = loaded.map(({ id, etag, json }) => ({
          id,
          etag,
          size: encoder.encode(json).byteLength,
        }))
        expect(pageByteLength(listed, next)).toBe(encoder.encode(pageJson(loaded, next)).byteLength)
      }),
      { numRuns: 500 },
    )
  })

  it("is null when a member's size is unknown", () => {
    expect(pageByteLength([{ id: 'a', etag: '"t"', size: null }], null)).toBeNull()
  })
})
