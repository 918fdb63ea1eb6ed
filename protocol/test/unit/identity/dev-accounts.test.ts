import { describe, expect, it } from 'vitest'
import { devAccounts } from '../../../src/identity/dev-accounts.js'
import { hotkeyFromUri } from '../../../src/identity/hotkey.js'

// Substrate's well-known sr25519 dev addresses (prefix 42), as printed by `subkey inspect //<Name>`.
const KNOWN = {
  Alice: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  Bob: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
  Charlie: '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y',
  Dave: '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy',
  Eve: '5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw',
  Ferdie: '5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL',
}

describe('devAccounts', () => {
  it('lists //Alice … //Ferdie with their well-known addresses, in order', async () => {
    const accounts = devAccounts()
    expect(accounts.map((a) => a.name)).toEqual(Object.keys(KNOWN))
    for (const a of accounts) {
      expect(a.ss58, a.name).toBe(KNOWN[a.name])
      expect(a.uri).toBe(`//${a.name}`)
      expect((await hotkeyFromUri(a.uri)).ss58).toBe(a.ss58)
    }
  })
})
