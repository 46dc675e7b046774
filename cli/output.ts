/** Prints data as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain text table; every cell is shown as text, with control characters made visible. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>, maxWidth = 60): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => clip(printable(cell), maxWidth)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Text safe to print on a terminal: crawled text may carry escape sequences. */
export function printable(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c === '\n' || c === '\t' ? ' ' : `\\u{${c.charCodeAt(0).toString(16)}}`,
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
