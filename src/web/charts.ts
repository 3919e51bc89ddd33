/**
 * Geometry of the dashboard's SVG charts, computed on the server: the templates only place the shapes
 * (views/partials/chart-bars.eta, chart-columns.eta). Hand-written rather than a charting library because
 * the charts must be static SVG without scripts or inline styles (the pages' CSP) and these two shapes
 * are a few lines of arithmetic. Every chart is followed by its data table on the page.
 */

export interface Datum {
  label: string;
  value: number;
  /** The value as the page writes it (formatted in the page's language). */
  text: string;
}

export interface BarChart {
  width: number;
  height: number;
  labelWidth: number;
  bars: Array<Datum & { y: number; width: number; textX: number; labelY: number }>;
  barHeight: number;
}

const ROW = 28;
const BAR = 18;
const PLOT = 360;
const LABEL = 190;
const MAX_LABEL_CHARS = 28;

/** Long labels are shortened in the chart only; the table beside it has them in full. */
export function shorten(label: string, max = MAX_LABEL_CHARS): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

/** Horizontal bars, one row per datum, scaled to the largest value. */
export function barChart(data: readonly Datum[]): BarChart {
  const max = Math.max(1, ...data.map((d) => d.value));
  return {
    width: LABEL + PLOT + 60,
    height: Math.max(ROW, data.length * ROW) + 8,
    labelWidth: LABEL,
    barHeight: BAR,
    bars: data.map((d, i) => {
      const width = Math.round((d.value / max) * PLOT);
      return {
        ...d,
        label: shorten(d.label),
        y: 4 + i * ROW,
        width,
        textX: LABEL + width + 6,
        labelY: 4 + i * ROW + BAR - 4,
      };
    }),
  };
}

export interface ColumnChart {
  width: number;
  height: number;
  baseline: number;
  columns: Array<Datum & { x: number; y: number; width: number; height: number; labelX: number }>;
  /** Every how many columns an axis label is written, so that labels never overlap. */
  labelEvery: number;
}

/** Vertical columns along time (months), scaled to the largest value. */
export function columnChart(data: readonly Datum[]): ColumnChart {
  const max = Math.max(1, ...data.map((d) => d.value));
  const step = 36;
  const plot = 160;
  const top = 20;
  const baseline = top + plot;
  return {
    width: Math.max(240, 20 + data.length * step),
    height: baseline + 28,
    baseline,
    labelEvery: Math.max(1, Math.ceil(data.length / 12)),
    columns: data.map((d, i) => {
      const height = Math.round((d.value / max) * plot);
      return {
        ...d,
        x: 20 + i * step,
        y: baseline - height,
        width: step - 10,
        height,
        labelX: 20 + i * step + (step - 10) / 2,
      };
    }),
  };
}
