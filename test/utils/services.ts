import { existsSync } from 'node:fs'
import { Client } from 'pg'

/**
 * Tests that need a system service (PostgreSQL, Debian's chromium) run when it is there. `KINITRO_TEST_<NAME>`
 * decides: `1` requires it (CI sets this, so a missing service fails the run), `0` skips, unset probes and
 * skips with a notice when absent, so `npm test` also works on a machine with only Node and npm.
 */
export async function serviceEnabled(name: 'PG' | 'BROWSER', probe: () => Promise<boolean>): Promise<boolean> {
  const mode = process.env[`KINITRO_TEST_${name}`]
  if (mode === '0') return false
  if (mode === '1') return true
  const ok = await probe().catch(() => false)
  if (!ok) {
    process.stderr.write(
      `\nnotice: ${name === 'PG' ? 'PostgreSQL' : 'chromium'} is not available: its tests are skipped (KINITRO_TEST_${name}=1 makes them required)\n`,
    )
  }
  return ok
}

/** The PostgreSQL the tests use (trust auth on 127.0.0.1, database `test`). */
export const TEST_PG_URL = process.env.KINITRO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Whether PostgreSQL tests run in this process. */
export function pgEnabled(url = TEST_PG_URL): Promise<boolean> {
  return serviceEnabled('PG', async () => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 })
    try {
      await client.connect()
      return true
    } finally {
      await client.end().catch(() => {})
    }
  })
}

/** Whether browser tests run in this process. */
export function browserEnabled(executable: string): Promise<boolean> {
  return serviceEnabled('BROWSER', async () => existsSync(executable))
}
