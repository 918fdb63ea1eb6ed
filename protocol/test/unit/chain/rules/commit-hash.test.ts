import { TypeRegistry } from '@polkadot/types'
import { u8aToHex } from '@polkadot/util'
import { blake2AsU8a } from '@polkadot/util-crypto'
import { describe, expect, it } from 'vitest'
import { commitHash, encodeCommitTuple } from '../../../../src/chain/rules/index.js'

const hotkey = new Uint8Array(32).map((_, i) => i + 1)
const input = { hotkey, netuidIndex: 7, uids: [1, 300], values: [65535, 2], salt: [9, 8, 7], versionKey: 1234n }

describe('CR v2 commit hash', () => {
  it('hand SCALE matches @polkadot/types for (AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64)', () => {
    const registry = new TypeRegistry()
    const tuple = registry.createType('(AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64)', [
      hotkey,
      input.netuidIndex,
      input.uids,
      input.values,
      input.salt,
      input.versionKey,
    ])
    expect(u8aToHex(encodeCommitTuple(input))).toBe(u8aToHex(tuple.toU8a()))
  })

  it('layout: account, u16 LE, compact-prefixed vectors, u64 LE', () => {
    const bytes = encodeCommitTuple(input)
    expect(bytes.subarray(0, 32)).toEqual(hotkey)
    expect([...bytes.subarray(32, 34)]).toEqual([7, 0])
    expect([...bytes.subarray(34, 39)]).toEqual([8, 1, 0, 0x2c, 0x01]) // len 2 (compact 0x08), 1, 300
    expect([...bytes.subarray(-8)]).toEqual([0xd2, 0x04, 0, 0, 0, 0, 0, 0])
  })

  it('is blake2-256 of the encoding and changes with any field', () => {
    expect(commitHash(input)).toEqual(blake2AsU8a(encodeCommitTuple(input), 256))
    expect(commitHash(input)).toHaveLength(32)
    expect(commitHash({ ...input, salt: [9, 8, 6] })).not.toEqual(commitHash(input))
    expect(commitHash({ ...input, versionKey: 1235n })).not.toEqual(commitHash(input))
  })
})
