/**
 * Origin mode's records (src/origin/origin-record.ts) in Workers KV: one key per origin URL, its value the
 * record as JSON. KV is eventually consistent and last-writer-wins; a record that another edge overwrote or
 * has not seen yet costs a download, never a wrong answer, because our ETags are hashes of the bytes.
 */

import { StorageUnavailableError } from '../documents/document.ts'
import { sha256Base64url } from '../http/content-etag.ts'
import { type OriginRecord, type OriginRecords, parseOriginRecord } from '../origin/origin-record.ts'
import { originRecordKey } from './keys.ts'

/**
 * RECORD_TTL_SECONDS lets a record of a URL nobody asks for any more go (30 days after it last changed), so
 * that URLs seen once (a query string made up each time) do not stay in KV for ever. A popular URL whose bytes
 * never change is recorded afresh after it: one download, and a new first-seen date.
 */
export const RECORD_TTL_SECONDS = 30 * 86_400

async function keyOf(url: string): Promise<string> {
  return originRecordKey(await sha256Base64url(url))
}

/**
 * KvOriginRecords keeps origin records in a KV namespace (the DOCUMENTS one: its keys cannot collide).
 *
 * @example const records = new KvOriginRecords(env.DOCUMENTS)
 */
export class KvOriginRecords implements OriginRecords {
  readonly #kv: KVNamespace

  constructor(kv: KVNamespace) {
    this.#kv = kv
  }

  async get(url: string): Promise<OriginRecord | null> {
    const key = await keyOf(url)
    try {
      return parseOriginRecord(await this.#kv.get(key, 'json'))
    } catch (error) {
      if (error instanceof SyntaxError) return null
      throw new StorageUnavailableError('KV get', error)
    }
  }

  async put(url: string, record: OriginRecord): Promise<void> {
    const key = await keyOf(url)
    try {
      await this.#kv.put(key, JSON.stringify(record), { expirationTtl: RECORD_TTL_SECONDS })
    } catch (error) {
      throw new StorageUnavailableError('KV put', error)
    }
  }
}
