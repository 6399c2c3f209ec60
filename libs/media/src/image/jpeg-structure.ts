import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
// Baseline and extended sequential Huffman JPEG: one scan after the headers, what cameras write.
const SEQUENTIAL_FRAMES = new Set([0xc0, 0xc1]);
// Frames of other processes (progressive, lossless, hierarchical, arithmetic-coded).
const OTHER_FRAMES = new Set([0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const MAX_SEGMENTS = 1000;

/**
 * Where the first scan's data starts in a sequential (baseline or extended) JPEG, found by walking
 * its marker segments from SOI; undefined for anything else — progressive and other frames, a
 * segment that runs past the end, no frame before the scan — which is then decoded in full.
 */
export async function sequentialScanStart(handle: FileHandle, size: number): Promise<number | undefined> {
  const head = Buffer.alloc(4);
  let at = 2;
  let sequential = false;
  const marker = await handle.read(head, 0, 2, 0);
  if (marker.bytesRead < 2 || head[0] !== 0xff || head[1] !== SOI) return undefined;
  for (let segments = 0; segments < MAX_SEGMENTS && at + 4 <= size; segments++) {
    await handle.read(head, 0, 4, at);
    if (head.readUInt8(0) !== 0xff) return undefined;
    const code = head.readUInt8(1);
    // Fill bytes before a marker, and markers without a length (RSTn, TEM).
    if (code === 0xff) {
      at += 1;
      continue;
    }
    if ((code >= 0xd0 && code <= 0xd7) || code === 0x01) {
      at += 2;
      continue;
    }
    if (code === EOI || code === SOI || OTHER_FRAMES.has(code)) return undefined;
    const length = head.readUInt16BE(2);
    if (length < 2 || at + 2 + length > size) return undefined;
    if (SEQUENTIAL_FRAMES.has(code)) sequential = true;
    if (code === SOS) return sequential ? at + 2 + length : undefined;
    at += 2 + length;
  }
  return undefined;
}

/**
 * True when an EOI marker (FF D9) follows `from`. In entropy-coded data every FF byte is stuffed
 * (FF 00) or a restart marker, so this is where a decoder stops; without one it runs out of data
 * (libjpeg's "premature end of JPEG file"), which is what a cut-off upload looks like.
 */
export async function endMarkerAfter(path: string, from: number): Promise<boolean> {
  let carriedFf = false;
  for await (const chunk of createReadStream(path, { start: from, highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    if (carriedFf && bytes[0] === EOI) return true;
    for (let at = bytes.indexOf(0xff); at !== -1 && at < bytes.length - 1; at = bytes.indexOf(0xff, at + 1))
      if (bytes[at + 1] === EOI) return true;
    carriedFf = bytes[bytes.length - 1] === 0xff;
  }
  return false;
}
