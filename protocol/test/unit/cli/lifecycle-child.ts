import { runUntilStopped } from '../../../src/cli/lifecycle.js'

// A long-running command for lifecycle.test.ts: `linger` leaves a handle open that nothing closes (as a
// library timer would), `fail` makes the graceful stop throw.
const mode = process.argv[2] ?? 'clean'
if (mode === 'linger') setInterval(() => {}, 1_000)
// Announced once runUntilStopped has installed its handlers (it does so synchronously, before this runs).
setImmediate(() => console.log('ready'))
await runUntilStopped(async () => {
  await new Promise((r) => setTimeout(r, 50))
  if (mode === 'fail') throw new Error('store would not close')
  console.log('stopped')
})
console.log('returned')
