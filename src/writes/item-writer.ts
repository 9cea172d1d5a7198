/**
 * ItemWriter: the Durable Object that owns one item's authoritative bytes and validators and commits every
 * write to it, one at a time, so that If-Match and If-None-Match cannot lose an update. KV stays the read
 * path: after each commit the object publishes the item, and the collection's "changed" mark, to KV.
 *
 * One object per item (`getByName(id)`): writes to one item are linearizable, writes to different items never
 * wait for each other, and no object is a hot spot for the whole API.
 */

import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env.ts'
import type { ConditionalHeaders } from '../http/preconditions.ts'
import { markCollectionChanged } from '../items/collection.ts'
import {
  type DeleteOutcome,
  deleteItem,
  type ItemContent,
  type ItemRecords,
  type PutOutcome,
  putItem,
  refusalOf,
  type WritePolicy,
  type WriteRefusal,
} from '../items/item-writes.ts'
import { type ItemStore, type ItemValidators, KvItemStore } from '../store/item-store.ts'

/** WriterState is what the object keeps in its own transactional storage. */
interface WriterState {
  readonly id: string
  /** The item as last committed; null when it does not exist (never created, or deleted). */
  readonly item: { readonly bytes: Uint8Array; readonly validators: ItemValidators } | null
  /** Counts commits; the item's key in KV, and the collection's mark, catch up with it. */
  readonly version: number
  readonly publishedVersion: number
  readonly markedVersion: number
  /** When KV last accepted a write of this item's key, in ms. */
  readonly publishedAt: number
}

/** ItemWriterRpc is what the worker may call on an item's writer. */
export interface ItemWriterRpc {
  put(
    id: string,
    content: ItemContent,
    conditions: ConditionalHeaders,
    policy: WritePolicy,
  ): Promise<PutOutcome>
  remove(id: string, conditions: ConditionalHeaders, policy: WritePolicy): Promise<DeleteOutcome>
  refusal(id: string, conditions: ConditionalHeaders, policy: WritePolicy): Promise<WriteRefusal | null>
}

/**
 * itemWriterFor returns the writer of item `id`. Workers' generated stub types wrap each result in a
 * disposable type that loses discriminated unions; the methods return plain data, so the stub is typed by
 * the interface the class implements.
 *
 * @example await itemWriterFor(env, 'apple').remove('apple', conditions, policy)
 */
export function itemWriterFor(env: Env, id: string): ItemWriterRpc {
  return env.ITEM_WRITER.getByName(id) as unknown as ItemWriterRpc
}

const STATE_KEY = 'state'
/** KV accepts one write per second per key. */
const KV_WRITE_INTERVAL_MS = 1_000
/** How far past a second boundary to set an alarm meant to run in the next second. */
const NEXT_SECOND_MARGIN_MS = 50
/** How long after a failed publication to try again. */
const PUBLISH_RETRY_MS = 5_000

/**
 * ItemWriter is the Durable Object class bound as ITEM_WRITER. The worker calls its methods over RPC with
 * the request's preconditions and, for a PUT, the canonical bytes already validated.
 */
export class ItemWriter extends DurableObject<Env> implements ItemWriterRpc {
  /** Where committed items are published for reading; a field so tests can make KV fail. */
  publisher: ItemStore
  // Writes run one at a time: each waits for the one before it. Unlike blockConcurrencyWhile, this queue
  // has no time limit, so a burst on a hot item is slowed down, never refused.
  #queue: Promise<unknown> = Promise.resolve()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.publisher = new KvItemStore(env.ITEMS)
  }

  /** put creates or replaces the item if the preconditions hold, then publishes it to KV. */
  put(
    id: string,
    content: ItemContent,
    conditions: ConditionalHeaders,
    policy: WritePolicy,
  ): Promise<PutOutcome> {
    return this.#serialized(async () => {
      const outcome = await putItem(
        this.#records(id),
        { id, conditions, content: async () => content },
        policy,
      )
      if (outcome.result === 'created' || outcome.result === 'replaced') await this.#publish()
      return outcome
    })
  }

  /** remove deletes the item if it exists and the preconditions hold, then publishes the deletion. */
  remove(id: string, conditions: ConditionalHeaders, policy: WritePolicy): Promise<DeleteOutcome> {
    return this.#serialized(async () => {
      const outcome = await deleteItem(this.#records(id), { id, conditions }, policy)
      if (outcome.result === 'deleted') await this.#publish()
      return outcome
    })
  }

  /**
   * refusal says whether a PUT's preconditions fail, without writing: the worker asks when the request
   * content is unusable, because a failed precondition is answered before the content is looked at.
   */
  refusal(id: string, conditions: ConditionalHeaders, policy: WritePolicy): Promise<WriteRefusal | null> {
    return this.#serialized(async () => {
      const current = await this.#records(id).getValidators(id)
      return refusalOf('PUT', conditions, current, policy)
    })
  }

  /** alarm publishes what an earlier publication could not, retrying until KV takes it. */
  override async alarm(): Promise<void> {
    await this.#serialized(() => this.#publish())
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work)
    this.#queue = result.catch(() => undefined)
    return result
  }

  // The state is read from storage on every write rather than kept in a field: the runtime caches storage
  // in memory anyway, and there is then one copy of the truth.
  async #load(id: string): Promise<WriterState> {
    const stored = await this.ctx.storage.get<WriterState>(STATE_KEY)
    if (stored) return stored
    // A new object adopts what KV already holds for its id (the demo seed, or data from before writes went
    // through objects); from its first commit on, its own storage is the truth.
    const existing = await this.publisher.getItem(id)
    const bytes = existing ? new Uint8Array(await new Response(existing.body).arrayBuffer()) : null
    const item = existing && bytes ? { bytes, validators: existing.validators } : null
    return { id, item, version: 0, publishedVersion: 0, markedVersion: 0, publishedAt: 0 }
  }

  async #commit(next: WriterState): Promise<void> {
    await this.ctx.storage.put(STATE_KEY, next)
  }

  // One operation's view of the item: its state is loaded once, so a create reads KV once, not twice.
  #records(id: string): ItemRecords {
    let loaded: Promise<WriterState> | undefined
    const load = () => {
      loaded ??= this.#load(id)
      return loaded
    }
    return {
      getValidators: async () => (await load()).item?.validators ?? null,
      commitPut: async (_, bytes, validators) => {
        const state = await load()
        await this.#commit({ ...state, item: { bytes, validators }, version: state.version + 1 })
      },
      commitDelete: async () => {
        const state = await load()
        await this.#commit({ ...state, item: null, version: state.version + 1 })
      },
    }
  }

  /**
   * publish writes the committed state to KV: the item (or its deletion), then the collection's "changed"
   * mark. KV takes one write per second per key, so an item publication too soon after the last one waits
   * for the rest of that second; a collection mark never waits (see markCollectionChanged). When KV fails,
   * the write stays committed here and an alarm publishes the latest state later: an acknowledged write is
   * never lost, and KV converges to it.
   */
  async #publish(): Promise<void> {
    let state = await this.ctx.storage.get<WriterState>(STATE_KEY)
    if (state === undefined) return
    try {
      if (state.publishedVersion < state.version) {
        const wait = state.publishedAt + KV_WRITE_INTERVAL_MS - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        if (state.item) await this.publisher.putItem(state.id, state.item.bytes, state.item.validators)
        else await this.publisher.deleteItem(state.id)
        state = { ...state, publishedVersion: state.version, publishedAt: Date.now() }
        await this.#commit(state)
      }
      if (state.markedVersion < state.version) {
        if (await markCollectionChanged(this.publisher))
          await this.#commit({ ...state, markedVersion: state.version })
        // Unsettled: the collection changed twice within this second; mark it again once the second is over.
        else
          await this.ctx.storage.setAlarm((Math.floor(Date.now() / 1000) + 1) * 1000 + NEXT_SECOND_MARGIN_MS)
      }
    } catch (error) {
      console.warn(
        `ItemWriter ${state.id}: publishing version ${state.version} to KV failed; retrying`,
        error,
      )
      await this.ctx.storage.setAlarm(Date.now() + PUBLISH_RETRY_MS)
    }
  }
}
