import { timingSafeEqual } from 'node:crypto'
import { inspect } from 'node:util'
import {
  generateKeyPair,
  generateKeyPairFromSeed,
  privateKeyFromProtobuf,
  privateKeyToProtobuf,
} from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { IdentityError } from './errors.js'
import { expandHome, type ReadKeyFileOptions, readKeyFile, type WriteKeyFileOptions, writeKeyFile } from './key-file.js'
import { ed25519Signer, type Signer } from './signer.js'

/** A libp2p Ed25519 private key object, as `@libp2p/crypto` returns it (what `createLibp2p` takes). */
export type Libp2pEd25519PrivateKey = Extract<ReturnType<typeof privateKeyFromProtobuf>, { type: 'Ed25519' }>

/** The libp2p peer id of an Ed25519 key. */
export type NodePeerId = Extract<ReturnType<typeof peerIdFromPrivateKey>, { type: 'Ed25519' }>

/**
 * A node's libp2p identity (ed25519). `signer` signs mesh messages through node:crypto; the libp2p key
 * object is only handed out on request, so `JSON.stringify` and `util.inspect` never show the secret.
 */
export interface NodeKey {
  readonly peerId: NodePeerId
  /** Raw 32-byte ed25519 public key. */
  readonly publicKey: Uint8Array
  readonly signer: Signer
  /** The libp2p private key, for `createLibp2p({ privateKey })`. */
  toLibp2pPrivateKey(): Libp2pEd25519PrivateKey
}

class NodeKeyImpl implements NodeKey {
  readonly peerId: NodePeerId
  readonly publicKey: Uint8Array
  readonly signer: Signer
  readonly #key: Libp2pEd25519PrivateKey

  constructor(key: Libp2pEd25519PrivateKey, signer: Signer) {
    this.#key = key
    this.signer = signer
    this.publicKey = signer.publicKey
    this.peerId = peerIdFromPrivateKey(key)
    Object.freeze(this)
  }

  toLibp2pPrivateKey(): Libp2pEd25519PrivateKey {
    return this.#key
  }

  toJSON(): { scheme: 'ed25519'; peerId: string; publicKey: string } {
    return { scheme: 'ed25519', peerId: this.peerId.toString(), publicKey: Buffer.from(this.publicKey).toString('hex') }
  }

  [inspect.custom](): string {
    return `NodeKey(${this.peerId.toString()})`
  }
}

function malformed(path: string, reason: string, cause?: unknown): IdentityError {
  return new IdentityError({ code: 'IDENTITY_NODE_KEY_MALFORMED', path, reason }, `${path}: ${reason}`, { cause })
}

/**
 * Wrap a libp2p private key. Only Ed25519 is accepted; the signer is built from the key's 32-byte seed and
 * must reproduce the public half stored beside it, which catches a corrupted key file.
 */
export function nodeKeyFromLibp2p(key: ReturnType<typeof privateKeyFromProtobuf>, path = '(memory)'): NodeKey {
  if (key.type !== 'Ed25519') {
    throw new IdentityError(
      { code: 'IDENTITY_NODE_KEY_UNSUPPORTED', path, keyType: key.type },
      `${path}: node keys must be Ed25519, got ${key.type}`,
    )
  }
  // libp2p keeps `seed ‖ public` (64 bytes) for historical reasons (@libp2p/crypto ed25519/index.ts).
  const signer = ed25519Signer(key.raw.subarray(0, 32))
  if (!timingSafeEqual(signer.publicKey, key.publicKey.raw))
    throw malformed(path, 'public half does not match the seed')
  return new NodeKeyImpl(key, signer)
}

/** A new random node key. */
export async function createNodeKey(): Promise<NodeKey> {
  return nodeKeyFromLibp2p(await generateKeyPair('Ed25519'))
}

/** The node key for a 32-byte seed: deterministic identities for tests and the devnet. */
export async function nodeKeyFromSeed(seed: Uint8Array): Promise<NodeKey> {
  return nodeKeyFromLibp2p(await generateKeyPairFromSeed('Ed25519', seed))
}

/** The libp2p peer id of a node key. */
export function peerIdFromNodeKey(key: NodeKey): NodePeerId {
  return peerIdFromPrivateKey(key.toLibp2pPrivateKey())
}

/** Protobuf-marshalled libp2p private key bytes, the format of the node key file. */
export function marshalNodeKey(key: NodeKey): Uint8Array {
  return privateKeyToProtobuf(key.toLibp2pPrivateKey())
}

/** Parse protobuf-marshalled libp2p private key bytes. */
export function unmarshalNodeKey(bytes: Uint8Array, path = '(memory)'): NodeKey {
  let key: ReturnType<typeof privateKeyFromProtobuf>
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw malformed(path, 'not a protobuf libp2p private key', err)
  }
  return nodeKeyFromLibp2p(key, path)
}

/** Read a node key file (protobuf libp2p private key); a leading `~` is the home directory. */
export async function loadNodeKey(file: string, opts: ReadKeyFileOptions = {}): Promise<NodeKey> {
  const path = expandHome(file)
  return unmarshalNodeKey(await readKeyFile('node-key', path, opts), path)
}

/** Write a node key file, mode 0600, refusing to overwrite unless `force`. */
export async function saveNodeKey(
  file: string,
  key: NodeKey,
  opts: Pick<WriteKeyFileOptions, 'force'> = {},
): Promise<string> {
  const path = expandHome(file)
  await writeKeyFile('node-key', path, marshalNodeKey(key), { force: opts.force ?? false })
  return path
}
