// Draws Orchids Tray's icons from simple shapes and writes them as PNG into assets/. Pure Node (zlib for the PNG
// stream), deterministic, no artwork copied from anywhere: run `node scripts/make-icons.mjs` after changing a shape
// and commit the PNGs.
//
// Tray mark: a ring with a sign inside. Running = a dot, paused = two bars, trouble = an exclamation mark, so the
// states differ by shape (macOS template images are one colour) and, elsewhere, also by colour.
// App icon: a five-petalled orchid on a purple rounded square.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'assets');

// ---------- shapes: each is (x, y) -> inside?, in a unit square (0..1) ----------
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, outer, inner) => (x, y) => {
  const d = (x - cx) ** 2 + (y - cy) ** 2;
  return d <= outer * outer && d >= inner * inner;
};
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const ellipse = (cx, cy, rx, ry, degrees = 0) => {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const u = dx * cos + dy * sin;
    const v = -dx * sin + dy * cos;
    return (u / rx) ** 2 + (v / ry) ** 2 <= 1;
  };
};

// ---------- rasteriser: layers of { shape, color: [r,g,b,a] } or { shape, clear: true }, supersampled ----------
function render(size, layers, samples = 4) {
  const pixels = new Float64Array(size * size * 4); // premultiplied RGBA, 0..1
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const o = (py * size + px) * 4;
      for (const layer of layers) {
        let hits = 0;
        for (let sy = 0; sy < samples; sy++) {
          for (let sx = 0; sx < samples; sx++) {
            const x = (px + (sx + 0.5) / samples) / size;
            const y = (py + (sy + 0.5) / samples) / size;
            if (layer.shape(x, y)) hits++;
          }
        }
        if (hits === 0) continue;
        const coverage = hits / (samples * samples);
        if (layer.clear) {
          for (let i = 0; i < 4; i++) pixels[o + i] *= 1 - coverage;
          continue;
        }
        const color =
          typeof layer.color === 'function' ? layer.color((px + 0.5) / size, (py + 0.5) / size) : layer.color;
        const alpha = (color[3] / 255) * coverage;
        for (let i = 0; i < 3; i++) pixels[o + i] = (color[i] / 255) * alpha + pixels[o + i] * (1 - alpha);
        pixels[o + 3] = alpha + pixels[o + 3] * (1 - alpha);
      }
    }
  }
  const rgba = Buffer.alloc(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const a = pixels[p * 4 + 3];
    for (let i = 0; i < 3; i++) rgba[p * 4 + i] = a > 0 ? Math.round(Math.min(1, pixels[p * 4 + i] / a) * 255) : 0;
    rgba[p * 4 + 3] = Math.round(a * 255);
  }
  return rgba;
}

// ---------- PNG ----------
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------- the tray mark ----------
const COLORS = {
  running: [34, 165, 89, 255],
  paused: [214, 150, 0, 255],
  trouble: [224, 68, 58, 255],
};
function traySign(state) {
  switch (state) {
    case 'running':
      return [circle(0.5, 0.5, 0.2)];
    case 'paused':
      // Edges on whole pixels at 16 and 32 px, so the bars stay crisp.
      return [roundRect(0.3125, 0.3125, 0.4375, 0.6875, 0.01), roundRect(0.5625, 0.3125, 0.6875, 0.6875, 0.01)];
    case 'trouble':
      return [roundRect(0.4375, 0.25, 0.5625, 0.5625, 0.03), circle(0.5, 0.71, 0.07)];
  }
  throw new Error(state);
}
function trayLayers(state, color, size) {
  // The ring's stroke stays about two pixels wide at 16 px and thins proportionally above.
  const stroke = Math.max(0.09, Math.min(0.125, 2 / size));
  return [{ shape: ring(0.5, 0.5, 0.47, 0.47 - stroke), color }, ...traySign(state).map((shape) => ({ shape, color }))];
}

// ---------- the app icon ----------
const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));
const APP_LAYERS = [
  {
    shape: roundRect(0.04, 0.04, 0.96, 0.96, 0.2),
    color: (x, y) => mix([150, 78, 190, 255], [74, 34, 120, 255], Math.min(1, Math.max(0, (x + y) / 2))),
  },
  // Sepals: one up, two down and out.
  { shape: ellipse(0.5, 0.29, 0.085, 0.19), color: [255, 255, 255, 242] },
  { shape: ellipse(0.33, 0.66, 0.08, 0.18, 40), color: [255, 255, 255, 242] },
  { shape: ellipse(0.67, 0.66, 0.08, 0.18, -40), color: [255, 255, 255, 242] },
  // Petals: wide, to the sides.
  { shape: ellipse(0.31, 0.45, 0.17, 0.105, 18), color: [250, 236, 255, 250] },
  { shape: ellipse(0.69, 0.45, 0.17, 0.105, -18), color: [250, 236, 255, 250] },
  // The lip and the column.
  { shape: ellipse(0.5, 0.6, 0.105, 0.12), color: [236, 120, 196, 255] },
  { shape: ellipse(0.5, 0.555, 0.05, 0.035), color: [255, 255, 255, 170] },
  { shape: circle(0.5, 0.47, 0.045), color: [255, 211, 90, 255] },
];

// ---------- write ----------
const written = [];
function write(relative, size, layers, samples) {
  const file = path.join(out, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png(size, render(size, layers, samples)));
  written.push(`${relative} (${size}px)`);
}

for (const state of ['running', 'paused', 'trouble']) {
  for (const size of [16, 22, 24, 32, 48])
    write(`tray/linux/tray-${state}-${size}.png`, size, trayLayers(state, COLORS[state], size), 8);
  write(`tray/win/tray-${state}.png`, 16, trayLayers(state, COLORS[state], 16), 8);
  write(`tray/win/tray-${state}@2x.png`, 32, trayLayers(state, COLORS[state], 32), 8);
  // macOS template images: black with alpha; the menu bar tints them for light and dark.
  write(`tray/mac/tray-${state}Template.png`, 16, trayLayers(state, [0, 0, 0, 255], 16), 8);
  write(`tray/mac/tray-${state}Template@2x.png`, 32, trayLayers(state, [0, 0, 0, 255], 32), 8);
}
write('icon.png', 512, APP_LAYERS, 3);
console.log(`Wrote ${written.length} icons to assets/:\n  ${written.join('\n  ')}`);
