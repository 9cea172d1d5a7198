/**
 * IdempotencyKeys: the Durable Object that remembers one Idempotency-Key of one resource
 * (draft-ietf-httpapi-idempotency-key-header), so that a POST retried after a lost answer creates nothing
 * twice. The object is named `<resource>/<digest of the key>`, so keys are scoped to their resource, and
 * every request with one key meets the same object, which decides one at a time:
 *
 *   - the first request with a key claims it, with the fingerprint of its content and the id to create;
 *   - a request with the same key and the same content while the first is in flight is told so (409), and
 *     once the first has created the document, is answered what the first was answered (a replay);
 *   - a request with the same key and other content is told so (422), as the draft asks.
 *
 * What the draft leaves open follows Stripe's API: a key is remembered for 24 hours; a request that failed
 * before it created anything (its content refused, storage unavailable) is not remembered, so it can be
 * retried with the same key; a replay says so in `Idempotent-Replayed: true`.
 */

import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env.ts'

/** KEY_LIFETIME_MS is how long a key is remembered: 24 hours. */
export const KEY_LIFETIME_MS = 24 * 3_600_000

/**
 * CLAIM_TIMEOUT_MS is how long a claim may stay in flight. One older than this was lost with the worker that
 * made it (a crash, a redeploy); a retry then takes it over, with the same id, so that whatever the lost
 * request did, the document is created once.
 */
export const CLAIM_TIMEOUT_MS = 30_000

/** RememberedAnswer is the 201 a create with the key was answered. */
export interface RememberedAnswer {
  readonly location: string
  readonly etag: string
  readonly lastModified: string
  /** The stored representation, as text (canonical JSON). */
  readonly body: string
}

/** Claim is what a request with a key learns: create (with this id), replay, wait, or refuse. */
export type Claim =
  | { readonly result: 'create'; readonly id: string }
  | { readonly result: 'replay'; readonly answer: RememberedAnswer }
  | { readonly result: 'in-flight' }
  | { readonly result: 'mismatch' }

interface KeyState {
  /** The fingerprint of the content the key was first used with: its canonical bytes' tag. */
  readonly fingerprint: string
  /** The id the create uses, chosen with the claim so that a retry of a lost claim creates the same one. */
  readonly id: string
  readonly claimedAt: number
  readonly expiresAt: number
  readonly answer: RememberedAnswer | null
}

const STATE_KEY = 'key'

/** IdempotencyKeysRpc is what the worker may call on a key's object. */
export interface IdempotencyKeysRpc {
  claim(fingerprint: string, id: string): Promise<Claim>
  remember(answer: RememberedAnswer): Promise<void>
  release(): Promise<void>
}

async function digestOf(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key))
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * idempotencyKeyFor returns the object that remembers `key` for `resource`.
 *
 * @example const claim = await (await idempotencyKeyFor(env, 'tasks', key)).claim(etag, uuidV7())
 */
export async function idempotencyKeyFor(
  env: Env,
  resource: string,
  key: string,
): Promise<IdempotencyKeysRpc> {
  return env.IDEMPOTENCY_KEYS.getByName(`${resource}/${await digestOf(key)}`) as unknown as IdempotencyKeysRpc
}

/**
 * IdempotencyKeys is the Durable Object class bound as IDEMPOTENCY_KEYS. Each method reads and writes its
 * state with no other I/O in between, so the runtime's input gate makes each one atomic.
 */
export class IdempotencyKeys extends DurableObject<Env> implements IdempotencyKeysRpc {
  /**
   * claim returns what a request with this key and content (`fingerprint`) is to do; `id` is the id it would
   * create, used only when the key is new (or its claim was lost).
   */
  async claim(fingerprint: string, id: string): Promise<Claim> {
    const now = Date.now()
    const held = await this.ctx.storage.get<KeyState>(STATE_KEY)
    const state = held !== undefined && held.expiresAt > now ? held : null
    if (state !== null && state.fingerprint !== fingerprint) return { result: 'mismatch' }
    if (state?.answer) return { result: 'replay', answer: state.answer }
    if (state !== null && now - state.claimedAt < CLAIM_TIMEOUT_MS) return { result: 'in-flight' }
    // New, expired, or a claim lost in flight (then its id is kept).
    const claimed: KeyState = {
      fingerprint,
      id: state?.id ?? id,
      claimedAt: now,
      expiresAt: state?.expiresAt ?? now + KEY_LIFETIME_MS,
      answer: null,
    }
    await this.ctx.storage.put(STATE_KEY, claimed)
    await this.ctx.storage.setAlarm(claimed.expiresAt)
    return { result: 'create', id: claimed.id }
  }

  /** remember keeps the answer of the create that held the claim, for the rest of the key's lifetime. */
  async remember(answer: RememberedAnswer): Promise<void> {
    const state = await this.ctx.storage.get<KeyState>(STATE_KEY)
    if (state !== undefined) await this.ctx.storage.put(STATE_KEY, { ...state, answer })
  }

  /** release forgets a claim whose create failed before it created anything, so the key can be used again. */
  async release(): Promise<void> {
    const state = await this.ctx.storage.get<KeyState>(STATE_KEY)
    if (state !== undefined && state.answer === null) await this.ctx.storage.deleteAll()
  }

  /** alarm forgets the key once its 24 hours are over. */
  override async alarm(): Promise<void> {
    const state = await this.ctx.storage.get<KeyState>(STATE_KEY)
    if (state === undefined || state.expiresAt <= Date.now()) await this.ctx.storage.deleteAll()
    else await this.ctx.storage.setAlarm(state.expiresAt)
  }
}
