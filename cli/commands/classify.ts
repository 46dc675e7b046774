import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { addToTally, classifyJsonLine, CLASSIFIER_VERSION, emptyTally, type Category, type Severity } from '../../classifier/index.ts';
import { iterateCurrentTools, openDatabase } from '../../db/index.ts';
import { classifyCatalogue } from '../../pipeline/classify.ts';
import { formatTable, printJson } from '../output.ts';

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description(
      'Classify every current tool definition not yet classified by this classifier version, then show the catalogue per category and severity. ' +
        'With --file, classify tool definitions from a JSONL file instead and print one classification (or error) per line.',
    )
    .option('--file <tools.jsonl>', 'one tool definition per line: name, title, description, input_schema or inputSchema, annotations')
    .option('--json', 'print the counts as JSON (catalogue mode)')
    .action(async (options: { file?: string; json?: boolean }) => {
      if (options.file) return classifyFile(options.file);
      const db = await openDatabase();
      try {
        const { classified } = await classifyCatalogue(db.orm, {
          onBatch: options.json ? undefined : (n) => process.stderr.write(`classified ${n}\r`),
        });
        const tally = emptyTally();
        for await (const batch of iterateCurrentTools(db.orm, { classifierVersion: CLASSIFIER_VERSION })) {
          addToTally(
            tally,
            batch.flatMap((t) => (t.classification ? [t.classification as { category: Category; severity: Severity }] : [])),
          );
        }
        if (options.json) return printJson({ classifierVersion: CLASSIFIER_VERSION, classifiedNow: classified, catalogue: tally });
        console.log(`Classified ${classified} new tool definitions (classifier ${CLASSIFIER_VERSION}); ${tally.total} current tools are classified.`);
        console.log();
        console.log(formatTable(['category', 'tools'], Object.entries(tally.categories)));
        console.log();
        console.log(formatTable(['severity', 'tools'], Object.entries(tally.severities)));
      } finally {
        await db.close();
      }
    });
}

/** One output line per input line, in order; bad lines become error objects. */
async function classifyFile(file: string): Promise<void> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number++;
    const out = line.trim() === '' ? JSON.stringify({ line: number, error: 'empty line' }) : classifyJsonLine(line, number);
    if (!process.stdout.write(`${out}\n`)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}
