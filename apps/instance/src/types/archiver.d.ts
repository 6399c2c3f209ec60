// archiver 8 ships ESM classes and no types; this declares the part the instance uses.
declare module 'archiver' {
  import type { Readable, Transform } from 'node:stream';

  export interface ZipOptions {
    /** Store entries without compression (photos and videos are compressed already). */
    store?: boolean;
    /** Always write ZIP64 records. */
    forceZip64?: boolean;
    zlib?: { level?: number };
    highWaterMark?: number;
  }

  export interface EntryData {
    name: string;
    date?: Date;
    mode?: number;
    store?: boolean;
  }

  export class ZipArchive extends Transform {
    constructor(options?: ZipOptions);
    append(source: Readable | Buffer | string, data: EntryData): this;
    file(path: string, data: EntryData): this;
    finalize(): Promise<void>;
    abort(): this;
    pointer(): number;
  }
}
