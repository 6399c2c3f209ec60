/** Where an embedded JPEG sits in a file, and its size. */
export interface EmbeddedJpeg {
  readonly offset: number;
  readonly length: number;
  readonly width: number;
  readonly height: number;
}

const SOI = Buffer.from([0xff, 0xd8, 0xff]);

/**
 * Finds the JPEG images embedded in a camera RAW file (CR2, CR3, NEF, ARW, DNG, ORF, RW2, RAF all
 * carry one or more previews) by walking JPEG marker structure from every start-of-image marker.
 * Pure: byte sequences that only look like a marker fail the walk and are skipped.
 */
export function findEmbeddedJpegs(bytes: Uint8Array): EmbeddedJpeg[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: EmbeddedJpeg[] = [];
  let from = 0;
  while (from < buf.length) {
    const offset = buf.indexOf(SOI, from);
    if (offset < 0) break;
    const jpeg = walkJpeg(buf, offset);
    if (jpeg) found.push(jpeg);
    from = jpeg ? offset + jpeg.length : offset + 1;
  }
  return found;
}

/** The embedded JPEG with the most pixels, as bytes, or undefined when the file carries none. */
export function largestEmbeddedJpeg(bytes: Uint8Array): Buffer | undefined {
  const best = findEmbeddedJpegs(bytes).reduce<EmbeddedJpeg | undefined>(
    (a, b) => (!a || b.width * b.height > a.width * a.height ? b : a),
    undefined,
  );
  return best ? Buffer.from(bytes.buffer, bytes.byteOffset + best.offset, best.length) : undefined;
}

/** Walks markers from SOI at `start` to EOI; undefined unless a frame header and EOI are found. */
function walkJpeg(buf: Buffer, start: number): EmbeddedJpeg | undefined {
  let pos = start + 2;
  let size: { width: number; height: number } | undefined;
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) return undefined;
    const marker = buf[pos + 1]!;
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (marker === 0xd9) return size ? { offset: start, length: pos + 2 - start, ...size } : undefined;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    const segment = buf.readUInt16BE(pos + 2);
    if (segment < 2 || pos + 2 + segment > buf.length) return undefined;
    if (isFrameHeader(marker) && segment >= 8) size = { height: buf.readUInt16BE(pos + 5), width: buf.readUInt16BE(pos + 7) };
    pos += 2 + segment;
    if (marker === 0xda) pos = skipEntropyData(buf, pos);
    if (pos < 0) return undefined;
  }
  return undefined;
}

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Skips scan data to the next marker (an 0xFF not followed by 0x00 or a restart marker). */
function skipEntropyData(buf: Buffer, pos: number): number {
  let at = pos;
  for (;;) {
    at = buf.indexOf(0xff, at);
    if (at < 0 || at + 1 >= buf.length) return -1;
    const next = buf[at + 1]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
      at += next === 0xff ? 1 : 2;
      continue;
    }
    return at;
  }
}
