// Display formatting shared by the views.

/** `5F3sa2…k9Qw`: long hotkeys and hex ids shortened for tables (the full value goes in a title). */
export function short(value, head = 6, tail = 4) {
  if (typeof value !== 'string') return '—'
  if (value.length <= head + tail + 1) return value
  return `${value.slice(0, head)}…${tail > 0 ? value.slice(-tail) : ''}`
}

/** `72.5 %` */
export function pct(x, digits = 1) {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(digits)} %` : '—'
}

/** `[61.0–82.3]` (percent) */
export function interval(lo, hi) {
  if (typeof lo !== 'number' || typeof hi !== 'number') return ''
  return `[${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)}]`
}

/** `12,345` */
export function num(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toLocaleString('en-US') : '—'
}

/** `3.142` */
export function fixed(x, digits = 3) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—'
}

/** `12 s ago` from ms since epoch. */
export function ago(ms, now = Date.now()) {
  if (typeof ms !== 'number') return 'never'
  const s = Math.max(0, Math.round((now - ms) / 1000))
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  if (s < 86400) return `${Math.round(s / 3600)} h ago`
  return `${Math.round(s / 86400)} d ago`
}

/** A stable colour per key (environment, point name). */
const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16']
export function colour(index) {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]
}
