/**
 * Runs before every test of both projects: a test that ends without a single assertion fails, since a test that
 * cannot fail is a defect (STYLE.md).
 */

import { beforeEach, expect } from 'vitest'

beforeEach(() => {
  expect.hasAssertions()
})
