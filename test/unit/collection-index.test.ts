import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defineIndexes,
  idOfIndexKey,
  indexKeysOf,
  indexProblems,
  MAX_SORT_VALUE_BYTES,
  MISSING,
  type SortDirection,
  sortComponent,
  whereComponent,
} from '../../src/documents/collection-index.ts'
import { describeQueries, readCollectionQuery } from '../../src/documents/collection-query.ts'

const TASK_INDEXES = defineIndexes([
  { where: 'done' },
  { where: 'tags', each: true },
  { sort: 'due' },
  { where: 'done', sort: 'due' },
])

const utf8 = new TextEncoder()

/** compareKeys compares two KV keys as KV orders them: by their UTF-8 bytes. */
function compareKeys(a: string, b: string): number {
  const [x, y] = [utf8.encode(a), utf8.encode(b)]
  for (let index = 0; index < Math.min(x.length, y.length); index++) {
    if (x[index] !== y[index]) return (x[index] as number) - (y[index] as number)
  }
  return x.length - y.length
}

type Sortable = null | boolean | number | string | typeof MISSING

/**
 * modelOrder is an independent model of the order a sort gives values, ascending: null, false, true,
 * numbers by value (-0 is 0), strings by code point, and a missing member after everything.
 */
function modelOrder(a: Sortable, b: Sortable): number {
  const rank = (value: Sortable) =>
    value === null
      ? 0
      : value === false
        ? 1
        : value === true
          ? 2
          : typeof value === 'number'
            ? 3
            : typeof value === 'string'
              ? 4
              : 5
  if (rank(a) !== rank(b)) return rank(a) - rank(b)
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1
  if (typeof a === 'string' && typeof b === 'string') {
    const [x, y] = [
      [...a].map((c) => c.codePointAt(0) as number),
      [...b].map((c) => c.codePointAt(0) as number),
    ]
    for (let index = 0; index < Math.min(x.length, y.length); index++) {
      if (x[index] !== y[index]) return (x[index] as number) - (y[index] as number)
    }
    return x.length - y.length
  }
  return 0
}

/** modelKeyOrder: by value in the direction, a missing member last both ways, ties by id. */
function modelKeyOrder(a: [Sortable, string], b: [Sortable, string], direction: SortDirection): number {
  const missingFirst = (a[0] === MISSING ? 1 : 0) - (b[0] === MISSING ? 1 : 0)
  const byValue = missingFirst !== 0 ? missingFirst : (direction === 'a' ? 1 : -1) * modelOrder(a[0], b[0])
  if (byValue !== 0) return byValue
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1
}

// Strings dense in what an order-preserving spelling must get right: the escape and terminator characters,
// control characters, prefixes of each other, and characters of every UTF-8 length (astral ones sort after
// U+E000-U+FFFF in UTF-8, before them in UTF-16).
const sortString = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      '',
      ' ',
      '!',
      '"',
      '\u0000',
      '\u0001',
      '\t',
      'a',
      'b',
      '~',
      '\u00e9',
      '\uffff',
      '\ue000',
      '\u{1f600}',
      '\u{10000}',
      ':',
    ),
    maxLength: 6,
  }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
)
const sortable: fc.Arbitrary<Sortable> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -5, max: 5 }),
  sortString,
  fc.constant(MISSING),
)
const documentId = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/)

describe('sortComponent', () => {
  it.each(['a', 'd'] as const)(
    'orders keys as an independent model orders the values (direction %s), ties by id',
    (direction) => {
      fc.assert(
        fc.property(fc.tuple(sortable, documentId), fc.tuple(sortable, documentId), (a, b) => {
          const keyOf = ([value, id]: [Sortable, string]) => `${sortComponent(value, direction)}:${id}`
          expect(Math.sign(compareKeys(keyOf(a), keyOf(b)))).toBe(Math.sign(modelKeyOrder(a, b, direction)))
        }),
        { numRuns: 3_000 },
      )
    },
  )

  it.each([
    { label: 'null before false', a: null, b: false },
    { label: 'false before true', a: false, b: true },
    { label: 'true before numbers', a: true, b: -1e308 },
    { label: 'a negative number before a positive one', a: -0.5, b: 0.25 },
    { label: '-Infinity-like large negatives first', a: -1.7976931348623157e308, b: -1 },
    { label: 'the smallest subnormal after 0', a: 0, b: 5e-324 },
    { label: 'numbers before strings', a: 1e308, b: '' },
    { label: 'a prefix before a longer string', a: 'ab', b: 'abc' },
    { label: 'a control character before "!"', a: 'a\u0001', b: 'a!' },
    { label: '"!" before a space-less letter', a: 'a!', b: 'a"' },
    { label: 'U+FFFF before an astral character (UTF-8 order)', a: '\uffff', b: '\u{10000}' },
    { label: 'strings before a missing member', a: '\u{10ffff}', b: MISSING },
  ])('ascending: $label', ({ a, b }) => {
    expect(compareKeys(`${sortComponent(a, 'a')}:x`, `${sortComponent(b, 'a')}:x`)).toBeLessThan(0)
    if (b !== MISSING)
      expect(compareKeys(`${sortComponent(b, 'd')}:x`, `${sortComponent(a, 'd')}:x`)).toBeLessThan(0)
  })

  it('writes -0 as 0', () => {
    expect(sortComponent(-0, 'a')).toBe(sortComponent(0, 'a'))
  })

  it('has no order for an object or an array', () => {
    expect(sortComponent({}, 'a')).toBeNull()
    expect(sortComponent([1], 'd')).toBeNull()
  })
})

describe('whereComponent', () => {
  it('gives one text one component of 22 URL-safe characters, and different texts different ones', async () => {
    expect(await whereComponent('false')).toBe(await whereComponent('false'))
    expect(await whereComponent('false')).not.toBe(await whereComponent('true'))
    expect(await whereComponent('')).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })
})

describe('indexKeysOf', () => {
  it('writes one entry per where value, one per tag, and two per sort, each ending with the id', async () => {
    const keys = await indexKeysOf(
      'tasks',
      't1',
      { title: 'x', done: false, due: '2026-12-31', tags: ['home', 'work'] },
      TASK_INDEXES,
    )
    expect(keys).toHaveLength(1 + 2 + 2 + 2)
    for (const key of keys) {
      expect(key.startsWith('~i:tasks:')).toBe(true)
      expect(idOfIndexKey(key)).toBe('t1')
    }
    expect(keys.filter((key) => key.startsWith('~i:tasks:sort-due:a'))).toEqual([
      '~i:tasks:sort-due:a52026-12-31 :t1',
    ])
  })

  it('files a document without the sorted member last, and one without a where member nowhere', async () => {
    const keys = await indexKeysOf('tasks', 't1', { title: 'x', done: true }, TASK_INDEXES)
    expect(keys.filter((key) => key.startsWith('~i:tasks:where-tags:'))).toEqual([])
    expect(keys).toContain('~i:tasks:sort-due:a9:t1')
    expect(keys).toContain('~i:tasks:sort-due:d9:t1')
  })

  it('files a repeated tag once', async () => {
    const keys = await indexKeysOf(
      'tasks',
      't1',
      { tags: ['a', 'a'] },
      defineIndexes([{ where: 'tags', each: true }]),
    )
    expect(keys).toHaveLength(1)
  })

  it('keeps the longest key within KV 512 bytes: longest names, a where digest, the longest sort value, the longest id', async () => {
    const resource = `r${'x'.repeat(62)}`
    const member = `m${'x'.repeat(31)}`
    const other = `n${'x'.repeat(31)}`
    const indexes = defineIndexes([{ where: member, sort: other }])
    const worst = '\u0001'.repeat(MAX_SORT_VALUE_BYTES)
    expect(indexProblems({ [member]: 'v', [other]: worst }, indexes)).toEqual([])
    const keys = await indexKeysOf(resource, 'i'.repeat(128), { [member]: 'v', [other]: worst }, indexes)
    for (const key of keys) expect(utf8.encode(key).byteLength).toBeLessThanOrEqual(512)
  })
})

describe('indexProblems', () => {
  it.each([
    { label: 'a where value over 256 bytes', document: { done: 'x'.repeat(257) }, pointer: '/done' },
    { label: 'a tag over 256 bytes', document: { tags: ['ok', '😀'.repeat(65)] }, pointer: '/tags/1' },
    { label: 'a sort value over 100 bytes', document: { due: 'x'.repeat(101) }, pointer: '/due' },
    { label: 'a sorted object', document: { due: { y: 2026 } }, pointer: '/due' },
  ])('names $label', ({ document, pointer }) => {
    expect(indexProblems(document, TASK_INDEXES).map((problem) => problem.pointer)).toContain(pointer)
  })

  it.each([
    {
      label: 'values at the limits',
      document: { done: 'x'.repeat(256), due: 'x'.repeat(100), tags: ['😀'.repeat(64)] },
    },
    { label: 'missing members', document: {} },
    { label: 'an object to filter by (compared by its canonical JSON)', document: { done: { a: 1 } } },
  ])('finds nothing wrong with $label', ({ document }) => {
    expect(indexProblems(document, TASK_INDEXES)).toEqual([])
  })
})

describe('defineIndexes', () => {
  it('names each index by what it filters and sorts', () => {
    expect(TASK_INDEXES.map((index) => index.name)).toEqual([
      'where-done',
      'where-tags',
      'sort-due',
      'where-done+sort-due',
    ])
  })

  it.each([
    { label: 'a member with a "/"', declarations: [{ where: 'a/b' }] },
    { label: 'a reserved name', declarations: [{ where: 'limit' }] },
    { label: 'sort by "sort"', declarations: [{ sort: 'sort' }] },
    { label: 'neither where nor sort', declarations: [{}] },
    { label: 'each without where', declarations: [{ sort: 'due', each: true }] },
    { label: 'the same index twice', declarations: [{ where: 'done' }, { where: 'done' }] },
    { label: 'a 33-character member', declarations: [{ where: `a${'b'.repeat(32)}` }] },
  ])('throws at startup for $label', ({ declarations }) => {
    expect(() => defineIndexes(declarations)).toThrow()
  })
})

describe('readCollectionQuery', () => {
  it.each([
    { label: 'no query', parameters: [], want: null },
    {
      label: 'limit and cursor only',
      parameters: [
        ['limit', '5'],
        ['cursor', 'x'],
      ],
      want: null,
    },
    {
      label: '?done=false',
      parameters: [['done', 'false']],
      want: { name: 'where-done', where: 'false', direction: null, search: 'done=false' },
    },
    {
      label: '?tags=home',
      parameters: [['tags', 'home']],
      want: { name: 'where-tags', where: 'home', direction: null, search: 'tags=home' },
    },
    {
      label: '?sort=due',
      parameters: [['sort', 'due']],
      want: { name: 'sort-due', where: null, direction: 'a', search: 'sort=due' },
    },
    {
      label: '?sort=-due',
      parameters: [['sort', '-due']],
      want: { name: 'sort-due', where: null, direction: 'd', search: 'sort=-due' },
    },
    {
      label: '?sort=due&done=false, in any order',
      parameters: [
        ['sort', 'due'],
        ['done', 'false'],
      ],
      want: { name: 'where-done+sort-due', where: 'false', direction: 'a', search: 'done=false&sort=due' },
    },
    {
      label: 'an empty value',
      parameters: [['done', '']],
      want: { name: 'where-done', where: '', direction: null, search: 'done=' },
    },
    {
      label: 'a value needing escapes',
      parameters: [['tags', 'a&b c']],
      want: { name: 'where-tags', where: 'a&b c', direction: null, search: 'tags=a%26b+c' },
    },
  ] as const)('reads $label', ({ parameters, want }) => {
    const result = readCollectionQuery(TASK_INDEXES, parameters)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(
      result.query === null
        ? null
        : {
            name: result.query.index.name,
            where: result.query.where,
            direction: result.query.direction,
            search: result.query.search,
          },
    ).toEqual(want)
  })

  it.each([
    { label: 'a member no index filters by', parameters: [['title', 'x']] },
    { label: 'a misspelt member', parameters: [['don', 'false']] },
    {
      label: 'two filters no index serves together',
      parameters: [
        ['done', 'false'],
        ['tags', 'home'],
      ],
    },
    {
      label: 'a repeated filter',
      parameters: [
        ['done', 'false'],
        ['done', 'true'],
      ],
    },
    {
      label: 'a repeated sort',
      parameters: [
        ['sort', 'due'],
        ['sort', 'due'],
      ],
    },
    { label: 'a sort by a member no index sorts by', parameters: [['sort', 'title']] },
    { label: 'a malformed sort', parameters: [['sort', '--due']] },
    { label: 'an empty sort', parameters: [['sort', '']] },
    {
      label: 'a sort with a filter no index serves with it',
      parameters: [
        ['tags', 'home'],
        ['sort', 'due'],
      ],
    },
  ] as const)('refuses $label, naming what is supported', ({ parameters }) => {
    const result = readCollectionQuery(TASK_INDEXES, parameters)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.detail).toContain(describeQueries(TASK_INDEXES))
  })

  it('refuses any filter on a resource without indexes', () => {
    const result = readCollectionQuery([], [['done', 'false']])
    expect(result).toEqual({ ok: false, detail: expect.stringContaining('it declares no index') })
  })
})
