// Draws the app icon and the four tray icons as PNGs into resources/ (committed; run again only
// to change them: node scripts/make-icons.mjs). No image library: shapes are signed-distance
// tests, 4×4 supersampled, written as RGBA PNG with node:zlib.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** @param {number} size @param {Uint8Array} rgba */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in a unit square (0..1); each returns true when the point is inside.
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r, w) => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) <= w / 2;
function segment(ax, ay, bx, by, w) {
  return (x, y) => {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) <= w / 2;
  };
}
const roundedSquare = (inset, radius) => (x, y) => {
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - inset - radius), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - inset - radius), 0);
  return Math.hypot(qx, qy) <= radius;
};
const any =
  (...shapes) =>
  (x, y) =>
    shapes.some((s) => s(x, y));

function hex(color) {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Layers painted in order, each {shape, color}; 4×4 samples per pixel. */
function render(size, layers) {
  const out = new Uint8Array(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          let color = null;
          for (const layer of layers) if (layer.shape(x, y)) color = layer.rgb;
          if (color) {
            r += color[0];
            g += color[1];
            b += color[2];
            a += 1;
          }
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (S * S)) * 255);
    }
  }
  return out;
}

const WHITE = hex('#ffffff');
const arrowUp = (w, top = 0.28, bottom = 0.72) => {
  const head = (bottom - top) * 0.39;
  return any(
    segment(0.5, bottom, 0.5, top + 0.02, w),
    segment(0.5, top, 0.5 - head, top + head, w),
    segment(0.5, top, 0.5 + head, top + head, w),
  );
};

export const trayIcons = {
  idle: [
    { shape: circle(0.5, 0.5, 0.46), rgb: hex('#2e7d32') },
    { shape: any(segment(0.3, 0.52, 0.44, 0.66, 0.12), segment(0.44, 0.66, 0.71, 0.36, 0.12)), rgb: WHITE },
  ],
  sending: [
    { shape: circle(0.5, 0.5, 0.46), rgb: hex('#1565c0') },
    { shape: arrowUp(0.12), rgb: WHITE },
  ],
  attention: [
    { shape: circle(0.5, 0.5, 0.46), rgb: hex('#e65100') },
    { shape: any(segment(0.5, 0.25, 0.5, 0.56, 0.13), circle(0.5, 0.74, 0.075)), rgb: WHITE },
  ],
  offline: [
    { shape: circle(0.5, 0.5, 0.46), rgb: hex('#616161') },
    { shape: segment(0.3, 0.5, 0.7, 0.5, 0.13), rgb: WHITE },
  ],
};

export const appIcon = [
  { shape: roundedSquare(0.06, 0.18), rgb: hex('#1565c0') },
  { shape: ring(0.5, 0.5, 0.28, 0.06), rgb: WHITE },
  { shape: arrowUp(0.07, 0.33, 0.67), rgb: WHITE },
];

function write(file, size, layers) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodePng(size, render(size, layers)));
  console.log(`wrote ${path.relative(root, file)} (${size}×${size})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [status, layers] of Object.entries(trayIcons)) {
    write(path.join(root, 'resources', 'tray', `tray-${status}.png`), 16, layers);
    write(path.join(root, 'resources', 'tray', `tray-${status}@2x.png`), 32, layers);
  }
  write(path.join(root, 'resources', 'icon.png'), 512, appIcon);
}
