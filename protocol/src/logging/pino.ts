import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino'
import type { Logger } from '../logger.js'
import { redactSecrets } from './redact.js'

/** Log levels, most to least severe (policy: style.md §8). */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Options for {@link createLogger}. */
export interface LoggerInit {
  /** @default 'info' */
  level?: LogLevel
  /** Root component name, written as `component` on every line. @default 'kinitro' */
  name?: string
  /** Where lines go. @default stderr (stdout is kept for command output) */
  destination?: DestinationStream
}

/**
 * The project's {@link Logger} on pino: JSON lines, one child per component, secrets redacted.
 * Protocol code only sees the interface; this lives here so node, indexer and miner CLI share one setup.
 */
export function createLogger(init: LoggerInit = {}): Logger {
  const root = pino(
    {
      level: init.level ?? 'info',
      base: { component: init.name ?? 'kinitro' },
      // Secrets never reach a log line, however deep they sit in a context object.
      formatters: { log: (obj) => redactSecrets(obj) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    init.destination ?? pino.destination({ fd: 2, sync: true }),
  )
  return wrap(root)
}

function wrap(p: PinoLogger): Logger {
  return {
    error: (msg, ctx, err) => p.error({ ...ctx, ...(err === undefined ? {} : { err }) }, msg),
    warn: (msg, ctx, err) => p.warn({ ...ctx, ...(err === undefined ? {} : { err }) }, msg),
    info: (msg, ctx) => p.info(ctx ?? {}, msg),
    debug: (msg, ctx) => p.debug(ctx ?? {}, msg),
    child: (component) => wrap(p.child({ component })),
  }
}
