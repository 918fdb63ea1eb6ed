import { createHash } from 'node:crypto'
import { type MessageBodies, type MessageType, type Signer, sealEnvelope, type TopicName, topicOfType } from '#protocol'
import type { Store } from '../store/index.js'

/** Seals our own messages and records them: log (so sync serves them) + outbox (so they get published). */
export interface OwnMessages {
  /**
   * Seal `body`, then in the caller's transaction (or its own) append it to the log and queue it for
   * publishing. Returns the envelope bytes.
   */
  record<T extends MessageType>(type: T, body: MessageBodies[T], block: number, signer?: Signer): Uint8Array
}

export function createOwnMessages(init: {
  store: Store
  netuid: number
  nodeSigner: Signer
  hotkey: string
  /** Woken after each record, so the publisher sends at once. */
  onRecorded?: () => void
}): OwnMessages {
  return {
    record(type, body, block, signer = init.nodeSigner) {
      const envelope = sealEnvelope(type, body, init.netuid, signer)
      const id = new Uint8Array(createHash('sha256').update(envelope).digest())
      const topic: TopicName = topicOfType(type)
      init.store.transaction(() => {
        init.store.log.append({ id, topic, type, block, signer: signer.publicKey, hotkey: init.hotkey, envelope })
        init.store.outbox.add(envelope, topic)
      })
      init.onRecorded?.()
      return envelope
    },
  }
}
