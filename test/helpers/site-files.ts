import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every file under a folder, relative path → content. */
function filesUnder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, full), readFileSync(full));
    }
  }
  return files;
}

/** The paths whose content differs between two built sites (or that only one has), sorted: empty when they are byte for byte the same. */
export function siteDifferences(a: string, b: string): string[] {
  const [left, right] = [filesUnder(a), filesUnder(b)];
  const out: string[] = [];
  for (const [file, content] of left) if (!right.get(file)?.equals(content)) out.push(file);
  for (const file of right.keys()) if (!left.has(file)) out.push(file);
  return out.sort();
}
