// Tiny DOM builders. Every value goes in as text or an attribute, never as HTML: rows carry
// network-supplied strings (commitments, details, error codes) that must not become markup.

const SVG_NS = 'http://www.w3.org/2000/svg'

function assign(el, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'dataset') Object.assign(el.dataset, value)
    // CSSOM writes are allowed by the page's CSP (style attributes in markup are not).
    else if (key === 'style') Object.assign(el.style, value)
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue
    el.append(child instanceof Node ? child : String(child))
  }
  return el
}

/** An HTML element: `h('a', {href: '#/'}, 'home')`. */
export function h(tag, props, ...children) {
  return assign(document.createElement(tag), props, children)
}

/** An SVG element: `s('circle', {cx: 1, cy: 2, r: 3})`. */
export function s(tag, props, ...children) {
  return assign(document.createElementNS(SVG_NS, tag), props, children)
}

/** Replace the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren()
  return assign(el, undefined, children)
}

/** A table with a header row; `rows` are arrays of cells (nodes or text). */
export function table(headers, rows, props) {
  return h(
    'table',
    props,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headers.map((x) => h('th', null, x)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((cells) =>
        cells instanceof Node
          ? cells
          : h(
              'tr',
              null,
              cells.map((c) => h('td', null, c)),
            ),
      ),
    ),
  )
}
