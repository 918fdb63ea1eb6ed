#!/usr/bin/env node
// The shim must be evaluated before any module that touches libp2p; importing it first, in this order,
// is what `node --import` would do, without a second process.
import '../compat/promise-with-resolvers.mjs'
import { existsSync } from 'node:fs'

const main = new URL('../dist/cli/main.js', import.meta.url)
if (!existsSync(main)) {
  console.error('kinitro: dist/ is missing. Run `npm run build` (npm ci runs it for you).')
  process.exit(1)
}
await import(main.href)
