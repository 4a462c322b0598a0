/** A grouped bar chart, hand-written SVG: a value per series per group, with an optional range whisker. */
export interface BarChart {
  title: string;
  unit: string;
  series: { name: string; color: string }[];
  groups: { label: string; bars: { series: string; value: number; low?: number; high?: number }[] }[];
  note?: string;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A round axis maximum: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].map((m) => m * power).find((m) => m >= value) as number) ?? value;
}

export function renderBarChart(chart: BarChart, x = 0, y = 0, width = 640, height = 300): string {
  const left = 64;
  const top = 36;
  const bottom = 48;
  const plotW = width - left - 16;
  const plotH = height - top - bottom;
  const maxValue = niceMax(
    Math.max(...chart.groups.flatMap((g) => g.bars.map((b) => Math.max(b.value, b.high ?? 0)))),
  );
  const scale = (v: number) => top + plotH - (Math.max(0, v) / maxValue) * plotH;
  const parts: string[] = [`<g transform="translate(${x},${y})">`];
  parts.push(`<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (maxValue / 4) * i;
    const yy = scale(v);
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${left - 6}" y="${yy + 4}" font-size="11" text-anchor="end">${Math.round(v)}</text>`,
    );
  }
  parts.push(
    `<text x="14" y="${top + plotH / 2}" font-size="11" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle">${escapeXml(chart.unit)}</text>`,
  );
  const groupW = plotW / Math.max(1, chart.groups.length);
  const barW = Math.min(48, (groupW * 0.7) / Math.max(1, chart.series.length));
  chart.groups.forEach((group, gi) => {
    const gx = left + gi * groupW + (groupW - barW * chart.series.length) / 2;
    chart.series.forEach((series, si) => {
      const bar = group.bars.find((b) => b.series === series.name);
      if (!bar) return;
      const bx = gx + si * barW;
      const by = scale(bar.value);
      parts.push(
        `<rect x="${bx + 2}" y="${by}" width="${barW - 4}" height="${Math.max(0, top + plotH - by)}" fill="${series.color}"><title>${escapeXml(`${series.name}, ${group.label}: ${Math.round(bar.value)} ${chart.unit}`)}</title></rect>`,
      );
      if (bar.low !== undefined && bar.high !== undefined) {
        const cx = bx + barW / 2;
        parts.push(
          `<line x1="${cx}" x2="${cx}" y1="${scale(bar.low)}" y2="${scale(bar.high)}" stroke="#333"/>`,
          `<line x1="${cx - 5}" x2="${cx + 5}" y1="${scale(bar.high)}" y2="${scale(bar.high)}" stroke="#333"/>`,
          `<line x1="${cx - 5}" x2="${cx + 5}" y1="${scale(bar.low)}" y2="${scale(bar.low)}" stroke="#333"/>`,
        );
      }
      parts.push(
        `<text x="${bx + barW / 2}" y="${by - 4}" font-size="10" text-anchor="middle">${Math.round(bar.value)}</text>`,
      );
    });
    parts.push(
      `<text x="${left + gi * groupW + groupW / 2}" y="${top + plotH + 16}" font-size="11" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  chart.series.forEach((series, si) => {
    const lx = left + si * 130;
    const ly = height - 12;
    parts.push(
      `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${series.color}"/>`,
      `<text x="${lx + 14}" y="${ly}" font-size="11">${escapeXml(series.name)}</text>`,
    );
  });
  if (chart.note) {
    parts.push(
      `<text x="${width - 16}" y="${height - 12}" font-size="10" text-anchor="end" fill="#555">${escapeXml(chart.note)}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('\n');
}

/** Charts stacked vertically in one SVG document. */
export function svgDocument(charts: BarChart[], width = 640, height = 300): string {
  const body = charts.map((chart, i) => renderBarChart(chart, 0, i * height, width, height)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height * charts.length}" viewBox="0 0 ${width} ${height * charts.length}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${body}
</svg>
`;
}
