import { KinitroError } from '#protocol'

/** Every code a {@link BenchReportError} can carry (test/bench/README.md, "Errors"). */
export const BENCH_REPORT_ERROR_CODES = ['BENCH_RESULT_INVALID', 'BENCH_PLOT_INVALID'] as const

export type BenchReportErrorCode = (typeof BENCH_REPORT_ERROR_CODES)[number]

export type BenchReportErrorMeta =
  | { code: 'BENCH_RESULT_INVALID'; file: string; reason: string }
  | { code: 'BENCH_PLOT_INVALID'; plot: string; reason: string }

/** The report could not be built: a results file is not a bench result, or a declared plot cannot be drawn. */
export class BenchReportError extends KinitroError<BenchReportErrorMeta> {}
