import { DEV_ACCOUNT_NAMES } from './constants.js'
import { pairFromUri, ss58FromPublicKey } from './hotkey.js'

/** A well-known development account: anyone can sign as it, so only the dev chain may fund it. */
export interface DevAccount {
  /** `Alice`, `Bob`, … */
  name: (typeof DEV_ACCOUNT_NAMES)[number]
  /** Secret URI, e.g. `//Alice`; pass it to `hotkeyFromUri`. */
  uri: string
  /** SS58 address (prefix 42). */
  ss58: string
}

/** The well-known dev accounts (`//Alice` … `//Ferdie`) with their addresses, in Substrate's order. */
export function devAccounts(): DevAccount[] {
  return DEV_ACCOUNT_NAMES.map((name) => {
    const uri = `//${name}`
    return { name, uri, ss58: ss58FromPublicKey(pairFromUri(uri).publicKey) }
  })
}
