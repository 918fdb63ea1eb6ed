/**
 * The value of one Prometheus sample in exposition text, or 0 when the series was never written (a counter
 * that was never incremented has no line). `labels` must match exactly the sample's label set.
 *
 * @example
 * ```ts
 * metricValue(text, 'kinitro_mesh_validation_error_total', { code: 'MESH_BAD_SIGNATURE' })
 * ```
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/u.exec(line)
    if (m === null || m[1] !== name) continue
    const got = (m[2] ?? '')
      .split(/,(?=[a-zA-Z_]\w*=")/u)
      .filter((p) => p !== '')
      .sort()
      .join(',')
    if (got === want) return Number(m[3])
  }
  return 0
}
