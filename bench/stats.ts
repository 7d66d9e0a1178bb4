// Figures collected over repeated runs, their medians, ceiling ratios, and the stdout table.

export interface Figure {
  key: string;
  label: string;
  unit: 'ms' | '/s';
  values: number[];
  /** The key of the raw ceiling this figure is compared with (same unit, '/s'). */
  ceiling?: string;
  note?: string;
}

export interface Summary extends Figure {
  median: number;
  min: number;
  max: number;
  runs: number;
  ceilingRatio?: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? Number.NaN;
  const lo = sorted[mid - 1] ?? hi;
  return sorted.length % 2 === 1 ? hi : (lo + hi) / 2;
}

export class Figures {
  private readonly byKey = new Map<string, Figure>();

  define(key: string, label: string, unit: Figure['unit'], extra: Partial<Figure> = {}) {
    if (!this.byKey.has(key)) this.byKey.set(key, { key, label, unit, values: [], ...extra });
  }

  add(key: string, value: number) {
    const figure = this.byKey.get(key);
    if (!figure) throw new Error(`figure ${key} is not defined`);
    figure.values.push(value);
  }

  summaries(): Summary[] {
    const medians = new Map<string, number>();
    for (const figure of this.byKey.values()) medians.set(figure.key, median(figure.values));
    return [...this.byKey.values()]
      .filter((figure) => figure.values.length > 0)
      .map((figure) => {
        const ceiling = figure.ceiling ? medians.get(figure.ceiling) : undefined;
        const own = medians.get(figure.key) ?? Number.NaN;
        return {
          ...figure,
          median: own,
          min: Math.min(...figure.values),
          max: Math.max(...figure.values),
          runs: figure.values.length,
          ...(ceiling ? { ceilingRatio: own / ceiling } : {}),
        };
      });
  }
}

function format(value: number, unit: Figure['unit']): string {
  if (!Number.isFinite(value)) return '-';
  if (unit === '/s') return `${Math.round(value).toLocaleString('en-US')}/s`;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ms`;
}

export function table(summaries: Summary[]): string {
  const header = ['figure', 'median', 'min', 'max', 'runs', 'vs ceiling'];
  const rows = summaries.map((s) => [
    s.label,
    format(s.median, s.unit),
    format(s.min, s.unit),
    format(s.max, s.unit),
    String(s.runs),
    s.ceilingRatio !== undefined ? `${(s.ceilingRatio * 100).toFixed(0)} %` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
