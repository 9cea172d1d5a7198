/**
 * Builds the API reference page into public/docs/: Swagger UI's prebuilt bundle and styles copied from the
 * swagger-ui-dist package (pinned in package.json, so nothing comes from a CDN), and the page's own HTML,
 * styles and start-up script from demo/reference/. scripts/build-demo.ts calls it.
 */

import { copyFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** REFERENCE_FOLDER is the page's folder under the assets: it answers at /docs/ (and /docs redirects there). */
export const REFERENCE_FOLDER = 'docs'

const SOURCE = fileURLToPath(new URL('../demo/reference/', import.meta.url))
const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const SWAGGER_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css']

/**
 * buildReference writes the page into `<output>/docs/`.
 *
 * @example await buildReference('/path/to/public/') // public/docs/index.html, swagger-ui-bundle.js, ...
 */
export async function buildReference(output: string): Promise<void> {
  const folder = join(output, REFERENCE_FOLDER)
  mkdirSync(folder, { recursive: true })
  for (const file of SWAGGER_UI_FILES) copyFileSync(join(SWAGGER_UI, file), join(folder, file))
  copyFileSync(join(SOURCE, 'index.html'), join(folder, 'index.html'))
  await build({
    entryPoints: [join(SOURCE, 'reference.ts'), join(SOURCE, 'reference.css')],
    outdir: folder,
    bundle: true,
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
}
