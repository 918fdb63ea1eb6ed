import type { ImageTensor, Observation } from '../env/types.js'

/**
 * The reference policy contract's JSON shapes (`reference/evaluator.md` §1.1), byte-compatible with a
 * policy server written for the reference system: snake_case keys, images as base64 raw C-order bytes.
 */
export interface WireImage {
  data: string
  shape: number[]
  dtype: 'uint8' | 'float32'
}

/** `POST /act` body `{ obs }`. */
export interface WireObservation {
  rgb: Record<string, WireImage>
  depth: Record<string, WireImage>
  proprio: Record<string, number[]>
  cam_intrinsics: Record<string, number[][]>
  cam_extrinsics: Record<string, number[][]>
  extra: Record<string, unknown>
}

/** `POST /act` answer `{ action }`. */
export interface WireAction {
  continuous?: Record<string, number[]>
  discrete?: Record<string, number>
  extra?: Record<string, unknown>
}

/** `POST /reset` body: the reference `task_config` without the seed or task id (they never leave the validator). */
export interface WireResetRequest {
  task_config: { env_id: string; env_name: string; task_name: string }
}

function encodeImage(img: ImageTensor): WireImage {
  return {
    data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength).toString('base64'),
    shape: [...img.shape],
    dtype: img.dtype,
  }
}

function decodeImage(img: WireImage): ImageTensor {
  const buf = Buffer.from(img.data, 'base64')
  return { data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), shape: img.shape, dtype: img.dtype }
}

function mapValues<A, B>(rec: Record<string, A>, fn: (a: A) => B): Record<string, B> {
  const out: Record<string, B> = {}
  for (const k of Object.keys(rec)) out[k] = fn(rec[k] as A)
  return out
}

/** Internal observation → the JSON the policy server receives. */
export function encodeObservation(obs: Observation): WireObservation {
  return {
    rgb: mapValues(obs.rgb, encodeImage),
    depth: mapValues(obs.depth, encodeImage),
    proprio: obs.proprio,
    cam_intrinsics: obs.camIntrinsics,
    cam_extrinsics: obs.camExtrinsics,
    extra: obs.extra,
  }
}

/** The inverse of {@link encodeObservation}, for TypeScript policy servers and tests. Trusts its input. */
export function decodeObservation(wire: WireObservation): Observation {
  return {
    rgb: mapValues(wire.rgb ?? {}, decodeImage),
    depth: mapValues(wire.depth ?? {}, decodeImage),
    proprio: wire.proprio ?? {},
    camIntrinsics: wire.cam_intrinsics ?? {},
    camExtrinsics: wire.cam_extrinsics ?? {},
    extra: wire.extra ?? {},
  }
}
