/**
 * DocumentWriter: the Durable Object that owns one document's authoritative bytes and validators and
 * commits every write to it, one at a time, so that If-Match and If-None-Match cannot lose an update. KV
 * stays the read path: after each commit the object publishes the document to KV.
 *
 * One class serves every resource: an object is named `<resource>/<id>` (`getByName`), so a new resource
 * needs no binding and no migration. Writes to one document are linearizable, writes to different documents
 * never wait for each other, and no object is a hot spot for the whole API.
 */

import { DurableObject } from 'cloudflare:workers'
import { indexKeysOf } from '../documents/collection-index.ts'
import type { DocumentTarget } from '../documents/document.ts'
import type { ContentVerdict } from '../documents/document-content.ts'
import type { DocumentStore } from '../documents/document-store.ts'
import {
  type CommittedDocument,
  type DocumentRecords,
  deleteDocument,
  oneWinnerAtMost,
  type PatchVerdict,
  patchDocument,
  putDocument,
  type WriteOutcome,
  type WritePolicy,
} from '../documents/document-writes.ts'
import { rulesOf } from '../documents/resource-rules.ts'
import type { Env } from '../env.ts'
import type { ConditionalHeaders } from '../http/preconditions.ts'
import { KvDocumentStore } from './kv-document-store.ts'

/** WriterState is what the object keeps in its own transactional storage. */
interface WriterState {
  readonly target: DocumentTarget
  /** The document as last committed; null when it does not exist (never created, or deleted). */
  readonly document: CommittedDocument | null
  /** The Last-Modified of the latest version committed, kept when it is deleted (absent in older states). */
  readonly lastModified?: string
  /** Counts commits; the document's key in KV catches up with it. */
  readonly version: number
  readonly publishedVersion: number
  /** When KV last accepted a write of this document's key, in ms. */
  readonly publishedAt: number
  /** The index entries of the published version, in KV (absent: none yet). */
  readonly indexKeys?: readonly string[]
}

/** DocumentWriterRpc is what the worker may call on a document's writer. */
export interface DocumentWriterRpc {
  put(
    target: DocumentTarget,
    content: ContentVerdict,
    conditions: ConditionalHeaders,
    policy: WritePolicy,
  ): Promise<WriteOutcome>
  patch(
    target: DocumentTarget,
    patch: PatchVerdict,
    conditions: ConditionalHeaders,
    policy: WritePolicy,
  ): Promise<WriteOutcome>
  remove(target: DocumentTarget, conditions: ConditionalHeaders, policy: WritePolicy): Promise<WriteOutcome>
  reindex(target: DocumentTarget): Promise<ReindexOutcome>
}

/** ReindexOutcome is what a reindex did: the entries its document now has, or that the writer failed. */
export type ReindexOutcome =
  | { readonly result: 'reindexed'; readonly entries: number }
  | { readonly result: 'failed' }

/**
 * documentWriterFor returns the writer of one document. Workers' generated stub types wrap each result in
 * a disposable type that loses discriminated unions; the methods return plain data, so the stub is typed by
 * the interface the class implements.
 *
 * @example await documentWriterFor(env, { resource: 'tasks', id: 'a1' }).remove(target, conditions, policy)
 */
export function documentWriterFor(env: Env, { resource, id }: DocumentTarget): DocumentWriterRpc {
  return env.DOCUMENT_WRITER.getByName(`${resource}/${id}`) as unknown as DocumentWriterRpc
}

const STATE_KEY = 'state'
/** KV accepts one write per second per key. */
const KV_WRITE_INTERVAL_MS = 1_000
/** How long after a failed publication to try again. */
const PUBLISH_RETRY_MS = 5_000
/**
 * WriterLimits bound the writes waiting for one document. A document takes about one change per second
 * (Last-Modified must move, KV takes one write per second per key), so a write past these limits is refused
 * at once with 503 and Retry-After, and nothing is tried.
 */
export interface WriterLimits {
  /**
   * Writes that may each commit, waiting at once. Ten are ten seconds of latency already. Writes of which at
   * most one can win (If-Match with one tag, If-None-Match: *) are not counted: the losers are refused by
   * their preconditions without waiting, so a race of fifty still gets one winner and forty-nine 412s.
   */
  readonly writes: number
  /** Writes of any kind waiting at once, those not counted in `writes` included. */
  readonly allWrites: number
  /** Bytes of content waiting at once, held in the object's 128 MB. */
  readonly bytes: number
  /**
   * How long a write may wait for its turn. Writes that each win at most once can still take turns winning
   * (a create with If-None-Match: *, a delete with its tag, again and again), so the count alone does not
   * bound the wait; a write whose turn comes later than this is refused, so none waits much longer.
   */
  readonly waitMs: number
}

/** WRITER_LIMITS are the limits a DocumentWriter starts with. */
export const WRITER_LIMITS: WriterLimits = {
  writes: 10,
  allWrites: 100,
  bytes: 16 * 1_048_576,
  waitMs: 15_000,
}

/**
 * DocumentWriter is the Durable Object class bound as DOCUMENT_WRITER. The worker calls its methods over
 * RPC with the request's preconditions and its content, already read and checked (or the reason it cannot
 * be stored, which the object answers only once the preconditions hold).
 */
export class DocumentWriter extends DurableObject<Env> implements DocumentWriterRpc {
  /** Where committed documents are published for reading; a field so tests can make KV fail. */
  publisher: DocumentStore
  /** The bounds of the write queue; a field so tests can shorten them. */
  limits: WriterLimits = WRITER_LIMITS
  // Writes run one at a time: each waits for the one before it. Unlike blockConcurrencyWhile, this queue
  // has no time limit, so a burst on a hot document is slowed down, never refused.
  #queue: Promise<unknown> = Promise.resolve()
  // What waits in the queue: every write, the writes that may each commit (see WriterLimits), bytes.
  #waiting = 0
  #waitingCommits = 0
  #waitingBytes = 0

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.publisher = new KvDocumentStore(env.DOCUMENTS)
  }

  /** put creates or replaces the document if the preconditions hold and the content is storable. */
  put(target: DocumentTarget, content: ContentVerdict, conditions: ConditionalHeaders, policy: WritePolicy) {
    const bytes = content.ok ? content.content.bytes.byteLength : 0
    return this.#write(target, bytes, conditions, (records) =>
      putDocument(records, { conditions, content }, policy),
    )
  }

  /** patch merges a patch into the document, checks the result against the resource's schema, commits. */
  patch(target: DocumentTarget, patch: PatchVerdict, conditions: ConditionalHeaders, policy: WritePolicy) {
    const rules = rulesOf(target.resource)
    if (rules === null) throw new Error(`No resource is declared as "${target.resource}"`)
    const bytes = patch.ok ? patch.json.length : 0
    return this.#write(target, bytes, conditions, (records) =>
      patchDocument(records, { conditions, patch, rules }, policy),
    )
  }

  /** remove deletes the document if it exists and the preconditions hold. */
  remove(target: DocumentTarget, conditions: ConditionalHeaders, policy: WritePolicy) {
    return this.#write(target, 0, conditions, (records) => deleteDocument(records, { conditions }, policy))
  }

  /**
   * reindex writes the index entries of the document as it stands (adopting it from KV when this object has
   * never written it), and removes entries it no longer has: the backfill of an index declared after
   * documents were stored.
   */
  async reindex(target: DocumentTarget): Promise<ReindexOutcome> {
    return this.#serialized(async () => {
      try {
        const state = await this.#load(target)
        const indexKeys = await this.#publishIndexes(state)
        await this.ctx.storage.put(STATE_KEY, { ...state, indexKeys })
        return { result: 'reindexed', entries: indexKeys.length }
      } catch (error) {
        console.error(`DocumentWriter ${target.resource}/${target.id}: reindexing failed`, error)
        return { result: 'failed' }
      }
    })
  }

  // Writes the index entries of the state's document and deletes the entries of the version before it that
  // it no longer has; returns the entries it has now. Each entry's key holds the document's id, so no write
  // here touches a key another document writes.
  async #publishIndexes(state: WriterState): Promise<string[]> {
    const { target, document } = state
    const indexes = rulesOf(target.resource)?.indexes ?? []
    const keys =
      document === null || indexes.length === 0
        ? []
        : await indexKeysOf(
            target.resource,
            target.id,
            JSON.parse(new TextDecoder().decode(document.bytes)) as Record<string, unknown>,
            indexes,
          )
    if (document !== null && keys.length > 0) {
      await this.publisher.putIndexEntries(keys, {
        etag: document.validators.etag,
        size: document.bytes.byteLength,
      })
    }
    const stale = (state.indexKeys ?? []).filter((key) => !keys.includes(key))
    if (stale.length > 0) await this.publisher.deleteIndexEntries(stale)
    return keys
  }

  /** alarm publishes what an earlier publication could not, retrying until KV takes it. */
  override async alarm(): Promise<void> {
    await this.#serialized(() => this.#publish())
  }

  // One write: decide and commit against this object's state, then publish what changed, then answer. A
  // write that finds the queue full is refused before it waits, and one whose turn comes too late is refused
  // then; one alone is never refused, whatever its size.
  async #write(
    target: DocumentTarget,
    bytes: number,
    conditions: ConditionalHeaders,
    decide: (records: DocumentRecords) => Promise<WriteOutcome>,
  ): Promise<WriteOutcome> {
    const limits = this.limits
    const mayCommit = !oneWinnerAtMost(conditions)
    const full =
      (mayCommit && this.#waitingCommits >= limits.writes) ||
      this.#waiting >= limits.allWrites ||
      this.#waitingBytes + bytes > limits.bytes
    if (this.#waiting > 0 && full) return { result: 'busy' }
    const arrived = Date.now()
    this.#waiting++
    if (mayCommit) this.#waitingCommits++
    this.#waitingBytes += bytes
    try {
      return await this.#serialized(async () => {
        if (Date.now() - arrived > limits.waitMs) return { result: 'busy' }
        let committed = false
        let outcome: WriteOutcome
        try {
          outcome = await decide(this.#records(target, () => (committed = true)))
        } catch (error) {
          // Whatever failed (loading the state, or the commit itself), the commit did not happen. Answered as
          // data, not thrown: the worker answers 503, and the runtime logs no uncaught exception.
          console.error(
            `DocumentWriter ${target.resource}/${target.id}: the write failed; nothing was committed`,
            error,
          )
          return { result: 'failed' }
        }
        if (committed) await this.#publish()
        return outcome
      })
    } finally {
      this.#waiting--
      if (mayCommit) this.#waitingCommits--
      this.#waitingBytes -= bytes
    }
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work)
    this.#queue = result.catch(() => undefined)
    return result
  }

  // The state is read from storage on every write rather than kept in a field: the runtime caches storage
  // in memory anyway, and there is then one copy of the truth.
  async #load(target: DocumentTarget): Promise<WriterState> {
    const stored = await this.ctx.storage.get<WriterState>(STATE_KEY)
    if (stored) return stored
    // A new object adopts what KV already holds for its document (the demo seed, or data written before
    // writes went through objects); from its first commit on, its own storage is the truth.
    const existing = await this.publisher.get(target)
    const bytes = existing ? new Uint8Array(await new Response(existing.body).arrayBuffer()) : null
    const document = existing && bytes ? { bytes, validators: existing.validators } : null
    return { target, document, version: 0, publishedVersion: 0, publishedAt: 0 }
  }

  // One operation's view of the document: its state is loaded once, so a create reads KV once, not twice.
  #records(target: DocumentTarget, onCommit: () => void): DocumentRecords {
    let loaded: Promise<WriterState> | undefined
    const load = () => {
      loaded ??= this.#load(target)
      return loaded
    }
    return {
      current: async () => (await load()).document,
      lastModified: async () => {
        const state = await load()
        return state.document?.validators.lastModified ?? state.lastModified
      },
      commit: async (document) => {
        const state = await load()
        const lastModified = document?.validators.lastModified ?? state.document?.validators.lastModified
        await this.ctx.storage.put(STATE_KEY, {
          ...state,
          document,
          ...(lastModified === undefined ? {} : { lastModified }),
          version: state.version + 1,
        })
        onCommit()
      },
    }
  }

  /**
   * publish writes the committed state to KV: the document, or its deletion. KV takes one write per second
   * per key, so a publication too soon after the last one waits for the rest of that second. When KV fails,
   * the write stays committed here and an alarm publishes the latest state later: an acknowledged write is
   * never lost, and KV converges to it.
   */
  async #publish(): Promise<void> {
    const state = await this.ctx.storage.get<WriterState>(STATE_KEY)
    if (state === undefined || state.publishedVersion >= state.version) return
    try {
      const wait = state.publishedAt + KV_WRITE_INTERVAL_MS - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const { document, target } = state
      if (document) {
        await this.publisher.put(
          target,
          { bytes: document.bytes, etag: document.validators.etag },
          document.validators,
        )
      } else {
        await this.publisher.delete(target)
      }
      const indexKeys = await this.#publishIndexes(state)
      await this.ctx.storage.put(STATE_KEY, {
        ...state,
        indexKeys,
        publishedVersion: state.version,
        publishedAt: Date.now(),
      })
    } catch (error) {
      const { resource, id } = state.target
      console.warn(
        `DocumentWriter ${resource}/${id}: publishing version ${state.version} to KV failed; retrying`,
        error,
      )
      await this.ctx.storage.setAlarm(Date.now() + PUBLISH_RETRY_MS)
    }
  }
}
