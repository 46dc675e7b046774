import { describeBuiltSite } from './built-site.ts';

describeBuiltSite('postgres');
