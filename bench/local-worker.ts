/**
 * The worker as benchmarks run it: the bundle `wrangler deploy --dry-run` builds, served by workerd through
 * the Miniflare API (not `wrangler dev`, whose proxy adds milliseconds per request), with Miniflare's local KV.
 */

import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'

export const TOKEN = 'bench-token'

/**
 * buildBundle runs `wrangler deploy --dry-run` (with another wrangler config when given) into `outdir` and
 * returns the path of the bundle.
 */
export function buildBundle(outdir = 'dist', config?: string): string {
  // Absolute, because wrangler resolves --outdir against the config file's folder.
  const args = ['deploy', '--dry-run', '--outdir', resolve(outdir), ...(config ? ['--config', config] : [])]
  const result = spawnSync('wrangler', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    shell: process.platform === 'win32',
  })
  if (result.status !== 0) throw new Error('wrangler deploy --dry-run failed')
  // The bundle is named after the entry module (index.js for src/index.ts).
  const bundle = readdirSync(outdir).find((name) => name.endsWith('.js'))
  if (bundle === undefined) throw new Error(`wrangler deploy --dry-run wrote no bundle into ${outdir}`)
  return `${outdir}/${bundle}`
}

/**
 * startWorker serves a bundle on a free loopback port and returns its URL with a function to stop it. A
 * bundle gets the bindings of its own generation (DocumentWriter and DOCUMENTS now; ItemWriter and ITEMS
 * before resources were declarations; ITEMS alone before writes went through objects), so older builds can be
 * measured beside this one.
 */
export async function startWorker(
  scriptPath: string,
  bindings: Record<string, string> = {},
): Promise<{ url: URL; stop: () => Promise<void> }> {
  const script = readFileSync(scriptPath, 'utf8')
  const storage = script.includes('DocumentWriter')
    ? {
        kvNamespaces: { DOCUMENTS: 'bench-documents' },
        durableObjects: { DOCUMENT_WRITER: { className: 'DocumentWriter', useSQLite: true } },
      }
    : script.includes('ItemWriter')
      ? {
          kvNamespaces: { ITEMS: 'bench-items' },
          durableObjects: { ITEM_WRITER: { className: 'ItemWriter', useSQLite: true } },
        }
      : { kvNamespaces: { ITEMS: 'bench-items' } }
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      modules: true,
      scriptPath,
      // A bundle may live outside this folder (an older build); its own folder is the root of its modules.
      modulesRoot: dirname(resolve(scriptPath)),
      compatibilityDate: '2026-11-01',
      compatibilityFlags: ['nodejs_compat'],
      ...storage,
      bindings: { API_TOKEN: TOKEN, MAX_BODY_BYTES: String(2_000_000), ...bindings },
    }),
  )
  return { url: await miniflare.ready, stop: () => miniflare.dispose() }
}

/** putItem stores a JSON value through the API and returns the response. */
export function putItem(base: URL, id: string, value: unknown, headers: Record<string, string> = {}) {
  return fetch(new URL(`/api/items/${id}`, base), {
    method: 'PUT',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(value),
  })
}

/** percentile returns the p-th percentile (0-100) of some numbers, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
}
