/**
 * Builds the demo page (demo/) into public/, the folder Workers Static Assets serves: index.html and favicon.svg as they are, and
 * main.ts and style.css bundled by esbuild (main.js, style.css), with nothing left to load from the
 * internet; and the API reference page into public/docs/ (scripts/build-reference.ts). `wrangler dev`, `wrangler deploy` and `npm run build` run it first (the [build] command in
 * wrangler.toml), and `wrangler dev` runs it again when a file under demo/ or client/ changes.
 *
 * Usage: node scripts/build-demo.ts
 */

import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { buildReference, REFERENCE_FOLDER } from './build-reference.ts'

/** DEMO_OUTPUT is the folder of built assets, `[assets] directory` in wrangler.toml; it is never committed. */
export const DEMO_OUTPUT = fileURLToPath(new URL('../public/', import.meta.url))

const DEMO_SOURCE = fileURLToPath(new URL('../demo/', import.meta.url))

/** STATIC_FILES are served as they are written in demo/. */
const STATIC_FILES = ['index.html', 'favicon.svg']

/**
 * buildDemo writes the page into DEMO_OUTPUT, then removes whatever else is there (a file removed from demo/
 * must not stay served from an earlier build). The folder itself is never emptied first: two `wrangler dev`
 * started at once each run this build, and one must not delete the folder while the other writes into it.
 *
 * @example
 * await buildDemo() // public/index.html, public/main.js, public/style.css
 */
export async function buildDemo(): Promise<void> {
  mkdirSync(DEMO_OUTPUT, { recursive: true })
  for (const file of STATIC_FILES) copyFileSync(`${DEMO_SOURCE}${file}`, `${DEMO_OUTPUT}${file}`)
  const { metafile } = await build({
    entryPoints: [`${DEMO_SOURCE}main.ts`, `${DEMO_SOURCE}style.css`],
    outdir: DEMO_OUTPUT,
    bundle: true,
    format: 'esm',
    // Evergreen browsers only: the page uses top-level await and private fields as written.
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    // The source map lets a forker read the page's TypeScript in the browser's developer tools.
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  })
  await buildReference(DEMO_OUTPUT)
  const built = new Set([
    ...STATIC_FILES,
    REFERENCE_FOLDER,
    ...Object.keys(metafile.outputs).map((output) => basename(output)),
  ])
  for (const entry of readdirSync(DEMO_OUTPUT)) {
    if (!built.has(entry)) rmSync(`${DEMO_OUTPUT}${entry}`, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDemo()
  console.log(`Built the demo page into ${DEMO_OUTPUT}`)
}
