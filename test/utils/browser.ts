import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { browserEnabled } from './services.js'

/** Debian's chromium, or the binary `KINITRO_CHROMIUM` names. */
export const CHROMIUM = process.env.KINITRO_CHROMIUM ?? '/usr/bin/chromium'

// reference/toolchain.md: the flags Debian's Chromium needs headless in a container.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Whether this process runs browser tests (see `serviceEnabled`). */
export function chromiumEnabled(): Promise<boolean> {
  return browserEnabled(CHROMIUM)
}

/** Launch headless chromium; a clear error when the binary is missing although browser tests are required. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium), point KINITRO_CHROMIUM at a binary, or set KINITRO_TEST_BROWSER=0 to skip the browser tests`,
    )
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS })
}
