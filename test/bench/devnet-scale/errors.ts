import { KinitroError } from '#protocol'

/** Every code a {@link DevnetBenchError} can carry. */
export const DEVNET_BENCH_ERROR_CODES = ['BENCH_DEVNET_SPAWN_FAILED'] as const

export type DevnetBenchErrorCode = (typeof DEVNET_BENCH_ERROR_CODES)[number]

export type DevnetBenchErrorMeta = { code: 'BENCH_DEVNET_SPAWN_FAILED' }

/**
 * Failures of the devnet-scale bench itself. A devnet that stalls or exits is not one: its case becomes a
 * row saying how far it got, and the matrix goes on.
 */
export class DevnetBenchError extends KinitroError<DevnetBenchErrorMeta> {}
