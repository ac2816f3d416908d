// A small SVG line chart (MB/s against payload size, log scale), one panel per group, and its
// conversion to PNG with rsvg-convert (Debian: librsvg2-bin) when that is installed.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const COLORS = ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * panels: [{ title, series: [{ label, color?, dashed?, points: (number|null)[] }] }], sizes: labels of the x axis.
 * Values are MB/s; null points (not measured / export missing) are skipped.
 */
export function renderSvg({ title, subtitle, sizes, panels }) {
  const pw = 420, ph = 300, padL = 56, padR = 12, padT = 34, padB = 40, legendH = 18 * Math.max(7, ...panels.map((p) => p.series.length));
  const W = panels.length * pw + 20, H = 56 + ph + legendH;
  const all = panels.flatMap((p) => p.series.flatMap((s) => s.points)).filter((v) => v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...all, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...all, 10))));
  const parts = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">`);
  parts.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  parts.push(`<text x="10" y="22" font-size="16" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<text x="10" y="42" font-size="11" fill="#555">${esc(subtitle)}</text>`);
  panels.forEach((panel, pi) => {
    const x0 = 10 + pi * pw, y0 = 56;
    const cx = (i) => x0 + padL + (i * (pw - padL - padR)) / Math.max(1, sizes.length - 1);
    const cy = (v) => y0 + padT + (ph - padT - padB) * (1 - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
    parts.push(`<text x="${x0 + padL}" y="${y0 + 20}" font-size="13" font-weight="bold">${esc(panel.title)}</text>`);
    for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
      const v = Math.pow(10, e), y = cy(v);
      parts.push(`<line x1="${x0 + padL}" x2="${x0 + pw - padR}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
      parts.push(`<text x="${x0 + padL - 6}" y="${y + 4}" font-size="10" text-anchor="end">${v >= 1 ? v : v.toPrecision(1)}</text>`);
    }
    sizes.forEach((s, i) => {
      parts.push(`<line x1="${cx(i)}" x2="${cx(i)}" y1="${y0 + padT}" y2="${y0 + ph - padB}" stroke="#eee"/>`);
      parts.push(`<text x="${cx(i)}" y="${y0 + ph - padB + 16}" font-size="10" text-anchor="middle">${esc(s)}</text>`);
    });
    parts.push(`<text x="${x0 + 14}" y="${y0 + ph / 2}" font-size="10" transform="rotate(-90 ${x0 + 14} ${y0 + ph / 2})" text-anchor="middle">MB/s (log)</text>`);
    panel.series.forEach((s, si) => {
      const c = s.color ?? COLORS[si % COLORS.length];
      const pts = s.points.map((v, i) => (v > 0 ? [cx(i), cy(v)] : null));
      let d = '';
      pts.forEach((p, i) => { if (p) d += `${d && pts[i - 1] ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`; });
      if (d) parts.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
      pts.forEach((p) => { if (p) parts.push(`<circle cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="3" fill="${c}"/>`); });
      const ly = y0 + ph + 4 + si * 18;
      parts.push(`<line x1="${x0 + padL}" x2="${x0 + padL + 20}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="3"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
      const none = pts.every((p) => !p);
      parts.push(`<text x="${x0 + padL + 26}" y="${ly + 4}" font-size="11"${none ? ' fill="#999"' : ''}>${esc(s.label)}${none ? ' — n/a' : ''}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes the SVG and, if rsvg-convert exists, the PNG. Returns a note on what was written. */
export function writeChart(svg, svgPath, pngPath) {
  writeFileSync(svgPath, svg);
  const r = spawnSync('rsvg-convert', ['--format=png', '--background-color=white', '-o', pngPath, svgPath], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    return { png: false, note: `PNG not written (${r.error ? 'rsvg-convert not found: apt-get install librsvg2-bin' : r.stderr.trim()})` };
  }
  return { png: true, note: 'PNG written with rsvg-convert' };
}
