import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Orm } from '../connection.ts';
import { servers } from '../schema.ts';

/** An entry of a registry server's `packages[]` that is an npm package (the others have no npm name). */
const npmPackage = z.object({ registryType: z.literal('npm'), identifier: z.string().min(1) });

/** A server's id and the npm packages it is published as: the names a command line may use for it. */
export interface ServerNames {
  id: string;
  packages: string[];
}

/** Whether a server with exactly this id is in the catalogue. */
export async function serverExists(orm: Orm, id: string): Promise<boolean> {
  const rows = await orm.select({ id: servers.id }).from(servers).where(eq(servers.id, id)).limit(1);
  return rows.length > 0;
}

/** Every server's names: its id, its registry entry's npm packages and the npm package the crawler installed. */
export async function serverNames(orm: Orm): Promise<ServerNames[]> {
  const rows = await orm.select({ id: servers.id, packages: servers.packages, packageInfo: servers.packageInfo }).from(servers);
  return rows.map((row) => {
    const names = new Set<string>();
    for (const entry of row.packages) {
      const npm = npmPackage.safeParse(entry);
      if (npm.success) names.add(npm.data.identifier);
    }
    if (row.packageInfo?.registryType === 'npm') names.add(row.packageInfo.identifier);
    return { id: row.id, packages: [...names] };
  });
}
