import { crc32 } from 'node:zlib';
import { ZipArchive } from 'archiver';
import sharp from 'sharp';

/** Files for upload tests, made in memory: real images, and the hostile ones the checks must refuse. */
export async function jpeg(seed: number, width = 96, height = 64): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 13) % 256 } },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A JPEG of noise (no run of one colour), so a cut-off copy is missing real pixel data. */
export async function noisyJpeg(width = 640, height = 480): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let x = 12345;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
}

/** A PNG whose header claims `width`×`height` pixels over a 1×1 image: a decompression bomb's header. */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
  // IHDR: length (4) at 8, type at 12, width at 16, height at 20, …, CRC over type+data at 29.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** A ZIP archive holding one text file. */
export async function zipOf(name: string, text: string): Promise<Buffer> {
  const archive = new ZipArchive({ store: true });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => archive.on('end', resolve));
  archive.append(text, { name });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
