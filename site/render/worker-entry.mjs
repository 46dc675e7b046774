// Worker threads do not inherit the CLI's loader: the render worker compiled with the CLI while that build is
// current, or else the TypeScript one through tsx.
import { importCompiled } from '../../cli/built.js';

await importCompiled('render-worker', new URL('./worker.ts', import.meta.url).href);
