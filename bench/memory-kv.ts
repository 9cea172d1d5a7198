/**
 * A floor-cost KV for benchmarks: the parts of the KVNamespace API this worker uses, on a Map in the
 * isolate's memory. Miniflare's KV simulator costs about a millisecond per operation, which hides the
 * worker's own cost; with this one, what is measured is the worker.
 */

type Value = { bytes: Uint8Array; metadata: unknown }
type GetType = 'text' | 'json' | 'arrayBuffer' | 'stream'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function typeOf(options: unknown): GetType {
  if (typeof options === 'string') return options as GetType
  return ((options as { type?: GetType } | undefined)?.type ?? 'text') as GetType
}

function decode(bytes: Uint8Array, type: GetType): unknown {
  switch (type) {
    case 'text':
      return decoder.decode(bytes)
    case 'json':
      return JSON.parse(decoder.decode(bytes))
    case 'arrayBuffer':
      return bytes.slice().buffer
    case 'stream':
      return lengthKnownStream(bytes)
  }
}

/**
 * lengthKnownStream returns the bytes as a stream whose length the runtime knows (workerd's `expectedLength`),
 * as KV's streams are, so a response built on it gets a Content-Length. Nothing is copied until it is read, so
 * a 304 that cancels it costs nothing.
 */
function lengthKnownStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      expectedLength: bytes.byteLength,
      pull(controller) {
        controller.enqueue(bytes.slice())
        controller.close()
      },
    },
    { highWaterMark: 0 },
  )
}

/** MemoryKv holds values and metadata in a Map; cast it to KVNamespace to bind it. */
export class MemoryKv {
  readonly #values = new Map<string, Value>()

  async get(key: string | string[], options?: unknown): Promise<unknown> {
    const type = typeOf(options)
    if (Array.isArray(key)) {
      return new Map(key.map((name) => [name, this.#read(name, type)]))
    }
    return this.#read(key, type)
  }

  async getWithMetadata(key: string, options?: unknown): Promise<{ value: unknown; metadata: unknown }> {
    const value = this.#values.get(key)
    return { value: value ? decode(value.bytes, typeOf(options)) : null, metadata: value?.metadata ?? null }
  }

  async put(key: string, value: string | ArrayBuffer | ArrayBufferView, options?: { metadata?: unknown }) {
    const bytes =
      typeof value === 'string'
        ? encoder.encode(value)
        : value instanceof ArrayBuffer
          ? new Uint8Array(value.slice(0))
          : new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength))
    this.#values.set(key, { bytes, metadata: options?.metadata ?? null })
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key)
  }

  async list(options: { prefix?: string } = {}) {
    const prefix = options.prefix ?? ''
    const names = [...this.#values.keys()].filter((name) => name.startsWith(prefix)).sort()
    return { keys: names.map((name) => ({ name })), list_complete: true, cacheStatus: null }
  }

  #read(key: string, type: GetType): unknown {
    const value = this.#values.get(key)
    return value ? decode(value.bytes, type) : null
  }
}
