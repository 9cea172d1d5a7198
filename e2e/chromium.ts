/**
 * Headless Chromium for the checks from outside: Debian's build (apt-get install -y chromium), driven by
 * playwright-core, which cannot download a browser of its own here.
 */

import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** CHROMIUM is where Debian installs the browser. */
export const CHROMIUM = '/usr/bin/chromium'

/** CHROMIUM_ARGS run it headless, offline from Google's services, in a container without a sandbox. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/**
 * launchChromium starts headless Chromium, or fails saying how to install it.
 *
 * @example const browser = await launchChromium()
 */
export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`)
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 })
}
