// How a message carries its send time and identity through validation to the receiver (see load.ts).

/**
 * Where a message's send time travels: the result's 32-byte `jobId`, which validation only checks for
 * length (the job semantics hook, which would re-derive it, is the node's and is not installed here).
 * Layout: send time (u64 ns, big endian) | case id (u32) | publisher (u16) | sequence (u32) | filler.
 */
export interface Stamp {
  sentNs: bigint
  caseId: number
  publisher: number
  seq: number
}

const STAMP_FILLER = 0xb1

export function encodeStamp(s: Stamp): Uint8Array {
  const out = new Uint8Array(32).fill(STAMP_FILLER)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, s.sentNs)
  view.setUint32(8, s.caseId)
  view.setUint16(12, s.publisher)
  view.setUint32(14, s.seq)
  return out
}

/** The stamp in a job id, or undefined for a job id this bench did not make. */
export function decodeStamp(jobId: Uint8Array): Stamp | undefined {
  if (jobId.length !== 32) return undefined
  for (let i = 18; i < 32; i++) if (jobId[i] !== STAMP_FILLER) return undefined
  const view = new DataView(jobId.buffer, jobId.byteOffset, 32)
  return {
    sentNs: view.getBigUint64(0),
    caseId: view.getUint32(8),
    publisher: view.getUint16(12),
    seq: view.getUint32(14),
  }
}
