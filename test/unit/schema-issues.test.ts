import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { validationErrors } from '../../src/documents/schema-issues.ts'

// An issue as some validators report it: Standard Schema's fields, plus zod's `keys` on unrecognized_keys.
type Issue = StandardSchemaV1.Issue & { readonly keys?: unknown }

const SYMBOL = Symbol('s')

// The issues a schema reports for a value, failing the test if the value passes.
async function issuesOf(
  schema: StandardSchemaV1,
  value: unknown,
): Promise<readonly StandardSchemaV1.Issue[]> {
  const result = await schema['~standard'].validate(value)
  if (result.issues === undefined) throw new Error(`expected ${JSON.stringify(value)} to fail validation`)
  return result.issues
}

describe('validationErrors', () => {
  it.each<{ label: string; path: Issue['path']; want: string }>([
    { label: 'no path', path: undefined, want: '' },
    { label: 'an empty path', path: [], want: '' },
    { label: 'one member', path: ['title'], want: '/title' },
    { label: 'a member and an index', path: ['tags', 3], want: '/tags/3' },
    { label: 'an index at the top', path: [0], want: '/0' },
    { label: '{ key } segments', path: [{ key: 'tags' }, { key: 3 }], want: '/tags/3' },
    {
      label: 'plain and { key } segments mixed',
      path: ['a', { key: 'b' }, 2, { key: 'c' }],
      want: '/a/b/2/c',
    },
    { label: 'a name with "/"', path: ['a/b'], want: '/a~1b' },
    { label: 'a name with "~"', path: ['m~n'], want: '/m~0n' },
    { label: 'a { key } with "/" and "~"', path: [{ key: '~/' }], want: '/~0~1' },
    { label: 'an empty name', path: [''], want: '/' },
    { label: 'a name of digits', path: ['01'], want: '/01' },
    { label: 'a symbol', path: [SYMBOL], want: '/Symbol(s)' },
  ])('points at "$want" for an issue with $label', ({ path, want }) => {
    const issue: Issue = path === undefined ? { message: 'Wrong' } : { message: 'Wrong', path }
    expect(validationErrors([issue])).toEqual([{ pointer: want, detail: 'Wrong' }])
  })

  it('keeps one error per issue, in the order of the issues', () => {
    const issues: Issue[] = [
      { message: 'Required', path: ['title'] },
      { message: 'Too long', path: ['tags', 3] },
      { message: 'Not an object', path: [] },
    ]
    expect(validationErrors(issues)).toEqual([
      { pointer: '/title', detail: 'Required' },
      { pointer: '/tags/3', detail: 'Too long' },
      { pointer: '', detail: 'Not an object' },
    ])
  })

  it('returns no errors for no issues', () => {
    expect(validationErrors([])).toEqual([])
  })

  describe('an issue listing unknown members in `keys`', () => {
    it.each<{ label: string; issue: Issue; want: string[] }>([
      {
        label: 'at the top',
        issue: { message: 'Unrecognized keys', path: [], keys: ['a', 'b'] },
        want: ['/a', '/b'],
      },
      {
        label: 'with no path',
        issue: { message: 'Unrecognized keys', keys: ['a'] },
        want: ['/a'],
      },
      {
        label: 'under a path of its own',
        issue: { message: 'Unrecognized keys', path: ['author', { key: 0 }], keys: ['a', 'b'] },
        want: ['/author/0/a', '/author/0/b'],
      },
      {
        label: 'whose names need escaping',
        issue: { message: 'Unrecognized keys', path: ['x/y'], keys: ['a/b', 'm~n', ''] },
        want: ['/x~1y/a~1b', '/x~1y/m~0n', '/x~1y/'],
      },
    ])('becomes one error per member, $label', ({ issue, want }) => {
      const errors = validationErrors([issue])
      expect(errors.map(({ pointer }) => pointer)).toEqual(want)
    })

    it('names each member in its detail', () => {
      const issue: Issue = { message: 'Unrecognized keys', keys: ['extra', 'say "hi"'] }
      const errors = validationErrors([issue])
      expect(errors).toEqual([
        { pointer: '/extra', detail: '"extra" is not a member this resource accepts' },
        { pointer: '/say "hi"', detail: '"say \\"hi\\"" is not a member this resource accepts' },
      ])
    })

    it.each<{ label: string; keys: unknown }>([
      { label: 'empty', keys: [] },
      { label: 'not an array', keys: 'a' },
      { label: 'not all strings', keys: ['a', 1] },
    ])('is one error at its own path when `keys` is $label', ({ keys }) => {
      const issue: Issue = { message: 'Odd', path: ['p'], keys }
      expect(validationErrors([issue])).toEqual([{ pointer: '/p', detail: 'Odd' }])
    })
  })

  describe('with a real zod schema', () => {
    const schema = z.strictObject({ a: z.string(), n: z.array(z.number()) })

    it('points at a wrong type inside an array and at an unknown member', async () => {
      const errors = validationErrors(await issuesOf(schema, { a: 'x', n: [1, 'two'], extra: true }))
      expect(errors.map(({ pointer }) => pointer).sort()).toEqual(['/extra', '/n/1'])
      expect(errors.find(({ pointer }) => pointer === '/extra')?.detail).toBe(
        '"extra" is not a member this resource accepts',
      )
    })

    it('points at a missing member, and at the whole document when it is not an object', async () => {
      expect(validationErrors(await issuesOf(schema, { n: [] }))).toEqual([
        { pointer: '/a', detail: expect.any(String) },
      ])
      expect(validationErrors(await issuesOf(schema, [1]))).toEqual([
        { pointer: '', detail: expect.any(String) },
      ])
    })

    it('points at unknown members of a nested object by their escaped names', async () => {
      const nested = z.strictObject({ inner: z.array(z.strictObject({ ok: z.boolean() })) })
      const errors = validationErrors(
        await issuesOf(nested, { inner: [{ ok: true }, { ok: true, 'a/b': 1, 'm~n': 2 }] }),
      )
      expect(errors.map(({ pointer }) => pointer).sort()).toEqual(['/inner/1/a~1b', '/inner/1/m~0n'])
    })
  })
})
