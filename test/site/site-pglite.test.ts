import { describeBuiltSite } from './built-site.ts';

describeBuiltSite('pglite');
