import { closeSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { cataloguePart } from './jobs.ts';
import type { CataloguePlace } from './manifest.ts';
import { fileFor, urls } from './urls.ts';

interface Slice {
  /** A render job's part (its seq), or -1 for the last build's catalogue.jsonl.gz. */
  source: number;
  offset: number;
  length: number;
}

const PREVIOUS = -1;

/**
 * Assembles data/catalogue.jsonl.gz in catalogue order from the servers' lines: those of re-rendered servers from
 * the render jobs' parts, those of unchanged servers copied from the last build's file. Returns each server's
 * place in the new file for the manifest.
 */
export class CatalogueJoiner {
  private readonly slices: Slice[] = [];
  private readonly partOffsets = new Map<number, number>();
  private size = 0;

  constructor(
    private readonly siteDir: string,
    private readonly previousFile: string | null,
  ) {}

  /** The next server's lines (or the next of them) are the next `length` bytes of part `seq`. */
  fromPart(seq: number, length: number, head: number): CataloguePlace {
    const offset = this.partOffsets.get(seq) ?? 0;
    this.partOffsets.set(seq, offset + length);
    return this.add({ source: seq, offset, length }, head);
  }

  /** The next server's lines (or the next of them) are where the last build's file had them. */
  fromPrevious([offset, length, head]: CataloguePlace): CataloguePlace {
    if (this.previousFile === null) throw new Error('No previous catalogue.jsonl.gz to copy from.');
    return this.add({ source: PREVIOUS, offset, length }, head);
  }

  private add(slice: Slice, head: number): CataloguePlace {
    const at = this.size;
    this.size += slice.length;
    const tail = this.slices.at(-1);
    if (tail && tail.source === slice.source && tail.offset + tail.length === slice.offset) tail.length += slice.length;
    else if (slice.length > 0) this.slices.push(slice);
    return [at, slice.length, head];
  }

  /** Writes the file (beside the old one, then renamed over it). */
  finish(): void {
    const target = path.join(this.siteDir, fileFor(urls.catalogue));
    mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.new`;
    const out = openSync(temporary, 'w');
    const inputs = new Map<number, number>();
    const buffer = Buffer.allocUnsafe(1 << 20);
    try {
      for (const slice of this.slices) {
        let fd = inputs.get(slice.source);
        if (fd === undefined) {
          fd = openSync(slice.source === PREVIOUS ? this.previousFile! : path.join(this.siteDir, fileFor(cataloguePart(slice.source))), 'r');
          inputs.set(slice.source, fd);
        }
        for (let done = 0; done < slice.length; ) {
          const n = readSync(fd, buffer, 0, Math.min(buffer.length, slice.length - done), slice.offset + done);
          if (n === 0) throw new Error(`catalogue.jsonl.gz: a source ended early (${slice.source})`);
          writeSync(out, buffer, 0, n);
          done += n;
        }
      }
    } finally {
      for (const fd of inputs.values()) closeSync(fd);
      closeSync(out);
    }
    renameSync(temporary, target);
  }
}
