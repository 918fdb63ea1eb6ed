import type { ApiPromise } from '@polkadot/api'
import type { Codec } from '@polkadot/types/types'
import { ChainError } from '../errors.js'

interface ExtensionMeta {
  identifier: Codec
  type: Codec
}

// A type carries nothing when its default value encodes to zero bytes (unit, PhantomData-only structs).
function isEmptyType(api: ApiPromise, id: Codec): boolean {
  const type = api.registry.createLookupType(Number(id.toString()))
  return api.registry.createType(type).toU8a().length === 0
}

/**
 * Subtensor adds transaction extensions polkadot-js does not know; it treats them as carrying nothing,
 * which is right only while their payload types are empty (reference/chain.md §1). Fail at startup, naming
 * them, the day one of them starts carrying data, instead of sending transactions with bad proofs.
 */
export async function checkTransactionExtensions(api: ApiPromise): Promise<string[]> {
  // Lazy for the same reason as @polkadot/api in connect.ts.
  const { findUnknownExtensions } = await import('@polkadot/types/extrinsic/signedExtensions')
  const extrinsic = api.runtimeMetadata.asLatest.extrinsic as unknown as {
    signedExtensions?: ExtensionMeta[]
    transactionExtensions?: ExtensionMeta[]
  }
  const list = [...(extrinsic.transactionExtensions ?? extrinsic.signedExtensions ?? [])]
  const unknown = new Set(findUnknownExtensions(list.map((e) => e.identifier.toString())))
  const carrying = list
    .filter((e) => unknown.has(e.identifier.toString()))
    // Only the explicit part: polkadot-js' V15→V16 conversion fills `implicit` with type 0 (lost information).
    .filter((e) => !isEmptyType(api, e.type))
    .map((e) => e.identifier.toString())
  if (carrying.length > 0) {
    throw new ChainError(
      { code: 'CHAIN_UNSUPPORTED', missing: carrying.map((c) => `transaction extension ${c}`) },
      `the runtime has transaction extensions with data polkadot-js cannot fill: ${carrying.join(', ')}`,
    )
  }
  return [...unknown]
}
