/**
 * Small inline SVG charts for the HTML report: no script, no external asset, no inline `style`
 * attribute (only presentation attributes), so the page works under a strict CSP
 * (`default-src 'none'`). Every chart has a <title> and text labels: readable without colour.
 */

export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const COLORS = {
  good: '#2e7d32',
  warn: '#f9a825',
  bad: '#c62828',
  neutral: '#90a4ae',
  accent: '#1565c0',
} as const;

export const SEVERITY_COLORS: Readonly<Record<string, string>> = {
  critical: '#8e0000',
  high: '#c62828',
  medium: '#ef6c00',
  low: '#f9a825',
  info: '#78909c',
};

/** A ring gauge for the score (0-100) with the grade in the middle. */
export function scoreGauge(score: number, grade: string): string {
  const r = 52;
  const len = 2 * Math.PI * r;
  const color = score >= 80 ? COLORS.good : score >= 60 ? COLORS.warn : COLORS.bad;
  const on = (len * Math.max(0, Math.min(100, score))) / 100;
  return `<svg class="chart gauge" role="img" aria-labelledby="g-t" viewBox="0 0 140 140" width="140" height="140">
<title id="g-t">Score ${score} of 100, grade ${escapeXml(grade)}</title>
<circle cx="70" cy="70" r="${r}" fill="none" stroke="#e0e0e0" stroke-width="14"/>
<circle cx="70" cy="70" r="${r}" fill="none" stroke="${color}" stroke-width="14" stroke-dasharray="${on.toFixed(1)} ${(len - on).toFixed(1)}" transform="rotate(-90 70 70)"/>
<text x="70" y="68" text-anchor="middle" font-size="34" font-weight="bold" fill="#212121">${escapeXml(grade)}</text>
<text x="70" y="92" text-anchor="middle" font-size="14" fill="#424242">${score}/100</text>
</svg>`;
}

export interface Bar {
  readonly label: string;
  /** 0..max */
  readonly value: number;
  readonly text: string;
  readonly color?: string;
}

/** Horizontal bars with labels on the left and values on the right. */
export function barChart(id: string, title: string, bars: readonly Bar[], max: number): string {
  const rowH = 22;
  const labelW = 170;
  const barW = 230;
  const h = bars.length * rowH + 8;
  const rows = bars
    .map((b, i) => {
      const y = 4 + i * rowH;
      const w = max > 0 ? Math.max(b.value > 0 ? 2 : 0, (barW * b.value) / max) : 0;
      const color = b.color ?? COLORS.accent;
      return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" font-size="12" fill="#212121">${escapeXml(b.label)}</text>
<rect x="${labelW}" y="${y + 3}" width="${barW}" height="${rowH - 6}" fill="#eeeeee"/>
<rect class="bar" x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${color}"><title>${escapeXml(`${b.label}: ${b.text}`)}</title></rect>
<text x="${labelW + barW + 6}" y="${y + 15}" font-size="12" fill="#212121">${escapeXml(b.text)}</text>`;
    })
    .join('\n');
  return `<svg class="chart bars" id="${id}" role="img" aria-labelledby="${id}-t" viewBox="0 0 ${labelW + barW + 60} ${h}" width="${labelW + barW + 60}" height="${h}">
<title id="${id}-t">${escapeXml(title)}</title>
${rows}
</svg>`;
}

/** A coverage colour: green when most lines carry it, red when few do. */
export function coverageColor(share: number): string {
  return share >= 0.9 ? COLORS.good : share >= 0.5 ? COLORS.warn : COLORS.bad;
}

export interface StackedColumn {
  readonly label: string;
  readonly parts: ReadonlyArray<{ value: number; color: string; name: string }>;
}

/** Vertical stacked columns (volume per day: security events over everything else). */
export function columnChart(id: string, title: string, cols: readonly StackedColumn[]): string {
  const shown = cols.slice(-31);
  const h = 180;
  const top = 10;
  const colW = Math.max(8, Math.min(80, Math.floor(400 / Math.max(1, shown.length))));
  const w = Math.max(320, 60 + shown.length * colW + 10);
  const max = Math.max(1, ...shown.map((c) => c.parts.reduce((s, p) => s + p.value, 0)));
  const body = shown
    .map((c, i) => {
      let y = top + h;
      const x = 50 + i * colW;
      const rects = c.parts
        .map((p) => {
          const ph = (h * p.value) / max;
          y -= ph;
          return `<rect class="col" x="${x + 1}" y="${y.toFixed(1)}" width="${colW - 2}" height="${ph.toFixed(1)}" fill="${p.color}"><title>${escapeXml(`${c.label} ${p.name}: ${p.value}`)}</title></rect>`;
        })
        .join('');
      const label =
        shown.length <= 12 || i % Math.ceil(shown.length / 12) === 0
          ? `<text x="${x + colW / 2}" y="${top + h + 14}" text-anchor="middle" font-size="10" fill="#424242">${escapeXml(c.label.slice(5))}</text>`
          : '';
      return rects + label;
    })
    .join('\n');
  return `<svg class="chart columns" id="${id}" role="img" aria-labelledby="${id}-t" viewBox="0 0 ${w} ${h + top + 22}" width="${w}" height="${h + top + 22}">
<title id="${id}-t">${escapeXml(title)}</title>
<line x1="48" y1="${top}" x2="48" y2="${top + h}" stroke="#9e9e9e"/>
<line x1="48" y1="${top + h}" x2="${w - 5}" y2="${top + h}" stroke="#9e9e9e"/>
<text x="44" y="${top + 8}" text-anchor="end" font-size="10" fill="#424242">${max}</text>
<text x="44" y="${top + h}" text-anchor="end" font-size="10" fill="#424242">0</text>
${body}
</svg>`;
}
