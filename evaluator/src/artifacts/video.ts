import HME from 'h264-mp4-encoder'
import type { ImageTensor } from '../env/types.js'
import { ArtifactError } from './errors.js'

/** Frames of one camera and the rate to play them at. */
export interface VideoInput {
  frames: readonly ImageTensor[]
  fps: number
  /** Names the file `video_<camera>.mp4`. @default 'main' */
  camera?: string
}

/** What an encoded video holds. */
export interface EncodedVideo {
  mp4: Uint8Array
  width: number
  height: number
  frames: number
  fps: number
}

let sequence = 0

/**
 * H.264 MP4 from RGB uint8 `[H, W, 3]` frames with h264-mp4-encoder (WASM, MIT). The encoder takes RGBA with
 * even dimensions, so frames are widened to RGBA and an odd last row/column is dropped.
 *
 * @throws {@link ArtifactError} `EVAL_ARTIFACT_VIDEO_FAILED` on empty, mixed-size or non-RGB frames.
 */
export async function encodeMp4(input: VideoInput): Promise<EncodedVideo> {
  const camera = input.camera ?? 'main'
  const fail = (reason: string) => new ArtifactError({ code: 'EVAL_ARTIFACT_VIDEO_FAILED', camera, reason }, reason)
  const first = input.frames[0]
  if (!first) throw fail('no frames')
  if (!(Number.isFinite(input.fps) && input.fps > 0)) throw fail('fps must be positive')
  const [h = 0, w = 0] = first.shape
  for (const f of input.frames) {
    if (f.dtype !== 'uint8' || f.shape.length !== 3 || f.shape[2] !== 3) throw fail('frames must be uint8 [H, W, 3]')
    if (f.shape[0] !== h || f.shape[1] !== w) throw fail('frames differ in size')
    if (f.data.length !== h * w * 3) throw fail('frame data length does not match its shape')
  }
  const width = w - (w % 2)
  const height = h - (h % 2)
  if (width < 2 || height < 2) throw fail('frames must be at least 2x2')

  const encoder = await HME.createH264MP4Encoder()
  // The WASM file system is shared by every encoder in the process; a unique name keeps encodes apart.
  const file = `kinitro-${process.pid}-${sequence++}.mp4`
  try {
    encoder.width = width
    encoder.height = height
    encoder.frameRate = Math.round(input.fps)
    encoder.outputFilename = file
    encoder.initialize()
    const rgba = new Uint8Array(width * height * 4)
    for (const f of input.frames) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const s = (y * w + x) * 3
          const d = (y * width + x) * 4
          rgba[d] = f.data[s] as number
          rgba[d + 1] = f.data[s + 1] as number
          rgba[d + 2] = f.data[s + 2] as number
          rgba[d + 3] = 255
        }
      }
      encoder.addFrameRgba(rgba)
    }
    encoder.finalize()
    const mp4 = encoder.FS.readFile(file)
    encoder.FS.unlink(file)
    return { mp4: Uint8Array.from(mp4), width, height, frames: input.frames.length, fps: input.fps }
  } catch (err) {
    if (err instanceof ArtifactError) throw err
    throw fail(err instanceof Error ? err.message : String(err))
  } finally {
    encoder.delete()
  }
}
