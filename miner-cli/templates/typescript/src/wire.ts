// The reference policy contract's JSON shapes, and the decoded form the policy works with.

/** An image on the wire: base64 of raw C-order bytes, shape [H, W, C], little-endian for float32. */
export interface WireImage {
  data: string
  shape: number[]
  dtype?: 'uint8' | 'float32'
}

/** The body of POST /act: `{ obs }`. */
export interface WireObservation {
  rgb?: Record<string, WireImage>
  depth?: Record<string, WireImage>
  proprio?: Record<string, number[]>
  cam_intrinsics?: Record<string, number[][]>
  cam_extrinsics?: Record<string, number[][]>
  extra?: Record<string, unknown>
}

/** What POST /reset carries: never the seed or the task's parameters. */
export interface TaskConfig {
  env_id?: string
  env_name?: string
  task_name?: string
}

/** The answer of POST /act: `{ action }`. */
export interface Action {
  continuous: Record<string, number[]>
  discrete?: Record<string, number>
  extra?: Record<string, unknown>
}

/** A decoded image: `rgb` has `bytes` (r, g, b, r, …); `depth` has `floats` (metres; 0 where nothing was hit). */
export interface Image {
  shape: readonly number[]
  bytes: Uint8Array
  floats?: Float32Array
}

/** What the policy's `act` receives. */
export interface Observation {
  rgb: Record<string, Image>
  depth: Record<string, Image>
  proprio: Record<string, number[]>
  camIntrinsics: Record<string, number[][]>
  camExtrinsics: Record<string, number[][]>
  extra: Record<string, unknown>
}

function decodeImage(wire: WireImage): Image {
  const bytes = new Uint8Array(Buffer.from(wire.data, 'base64'))
  if ((wire.dtype ?? 'uint8') === 'uint8') return { shape: wire.shape, bytes }
  if (wire.dtype !== 'float32') throw new Error(`unsupported image dtype ${String(wire.dtype)}`)
  // DataView reads little-endian whatever this machine's byte order, and needs no 4-byte alignment.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const floats = new Float32Array(bytes.byteLength >> 2)
  for (let i = 0; i < floats.length; i++) floats[i] = view.getFloat32(4 * i, true)
  return { shape: wire.shape, bytes, floats }
}

function mapValues<A, B>(record: Record<string, A> | undefined, fn: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, fn(v)]))
}

/** The wire observation → what `act` receives. */
export function decodeObservation(wire: WireObservation): Observation {
  return {
    rgb: mapValues(wire.rgb, decodeImage),
    depth: mapValues(wire.depth, decodeImage),
    proprio: wire.proprio ?? {},
    camIntrinsics: wire.cam_intrinsics ?? {},
    camExtrinsics: wire.cam_extrinsics ?? {},
    extra: wire.extra ?? {},
  }
}
