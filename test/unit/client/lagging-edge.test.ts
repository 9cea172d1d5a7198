import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../client/index.ts'
import { KV_PROPAGATION_MS, mayNotHaveReached, servedOlderThanHeld } from '../../../client/lagging-edge.ts'
import { clientWith, document, lm, noContent, notModified, problem } from './fake-fetch.ts'

const held = (lastModified: string | null, body: string | null = '{}') => ({
  etag: '"held"',
  lastModified,
  body,
})

describe('servedOlderThanHeld', () => {
  it.each([
    { case: 'an earlier date', entry: held(lm(5)), served: { etag: '"x"', lastModified: lm(4) }, want: true },
    { case: 'the same date', entry: held(lm(5)), served: { etag: '"x"', lastModified: lm(5) }, want: false },
    { case: 'a later date', entry: held(lm(5)), served: { etag: '"x"', lastModified: lm(6) }, want: false },
    { case: 'no served date', entry: held(lm(5)), served: { etag: '"x"', lastModified: null }, want: false },
    { case: 'no held date', entry: held(null), served: { etag: '"x"', lastModified: lm(0) }, want: false },
    {
      case: 'an unreadable date',
      entry: held(lm(5)),
      served: { etag: '"x"', lastModified: 'soon' },
      want: false,
    },
    {
      case: 'the deleted version itself',
      entry: held(lm(5), null),
      served: { etag: '"held"', lastModified: lm(5) },
      want: true,
    },
    {
      case: 'another version in the second of the delete',
      entry: held(lm(5), null),
      served: { etag: '"new"', lastModified: lm(5) },
      want: false,
    },
    {
      case: 'a version older than the deleted one',
      entry: held(lm(5), null),
      served: { etag: '"x"', lastModified: lm(1) },
      want: true,
    },
  ])('$case: $want', ({ entry, served, want }) => {
    expect(servedOlderThanHeld(entry, served)).toBe(want)
  })
})

describe('mayNotHaveReached', () => {
  const at = (seconds: number) => Date.parse(lm(seconds))
  it.each([
    { case: 'a 404 a second after the version', entry: held(lm(0)), answeredAt: at(1), want: true },
    {
      case: 'a 404 just within the window',
      entry: held(lm(0)),
      answeredAt: KV_PROPAGATION_MS - 1 + at(0),
      want: true,
    },
    { case: 'a 404 once the window has passed', entry: held(lm(0)), answeredAt: at(60), want: false },
    { case: 'a tombstone', entry: held(lm(0), null), answeredAt: at(1), want: false },
    { case: 'no held date', entry: held(null), answeredAt: at(1), want: false },
  ])('$case: $want', ({ entry, answeredAt, want }) => {
    expect(mayNotHaveReached(entry, answeredAt)).toBe(want)
  })
})

describe('a read after the client own write', () => {
  const MINE = { title: 'Mine', done: true }
  const OLD = { title: 'Old', done: false }

  it('keeps its own write when a lagging edge serves an older version (staleIgnored)', async () => {
    const { tasks, client, exchanges } = clientWith([
      document(MINE, '"mine"', lm(10)),
      document(OLD, '"old"', lm(3)),
    ])
    await tasks.put('t', MINE)
    expect(await tasks.get('t')).toEqual({
      value: MINE,
      etag: '"mine"',
      lastModified: lm(10),
      fromCache: true,
    })
    expect(client.stats).toMatchObject({ staleIgnored: 1, hits: 0, misses: 0 })
    expect(exchanges.map((exchange) => exchange.outcome)).toEqual(['updated', 'stale'])
  })

  it('and then still revalidates with its own tag', async () => {
    const { tasks, sent } = clientWith([
      document(MINE, '"mine"', lm(10)),
      document(OLD, '"old"', lm(3)),
      notModified('"mine"', lm(10)),
    ])
    await tasks.put('t', MINE)
    await tasks.get('t')
    await tasks.get('t')
    expect(sent[2]?.headers['if-none-match']).toBe('"mine"')
  })

  it('takes a newer version written by someone else', async () => {
    const theirs = { title: 'Theirs', done: false }
    const { tasks, client } = clientWith([
      document(MINE, '"mine"', lm(10)),
      document(theirs, '"theirs"', lm(11)),
    ])
    await tasks.put('t', MINE)
    expect(await tasks.get('t')).toMatchObject({ value: theirs, fromCache: false })
    expect(client.stats.staleIgnored).toBe(0)
  })

  it('keeps its held date when a 304 carries an older one', async () => {
    const { tasks, client } = clientWith([document(MINE, '"mine"', lm(10)), notModified('"mine"', lm(2))])
    await tasks.put('t', MINE)
    expect(await tasks.get('t')).toMatchObject({ lastModified: lm(10), fromCache: true })
    expect(client.stats).toMatchObject({ hits: 1, staleIgnored: 1 })
  })

  it('keeps its own create when an edge that has not seen it answers 404 within the window', async () => {
    const { tasks, client } = clientWith([
      document(MINE, '"mine"', lm(10), 201),
      problem(404, 'There is no document tasks/t', {}, { Date: lm(12) }),
    ])
    await tasks.createAt('t', MINE)
    expect(await tasks.get('t')).toMatchObject({ value: MINE, fromCache: true })
    expect(client.stats.staleIgnored).toBe(1)
  })

  it('believes a 404 once the window has passed', async () => {
    const { tasks } = clientWith([
      document(MINE, '"mine"', lm(10), 201),
      problem(404, 'There is no document tasks/t', {}, { Date: lm(75) }),
    ])
    await tasks.createAt('t', MINE)
    await expect(tasks.get('t')).rejects.toMatchObject({ status: 404 })
  })

  it('treats the version it deleted, served by a lagging edge, as gone', async () => {
    const { tasks, client, exchanges } = clientWith([
      document(OLD, '"old"', lm(3)),
      noContent(),
      document(OLD, '"old"', lm(3)),
    ])
    await tasks.get('t')
    await tasks.delete('t')
    const error = await tasks.get('t').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 404 })
    expect(client.stats.staleIgnored).toBe(1)
    expect(exchanges.map((exchange) => exchange.outcome)).toEqual(['miss', 'deleted', 'stale'])
  })

  it('sees a document created again after its delete', async () => {
    const { tasks } = clientWith([document(OLD, '"old"', lm(3)), noContent(), document(MINE, '"new"', lm(4))])
    await tasks.get('t')
    await tasks.delete('t')
    expect(await tasks.get('t')).toMatchObject({ value: MINE, fromCache: false })
  })
})
