import { eq } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { syncState } from '../schema.ts';

export async function getState<T = unknown>(orm: Orm, key: string): Promise<T | undefined> {
  const [row] = await orm.select().from(syncState).where(eq(syncState.key, key));
  return row?.value as T | undefined;
}

export async function setState(orm: Orm, key: string, value: unknown, at: Date): Promise<void> {
  await orm
    .insert(syncState)
    .values({ key, value, updatedAt: at })
    .onConflictDoUpdate({ target: syncState.key, set: { value, updatedAt: at } });
}
