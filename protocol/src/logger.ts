/**
 * The logging seam. Calls take a constant message and a context object (Lodestar's call shape), so logs
 * stay greppable and structured: `log.debug('gossip rejected', { topic, code })`.
 */
export interface Logger {
  error(msg: string, ctx?: Record<string, unknown>, err?: unknown): void
  warn(msg: string, ctx?: Record<string, unknown>, err?: unknown): void
  info(msg: string, ctx?: Record<string, unknown>): void
  debug(msg: string, ctx?: Record<string, unknown>): void
  /** A logger for a sub-component: `log.child('node:gossip')`. */
  child(component: string): Logger
}

/** A logger that drops everything; the default where a caller passes none. */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger
  },
}
