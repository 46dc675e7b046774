/** Splits rows into chunks small enough for one INSERT (PostgreSQL allows 65,535 parameters a statement). */
export function chunks<T>(rows: readonly T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
