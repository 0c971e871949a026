// Just enough of the OLE2 compound file format (MS-CFB) to list a file's streams and read the first bytes of one:
// the encryption flag of a Word binary lives in its WordDocument stream's header (the FIB), not in a stream name.
import type { FileHandle } from 'node:fs/promises';

export interface OleStream {
  name: string;
  start: number;
  size: number;
}

const END_OF_CHAIN = 0xfffffffe;
const MINI_CUTOFF = 4096;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

export class OleFile {
  private readonly fh: FileHandle;
  private readonly sectorSize: number;
  private readonly fatSectors: number[];
  private readonly maxSectors: number;

  private constructor(fh: FileHandle, sectorSize: number, fatSectors: number[], fileSize: number) {
    this.fh = fh;
    this.sectorSize = sectorSize;
    this.fatSectors = fatSectors;
    this.maxSectors = Math.ceil(fileSize / sectorSize);
  }

  /** Null when the header is not a well-formed compound file header. */
  static async open(fh: FileHandle, fileSize: number): Promise<OleFile | null> {
    const h = await readAt(fh, 0, 512);
    if (h.length < 512) return null;
    const shift = h.readUInt16LE(0x1e);
    if (shift !== 9 && shift !== 12) return null;
    const sectorSize = 1 << shift;
    const numFat = h.readUInt32LE(0x2c);
    const fat: number[] = [];
    for (let i = 0; i < 109 && fat.length < numFat; i++) fat.push(h.readUInt32LE(0x4c + i * 4));
    // Files beyond ~7 MB (512-byte sectors) list further FAT sectors in a DIFAT chain.
    let difat = h.readUInt32LE(0x44);
    for (let hops = 0; fat.length < numFat && difat < END_OF_CHAIN && hops < 1_000_000; hops++) {
      const s = await readAt(fh, (difat + 1) * sectorSize, sectorSize);
      if (s.length < sectorSize) return null;
      const per = sectorSize / 4 - 1;
      for (let i = 0; i < per && fat.length < numFat; i++) fat.push(s.readUInt32LE(i * 4));
      difat = s.readUInt32LE(per * 4);
    }
    const ole = new OleFile(fh, sectorSize, fat, fileSize);
    ole.dirStart = h.readUInt32LE(0x30);
    return ole;
  }

  private dirStart = END_OF_CHAIN;
  private readonly fatCache = new Map<number, Buffer>();

  private async next(sector: number): Promise<number> {
    const per = this.sectorSize / 4;
    const idx = Math.floor(sector / per);
    const fatSector = this.fatSectors[idx];
    if (fatSector === undefined) return END_OF_CHAIN;
    let buf = this.fatCache.get(idx);
    if (!buf) {
      buf = await readAt(this.fh, (fatSector + 1) * this.sectorSize, this.sectorSize);
      this.fatCache.set(idx, buf);
    }
    const at = (sector % per) * 4;
    return at + 4 <= buf.length ? buf.readUInt32LE(at) : END_OF_CHAIN;
  }

  /** Every stream in the directory (storages skipped). */
  async streams(): Promise<OleStream[]> {
    const out: OleStream[] = [];
    let sector = this.dirStart;
    // Bounded by the file's sector count, so a FAT with a loop cannot spin.
    for (let hops = 0; sector < END_OF_CHAIN && hops < this.maxSectors; hops++) {
      const buf = await readAt(this.fh, (sector + 1) * this.sectorSize, this.sectorSize);
      for (let p = 0; p + 128 <= buf.length; p += 128) {
        const nameLen = buf.readUInt16LE(p + 0x40);
        if (buf[p + 0x42] !== 2 || nameLen < 2 || nameLen > 64) continue;
        out.push({
          name: buf.toString('utf16le', p, p + nameLen - 2),
          start: buf.readUInt32LE(p + 0x74),
          size: buf.readUInt32LE(p + 0x78),
        });
      }
      sector = await this.next(sector);
    }
    return out;
  }

  /** The first bytes (at most one sector) of a stream stored in regular sectors; null for small (mini) streams. */
  async head(stream: OleStream, length: number): Promise<Buffer | null> {
    if (stream.size < MINI_CUTOFF || stream.start >= END_OF_CHAIN) return null;
    return readAt(this.fh, (stream.start + 1) * this.sectorSize, Math.min(length, this.sectorSize, stream.size));
  }
}

/** Word 97-2003: FIB flag fEncrypted (bit 8 of the 16-bit field at offset 0x0A), set for RC4/CryptoAPI and XOR. */
export function wordFibEncrypted(fib: Buffer): boolean {
  return fib.length >= 0x0c && fib.readUInt16LE(0) === 0xa5ec && (fib.readUInt16LE(0x0a) & 0x0100) !== 0;
}
