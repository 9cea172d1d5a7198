/**
 * A test origin whose replicas disagree, as real ones behind a load balancer do: two plain Node servers that
 * serve the same JSON documents from one shared store, each with validators of its own (replica A: a strong
 * inode-size-mtime tag like Apache's default, its own mtime and pretty-printed JSON; replica B: an
 * mtime-size tag like nginx's, an mtime an hour later, compact JSON with the keys in reverse order), behind a
 * round robin. Each replica answers a matching If-None-Match of its own tags with a 304 and checks If-Match
 * on writes against them, and both count what they send, so a test can see what edge-etag saved the origin.
 *
 * Used by the integration tests (started in vitest's globalSetup), the e2e check, the origin bench, and the
 * README's session: `npx node scripts/replica-origin.ts [port]` serves it until stopped.
 *
 * Paths:
 *   /users/1, /users, ...     JSON documents (GET, HEAD, PUT with If-Match, DELETE), their paths read as Tomcat
 *                             and Spring read them: `/users;x=1//%31` is /users/1
 *   /hello.txt                the same text on both replicas, with different tags
 *   /me                       the caller's own data (from Authorization or Cookie), Cache-Control: private
 *   /greeting                 Vary: Accept-Language, and only a weak ETag
 *   /session                  JSON with a Set-Cookie on every answer;  /deflate  a deflate-coded body
 *   /odd-connection           a Connection field that names no field
 *   /fail                     503 with Retry-After;  /slow?ms=N  answers after N ms;  /hangup  drops the connection;  /broken  breaks off its body
 *   /echo                     the request fields the replica received, as JSON (Cache-Control: no-store)
 *   /reflect?name=...         an HTML page that writes `name` into itself unescaped: a reflected XSS, on purpose
 *   /tenant                   the caller's own document (chosen by X-Api-Key), with one strong ETag for every
 *                             caller and no Vary: an origin that reuses tags across representations
 *   /no-store, /vary-star     public JSON with Cache-Control: no-store, or with Vary: *
 *   /located?status=N&location=...&content-location=...&csp=...&refresh=...&link=...   an answer of status N
 *                             with those fields (a 3xx with a Location: an HTML page that links to it)
 *   /gzip                     JSON in gzip;  /gzip-bomb  32 MiB of zeros in 32 KB of gzip
 *   /trickle?parts=N&gap=MS&status=S   a JSON body sent in N parts, MS ms apart
 *   /bulk?bytes=N&status=S&type=json   N bytes of text at once (type=json: a JSON array of one string)
 *   /switching                a 101 Switching Protocols nobody asked for
 *   /__replicas/stats         GET: what each replica served;  /__replicas/reset  POST: documents and counters
 *   /__replicas/conditions    GET: the last If-None-Match each replica received (null: none)
 *   /__replicas/documents/... PUT: replace a document behind every replica's back (a deploy, another writer)
 */

import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { deflateSync, gzipSync } from 'node:zlib'

/** ReplicaStats is what one replica has sent since the last reset. */
export interface ReplicaStats {
  requests: number
  /** 200 responses with a body (GET). */
  full: number
  /** 304 responses to the replica's own tags. */
  notModified: number
  /** Bytes of response bodies sent. */
  bodyBytes: number
}

/** ReplicaOrigin is a running origin: its round-robin URL, the replicas' own URLs, and a way to stop it. */
export interface ReplicaOrigin {
  readonly url: URL
  readonly replicas: readonly URL[]
  stop(): Promise<void>
}

interface StoredDocument {
  value: Record<string, unknown>
  /** When the content last changed, in whole seconds, as a file's mtime. */
  changedAt: number
}

const SEED: Readonly<Record<string, Record<string, unknown>>> = {
  '/users/1': { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'author'] },
  '/users/2': { id: 2, name: 'Alan Turing', email: 'alan@example.com', roles: ['author'] },
  '/users': {
    users: [
      { id: 1, name: 'Ada Lovelace' },
      { id: 2, name: 'Alan Turing' },
    ],
    total: 2,
  },
}
const HELLO = 'Hello from the origin.\n'
/**
 * DEPLOYED_AT is when the seed documents last changed, fixed so that every start (and every reset) gives them
 * the same validators, as a deployed origin would.
 */
const DEPLOYED_AT = Date.parse('2026-11-01T09:00:00Z') / 1000

function freshStore(): Map<string, StoredDocument> {
  const changedAt = DEPLOYED_AT
  return new Map(
    Object.entries(SEED).map(([path, value]) => [path, { value: structuredClone(value), changedAt }]),
  )
}

function emptyStats(): ReplicaStats {
  return { requests: 0, full: 0, notModified: 0, bodyBytes: 0 }
}

/** Replica renders documents and validators its own way; the two differ in every way that does not matter. */
interface Replica {
  readonly name: string
  render(value: Record<string, unknown>): string
  /** mtime is this replica's idea of when a document changed (deploys copy files at different times). */
  mtime(document: StoredDocument): number
  etag(bytes: number, mtime: number): string
  stats: ReplicaStats
  /** The If-None-Match of the last request this replica received, or null. */
  lastIfNoneMatch: string | null
}

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, member]) => [key, reversedKeys(member)]),
  )
}

const REPLICAS: readonly Omit<Replica, 'stats' | 'lastIfNoneMatch'>[] = [
  {
    name: 'a',
    render: (value) => `${JSON.stringify(value, null, 2)}\n`,
    mtime: (document) => document.changedAt,
    etag: (bytes, mtime) => `"2c1f-${bytes.toString(16)}-${mtime.toString(16)}"`,
  },
  {
    name: 'b',
    render: (value) => JSON.stringify(reversedKeys(value)),
    mtime: (document) => document.changedAt + 3_600,
    etag: (bytes, mtime) => `"${mtime.toString(16)}-${bytes.toString(16)}"`,
  },
]

function tagsOf(field: string | undefined): string[] {
  return (field ?? '').split(',').map((tag) => tag.trim())
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(
  replica: Replica,
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body = '',
): void {
  const bytes = Buffer.from(body)
  const sent = request.method === 'HEAD' || status === 304 || status === 204 ? 0 : bytes.byteLength
  replica.stats.bodyBytes += sent
  if (status === 304) replica.stats.notModified++
  if (status === 200 && sent > 0) replica.stats.full++
  response.writeHead(status, {
    ...headers,
    'X-Replica': replica.name,
    'Content-Length': String(bytes.byteLength),
  })
  response.end(request.method === 'HEAD' ? undefined : bytes)
}

function serveText(replica: Replica, request: IncomingMessage, response: ServerResponse, store: Store): void {
  const mtime = replica.mtime({ value: {}, changedAt: store.startedAt })
  const etag = replica.etag(Buffer.byteLength(HELLO), mtime)
  const headers = {
    'Content-Type': 'text/plain; charset=utf-8',
    ETag: etag,
    'Last-Modified': new Date(mtime * 1000).toUTCString(),
    'Cache-Control': 'public, max-age=0, must-revalidate',
  }
  const matched = tagsOf(request.headers['if-none-match']).some((tag) => opaque(tag) === opaque(etag))
  send(replica, request, response, matched ? 304 : 200, headers, matched ? '' : HELLO)
}

async function serveDocument(
  replica: Replica,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  store: Store,
): Promise<void> {
  const document = store.documents.get(path)
  const current = document === undefined ? null : replica.render(document.value)
  const mtime = document === undefined ? 0 : replica.mtime(document)
  const etag = current === null ? null : replica.etag(Buffer.byteLength(current), mtime)
  const method = request.method ?? 'GET'
  if (method === 'PUT' || method === 'DELETE') {
    const ifMatch = request.headers['if-match']
    // If-Match compares strongly (RFC 9110 section 13.1.1): a weak tag, ours or anyone's, never matches.
    const matches =
      ifMatch === undefined ||
      (ifMatch.trim() === '*' && etag !== null) ||
      tagsOf(ifMatch).some(
        (tag) => etag !== null && !tag.startsWith('W/') && !etag.startsWith('W/') && tag === etag,
      )
    const body = method === 'PUT' ? await bodyOf(request) : ''
    if (!matches)
      return send(
        replica,
        request,
        response,
        412,
        { 'Content-Type': 'application/json' },
        '{"error":"precondition failed"}',
      )
    if (method === 'DELETE') {
      store.documents.delete(path)
      return send(replica, request, response, 204, {})
    }
    let value: unknown
    try {
      value = JSON.parse(body)
    } catch {
      return send(
        replica,
        request,
        response,
        400,
        { 'Content-Type': 'application/json' },
        '{"error":"bad json"}',
      )
    }
    const changedAt = Math.max(Math.floor(Date.now() / 1000), (document?.changedAt ?? 0) + 1)
    store.documents.set(path, { value: value as Record<string, unknown>, changedAt })
    return send(
      replica,
      request,
      response,
      document === undefined ? 201 : 200,
      { 'Content-Type': 'application/json', ...(document === undefined ? { Location: path } : {}) },
      '{"saved":true}',
    )
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return send(replica, request, response, 405, { Allow: 'GET, HEAD, PUT, DELETE' })
  }
  if (current === null || etag === null) {
    return send(
      replica,
      request,
      response,
      404,
      { 'Content-Type': 'application/json' },
      '{"error":"not found"}',
    )
  }
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    ETag: etag,
    'Last-Modified': new Date(mtime * 1000).toUTCString(),
    'Cache-Control': 'public, max-age=0, must-revalidate',
    Vary: 'Accept-Encoding',
  }
  // If-None-Match compares weakly (RFC 9110 section 13.1.2), against this replica's own tag only.
  if (tagsOf(request.headers['if-none-match']).some((tag) => opaque(tag) === opaque(etag))) {
    return send(replica, request, response, 304, headers)
  }
  send(replica, request, response, 200, headers, current)
}

// targetOf returns the URL a request names. Not `new URL(request.url, base)`: a path that starts with "//"
// would read as a host.
function targetOf(request: IncomingMessage): URL {
  return new URL(`http://origin.test${request.url ?? '/'}`)
}

// documentPath returns the document a path names, read as many servers read one: path parameters (";x=1")
// dropped, as Tomcat and Spring drop them, empty segments merged, as nginx's merge_slashes does, then
// percent-decoded. So a client has many spellings of one document, which edge-etag must record once.
function documentPath(pathname: string): string {
  const segments = pathname.split('/').map((segment) => segment.split(';', 1)[0] ?? '')
  const kept = segments.filter(
    (segment, index) => segment !== '' || index === 0 || index === segments.length - 1,
  )
  try {
    return decodeURIComponent(kept.join('/'))
  } catch {
    return kept.join('/')
  }
}

interface Store {
  documents: Map<string, StoredDocument>
  startedAt: number
}

// GZIP_BOMB is 32 MiB of zeros, gzipped to about 32 KB: made once, on first use.
let gzipBomb: Buffer | undefined

// TENANTS are the documents /tenant serves, by X-Api-Key.
const TENANTS: Readonly<Record<string, string>> = {
  'key-ada': '{"tenant":"ada","plan":"enterprise","secret":"lovelace"}',
  'key-alan': '{"tenant":"alan","plan":"free"}',
}

// reflectedPage is a page that writes a query parameter into its HTML unescaped: the bug an origin app may
// have, and that edge-etag must keep from reaching this worker's origin (its storage, its token).
function reflectedPage(name: string): string {
  return `<!doctype html><html><head><title>Hello</title></head><body><p>Hello, ${name}!</p></body></html>\n`
}

function replicaHandler(replica: Replica, store: Store) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    replica.stats.requests++
    replica.lastIfNoneMatch = request.headers['if-none-match'] ?? null
    const url = targetOf(request)
    const json = { 'Content-Type': 'application/json' }
    const status = Number(url.searchParams.get('status') ?? 200)
    switch (url.pathname) {
      case '/echo': {
        const body = JSON.stringify({ method: request.method, headers: request.headers })
        return send(replica, request, response, 200, { ...json, 'Cache-Control': 'no-store' }, body)
      }
      case '/reflect': {
        const page = reflectedPage(url.searchParams.get('name') ?? 'world')
        return send(replica, request, response, 200, { 'Content-Type': 'text/html; charset=utf-8' }, page)
      }
      case '/tenant': {
        const body = TENANTS[String(request.headers['x-api-key'])] ?? '{"tenant":null}'
        const headers = { ...json, ETag: '"v1"', 'Cache-Control': 'public, max-age=0, must-revalidate' }
        const matched = tagsOf(request.headers['if-none-match']).includes('"v1"')
        return send(replica, request, response, matched ? 304 : 200, headers, matched ? '' : body)
      }
      case '/no-store':
        return send(replica, request, response, 200, { ...json, 'Cache-Control': 'no-store' }, '{"n":1}')
      case '/vary-star':
        return send(replica, request, response, 200, { ...json, Vary: '*' }, '{"n":2}')
      case '/located': {
        const headers: Record<string, string> = { ...json }
        const location = url.searchParams.get('location')
        const contentLocation = url.searchParams.get('content-location')
        const policy = url.searchParams.get('csp')
        const refresh = url.searchParams.get('refresh')
        const link = url.searchParams.get('link')
        if (location !== null) headers.Location = location
        if (contentLocation !== null) headers['Content-Location'] = contentLocation
        if (policy !== null) headers['Content-Security-Policy'] = policy
        if (refresh !== null) headers.Refresh = refresh
        if (link !== null) headers.Link = link
        if (status >= 300 && status < 400 && location !== null) {
          // A redirect's page, as Express writes one: it names the Location too.
          const page = `<p>Found. Redirecting to <a href="${location}">${location}</a></p>`
          return send(replica, request, response, status, { ...headers, 'Content-Type': 'text/html' }, page)
        }
        return send(replica, request, response, status, headers, '{"located":true}')
      }
      case '/gzip': {
        const body = gzipSync(Buffer.from(replica.render({ compressed: 'with gzip', by: 'the origin' })))
        response.writeHead(200, {
          ...json,
          'Content-Encoding': 'gzip',
          'Content-Length': String(body.length),
          'X-Replica': replica.name,
        })
        return response.end(body)
      }
      case '/gzip-bomb': {
        gzipBomb ??= gzipSync(Buffer.alloc(32 * 1_048_576), { level: 9 })
        response.writeHead(200, {
          'Content-Type': 'application/octet-stream',
          'Content-Encoding': 'gzip',
          'Content-Length': String(gzipBomb.length),
        })
        return response.end(gzipBomb)
      }
      case '/trickle': {
        const parts = Number(url.searchParams.get('parts') ?? 3)
        const gap = Number(url.searchParams.get('gap') ?? 100)
        response.writeHead(status, { ...json, 'X-Replica': replica.name })
        response.write('[0')
        for (let part = 1; part < parts; part++) {
          await new Promise((resolve) => setTimeout(resolve, gap))
          if (response.destroyed) return
          response.write(`,${part}`)
        }
        return response.end(']')
      }
      case '/bulk': {
        const bytes = Number(url.searchParams.get('bytes') ?? 1_048_576)
        if (url.searchParams.get('type') !== 'json') {
          return send(replica, request, response, status, { 'Content-Type': 'text/plain' }, 'x'.repeat(bytes))
        }
        // Not canonical (the spaces), so a canonicalised answer is told from one sent as it came.
        const body = `[ "${'x'.repeat(Math.max(0, bytes - 6))}" ]`
        return send(replica, request, response, status, json, body)
      }
      case '/hello.txt':
        return serveText(replica, request, response, store)
      case '/me': {
        const who = request.headers.authorization ?? request.headers.cookie ?? 'anonymous'
        const body = JSON.stringify({ user: who, replica: replica.name })
        return send(replica, request, response, 200, { ...json, 'Cache-Control': 'private, max-age=0' }, body)
      }
      case '/greeting': {
        const french = (request.headers['accept-language'] ?? '').startsWith('fr')
        const body = JSON.stringify(
          { greeting: french ? 'Bonjour' : 'Hello' },
          null,
          replica.name === 'a' ? 2 : 0,
        )
        return send(
          replica,
          request,
          response,
          200,
          {
            ...json,
            Vary: 'Accept-Language',
            'Cache-Control': 'no-cache',
            ETag: `W/"${replica.name}-${body.length}"`,
          },
          body,
        )
      }
      case '/fail':
        return send(
          replica,
          request,
          response,
          503,
          { ...json, 'Retry-After': '30' },
          '{"error":"overloaded"}',
        )
      case '/session': {
        // The same JSON from both replicas, with a cookie renewed on every answer (a 304 included).
        const headers = { ...json, 'Set-Cookie': `session=renewed-by-${replica.name}; Path=/; HttpOnly` }
        return send(replica, request, response, 200, headers, '{"signedIn":true}')
      }
      case '/deflate': {
        // A coding the Workers runtime does not decode as it reads.
        const body = deflateSync(Buffer.from('{"compressed": "with deflate"}'))
        response.writeHead(200, {
          ...json,
          'Content-Encoding': 'deflate',
          'Content-Length': String(body.length),
        })
        return response.end(body)
      }
      case '/slow': {
        await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('ms') ?? 5_000)))
        return send(replica, request, response, 200, json, '{"slow":true}')
      }
      default:
        return serveDocument(replica, request, response, documentPath(url.pathname), store)
    }
  }
}

function listen(server: Server, port: number): Promise<URL> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo
      resolve(new URL(`http://127.0.0.1:${bound}/`))
    }),
  )
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

/**
 * startReplicaOrigin starts both replicas and the round robin in front of them (on `port`, or a free one) and
 * resolves with their URLs.
 *
 * @example const origin = await startReplicaOrigin(); ...; await origin.stop()
 */
export async function startReplicaOrigin(port = 0): Promise<ReplicaOrigin> {
  const store: Store = { documents: freshStore(), startedAt: DEPLOYED_AT }
  const replicas: Replica[] = REPLICAS.map((replica) => ({
    ...replica,
    stats: emptyStats(),
    lastIfNoneMatch: null,
  }))
  const servers = replicas.map((replica) => createServer(replicaHandler(replica, store)))
  const replicaUrls = await Promise.all(servers.map((server) => listen(server, 0)))
  let next = 0
  const front = createServer((request, response) => {
    const url = targetOf(request)
    // The load balancer itself failing: the connection is dropped without an answer.
    if (url.pathname === '/hangup') return request.socket.destroy()
    // A 101 that nobody asked for (no Upgrade was sent): the connection switches to nothing.
    if (url.pathname === '/switching') {
      request.socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: nothing\r\n\r\n',
      )
      setTimeout(() => request.socket.destroy(), 50)
      return
    }
    // A Connection field naming things that are no field names.
    if (url.pathname === '/odd-connection') {
      response.writeHead(200, { 'Content-Type': 'application/json', Connection: 'keep-alive, , x y' })
      return response.end('{"odd":true}')
    }
    // An answer cut short: a JSON head promising more bytes than ever come.
    if (url.pathname === '/broken') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' })
      response.write('{"users": [')
      setTimeout(() => response.destroy(), 50)
      return
    }
    const answered = url.pathname.startsWith('/__replicas/')
      ? control(request, response, url.pathname)
      : balance(request, response, url)
    // A replica stopping under a pending request (the end of a test run): the client sees a 502.
    answered.catch(() => {
      if (!response.headersSent) response.writeHead(502).end()
      else response.destroy()
    })
  })

  // balance passes a request to the next replica and its answer back, bytes untouched (a body in a content
  // coding stays coded), as a load balancer without stickiness does.
  function balance(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const target = replicaUrls[next++ % replicaUrls.length] as URL
    const headers = { ...request.headers }
    delete headers.host
    delete headers.connection
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        `${target.origin}${url.pathname}${url.search}`,
        { method: request.method ?? 'GET', headers },
        (answer) => {
          const forwarded = { ...answer.headers }
          delete forwarded.connection
          delete forwarded['keep-alive']
          response.writeHead(answer.statusCode ?? 502, forwarded)
          answer.pipe(response)
          answer.on('end', resolve)
          answer.on('error', reject)
        },
      )
      upstream.on('error', reject)
      request.pipe(upstream)
    })
  }

  async function control(request: IncomingMessage, response: ServerResponse, path: string) {
    const json = { 'Content-Type': 'application/json' }
    if (path === '/__replicas/stats') {
      const stats = Object.fromEntries(replicas.map((replica) => [replica.name, replica.stats]))
      response.writeHead(200, json).end(JSON.stringify(stats))
    } else if (path === '/__replicas/conditions') {
      const seen = Object.fromEntries(replicas.map((replica) => [replica.name, replica.lastIfNoneMatch]))
      response.writeHead(200, json).end(JSON.stringify(seen))
    } else if (path === '/__replicas/reset' && request.method === 'POST') {
      store.documents = freshStore()
      for (const replica of replicas) {
        replica.stats = emptyStats()
        replica.lastIfNoneMatch = null
      }
      next = 0
      response.writeHead(204).end()
    } else if (path.startsWith('/__replicas/documents/') && request.method === 'PUT') {
      const documentAt = path.slice('/__replicas/documents'.length)
      const previous = store.documents.get(documentAt)?.changedAt ?? 0
      const changedAt = Math.max(Math.floor(Date.now() / 1000), previous + 1)
      store.documents.set(documentAt, { value: JSON.parse(await bodyOf(request)), changedAt })
      response.writeHead(204).end()
    } else {
      response.writeHead(404, json).end('{"error":"no such control"}')
    }
  }

  const url = await listen(front, port)
  return {
    url,
    replicas: replicaUrls,
    stop: async () => {
      await Promise.all([front, ...servers].map(close))
    },
  }
}

if (import.meta.main) {
  const origin = await startReplicaOrigin(Number(process.argv[2] ?? 8788))
  console.log(
    `Two replicas behind a round robin at ${origin.url.href} (replicas: ${origin.replicas.join(', ')})`,
  )
  console.log(`Try: curl -i ${origin.url.href}users/1   (twice: each replica answers with a different ETag)`)
}
