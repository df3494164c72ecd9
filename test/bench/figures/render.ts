/**
 * Renders a Vega-Lite chart to SVG headlessly in Node: the spec is compiled by vega-lite 6 and
 * drawn by a vega 6 View with renderer 'none' (no canvas, no browser, no network).
 *
 * vega and vega-lite ship only ES modules (vega-canvas uses top-level await), so they are loaded
 * with a native dynamic import(); run this through tsx or Node, not Jest's CommonJS runtime.
 */
import type { TopLevelSpec } from 'vega-lite';

/** The look shared by every figure: white background, readable fonts, no chart border. */
const CONFIG = {
  background: 'white',
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
  header: { labelFontSize: 12, titleFontSize: 13 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  title: { fontSize: 15, anchor: 'start' },
} as const;

/**
 * The SVG text (a complete `<svg>` document) of `spec`, drawn with {@link CONFIG} under the
 * spec's own `config` (merged one level deep: a spec's `legend.orient` keeps CONFIG's fonts).
 * Rejects if the spec does not compile.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const own = (spec.config ?? {}) as Record<string, object>;
  const config: Record<string, unknown> = { ...CONFIG, ...own };
  for (const [key, value] of Object.entries(CONFIG)) if (typeof value === 'object' && key in own) config[key] = { ...value, ...own[key] };
  const compiled = vl.compile({ ...spec, config } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
