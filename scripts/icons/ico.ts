import pngjs from 'pngjs';

/** An RGBA image: `width × height × 4` bytes, row by row, not premultiplied. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Encodes an RGBA image as a PNG (pngjs: filtering, deflate and CRCs are its job, not ours). */
export function encodePng(image: RgbaImage): Buffer {
  const png = new pngjs.PNG({ width: image.width, height: image.height, colorType: 6 });
  png.data = Buffer.from(image.data);
  return pngjs.PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8 });
}

/** Decodes a PNG to RGBA (tests compare the committed assets pixel for pixel). */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const png = pngjs.PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/**
 * Packs PNG images into a Windows ICO (PNG-compressed entries, supported since Windows Vista).
 * Written here rather than with png-to-ico: the container is a 6-byte header and a 16-byte entry
 * per image, and png-to-ico would also resize (we draw each size ourselves) and pull in
 * @types/node@25 and minimist. See docs/LIBRARIES.md.
 * https://learn.microsoft.com/en-us/previous-versions/ms997538(v=msdn.10)
 */
export function encodeIco(images: readonly { readonly size: number; readonly png: Uint8Array }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    if (size < 1 || size > 256) throw new Error('ICO entries are 1–256 px');
    const e = Buffer.alloc(16);
    e[0] = size === 256 ? 0 : size; // 0 means 256
    e[1] = size === 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => Buffer.from(i.png))]);
}

/** Reads an ICO's entries back (size and embedded PNG), for tests. */
export function decodeIco(ico: Uint8Array): { size: number; png: Buffer }[] {
  const buf = Buffer.from(ico);
  if (buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) throw new Error('not an ICO');
  const count = buf.readUInt16LE(4);
  const out: { size: number; png: Buffer }[] = [];
  for (let i = 0; i < count; i += 1) {
    const e = 6 + 16 * i;
    const size = buf[e] === 0 ? 256 : (buf[e] ?? 0);
    const length = buf.readUInt32LE(e + 8);
    const offset = buf.readUInt32LE(e + 12);
    out.push({ size, png: buf.subarray(offset, offset + length) });
  }
  return out;
}
