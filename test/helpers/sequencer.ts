import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs the files named in `first` before all others, in that order, then the rest as vitest orders them (longest
 * last time, or largest, first). The named files spend minutes waiting on timers, processes and builds: started
 * first, they overlap everything else instead of running alone at the end.
 */
export function startingWith(first: readonly string[]) {
  return class StartingWith extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      const rank = (file: TestSpecification) => {
        const index = first.findIndex((name) => file.moduleId.endsWith(`/${name}`));
        return index === -1 ? first.length : index;
      };
      return sorted
        .map((file, position) => ({ file, position }))
        .sort((a, b) => rank(a.file) - rank(b.file) || a.position - b.position)
        .map(({ file }) => file);
    }
  };
}
