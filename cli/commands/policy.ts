import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { classify, CLASSIFIER_VERSION } from '../../classifier/index.ts';
import { ConfigError, type ConfiguredServer } from '../../classifier/policy/agent-config.ts';
import { policyForConfig, type ConfigPolicy, type MatchedServer } from '../../classifier/policy/config-policy.ts';
import { EXPORT_FORMATS, isExportFormat, renderPolicy, unsafeToolNames, type ExportFormat } from '../../classifier/policy/index.ts';
import { crawlTarget, type CrawlTarget } from '../../crawler/index.ts';
import { classificationRow, openDatabase, serverToolSet, writeClassifications } from '../../db/index.ts';
import { classifyCatalogue } from '../../pipeline/classify.ts';
import { clientServerName } from '../../site/render/install.ts';
import { policyIndexFromDatabase } from '../../site/render/policy-index.ts';
import { addCrawlFlags, crawlOptionsFrom, type CrawlFlags } from '../crawl-flags.ts';
import { UsageError } from '../errors.ts';
import { printable } from '../output.ts';
import { resolveServer } from '../server-name.ts';

interface PolicyFlags extends CrawlFlags {
  format: string;
  out?: string;
  config?: string;
  checkMissing?: boolean;
}

export function registerPolicy(program: Command): void {
  const command = program
    .command('policy')
    .description(
      "Print the recommended policy for a server's current tools, for one of its tools, or (--config) for every server in your MCP client's configuration.",
    )
    .argument('[server]', 'the server: its id (io.github.owner/repo), npm package, URL slug, or a unique prefix')
    .argument('[tool]', 'one tool of that server: the per-tool policy')
    .option('--format <format>', `policy format: ${Object.keys(EXPORT_FORMATS).join(', ')}`, 'policylayer')
    .option('--out <file>', 'write the policy to this file instead of standard output')
    .option(
      '--config <file>',
      'an MCP configuration (claude_desktop_config.json, .mcp.json, Cursor or VS Code mcp.json, Codex config.toml, Gemini settings.json): one policy for all its servers, under your names for them',
    )
    .option('--check-missing', 'with --config: list the tools of servers the catalogue lacks, live in the sandbox, and include them');
  addCrawlFlags(command).action(async (serverId: string | undefined, toolName: string | undefined, flags: PolicyFlags) => {
    if (!isExportFormat(flags.format))
      throw new UsageError(`--format must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}, got ${JSON.stringify(flags.format)}`);
    const format = flags.format;
    let document: string;
    if (flags.config !== undefined) {
      if (serverId !== undefined) throw new UsageError('give either a server or --config, not both');
      document = await configPolicy(flags.config, format, flags);
    } else {
      if (serverId === undefined) throw new UsageError('give a server id, or --config <file>');
      if (flags.checkMissing) throw new UsageError('--check-missing goes with --config');
      document = await serverPolicy(serverId, toolName, format);
    }
    if (flags.out) {
      await writeFile(flags.out, document);
      console.error(`Wrote the ${EXPORT_FORMATS[format].label} policy to ${flags.out}.`);
    } else {
      process.stdout.write(document);
    }
  });
}

async function serverPolicy(serverName: string, toolName: string | undefined, format: ExportFormat): Promise<string> {
  const db = await openDatabase({ brief: true });
  try {
    const serverId = await resolveServer(db.orm, serverName);
    const current = await serverToolSet(db.orm, serverId, CLASSIFIER_VERSION);
    if (current.length === 0) throw new Error(`no current tools for server ${printable(serverId)}: no crawl has listed its tools yet`);
    const chosen = toolName === undefined ? current : current.filter((t) => t.name === toolName);
    if (chosen.length === 0) {
      throw new Error(
        `server ${printable(serverId)} has no tool ${printable(JSON.stringify(toolName))}; its tools: ${current.map((t) => printable(t.name)).join(', ')}`,
      );
    }
    // Tools classified by an older classifier version (or not at all) are classified now and stored.
    const fresh = chosen.filter((t) => !t.classification).map((t) => ({ hash: t.definition.hash, result: classify(t.definition) }));
    if (fresh.length > 0) {
      const at = new Date();
      await writeClassifications(
        db.orm,
        fresh.map(({ hash, result }) => classificationRow(hash, result, at)),
      );
    }
    const byHash = new Map(fresh.map((f) => [f.hash, f.result]));
    const tools = chosen.map((t) => {
      const c = t.classification ?? byHash.get(t.definition.hash)!;
      return { name: t.name, category: c.category, severity: c.severity, flags: c.flags };
    });
    warnUnsafe(unsafeToolNames(tools, format).map((u) => ({ server: serverId, ...u })));
    // The name the site's install snippets give the server, so the policy's rules match the installed server.
    return renderPolicy(tools, format, { name: clientServerName(serverId) });
  } finally {
    await db.close();
  }
}

async function configPolicy(file: string, format: ExportFormat, flags: PolicyFlags): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--config: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  // Not brief: it may classify and store the whole catalogue first.
  const db = await openDatabase();
  // Tools not yet classified for this classifier version are classified and stored first, as `build` does,
  // so this index and the site's are the same.
  const index = await classifyCatalogue(db.orm)
    .then(() => policyIndexFromDatabase(db, CLASSIFIER_VERSION))
    .finally(() => db.close());
  const read = (extra: MatchedServer[] = []) => {
    try {
      return policyForConfig(text, path.basename(file), index, format, extra);
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
  };
  let result = read();
  if (flags.checkMissing && result.missing.length > 0) result = read(await checkMissing(result.missing, flags));
  report(result);
  return result.text;
}

function report(result: ConfigPolicy): void {
  const total = result.matched.length + result.missing.length;
  console.error(`${result.matched.length} of ${total} configured servers have a policy:`);
  for (const m of result.matched) console.error(`  ${printable(m.name)} → ${printable(m.serverId)} (${m.tools.length} tools)`);
  if (result.missing.length > 0) {
    console.error('Not in the catalogue (no policy written for them; --check-missing lists their tools live):');
    for (const m of result.missing) {
      const why = m.catalogued
        ? `catalogued as ${m.catalogued}, but no crawl has listed its tools`
        : m.keys.length > 0
          ? `looked for ${m.keys.join(', ')}`
          : 'not started by npx, uvx, docker or a URL';
      console.error(`  ${printable(m.name)} (line ${m.line}): ${printable(why)}`);
    }
  }
  warnUnsafe(result.unsafe);
}

function warnUnsafe(unsafe: ReadonlyArray<{ server: string; name: string; reason: string }>): void {
  for (const u of unsafe)
    console.error(`Left out tool ${printable(JSON.stringify(u.name))} of ${printable(u.server)}: ${u.reason} (so the format's default applies to it).`);
}

/** Lists the tools of each missing server in the sandbox, as `toolrisk check` does, and classifies them. */
async function checkMissing(missing: ConfigPolicy['missing'], flags: PolicyFlags): Promise<MatchedServer[]> {
  const checked: MatchedServer[] = [];
  for (const server of missing) {
    const target = checkTarget(server);
    if (!target) {
      console.error(`  ${printable(server.name)}: cannot be checked (no command or URL)`);
      continue;
    }
    console.error(`Checking ${printable(server.name)} in the sandbox…`);
    const result = await crawlTarget(target, crawlOptionsFrom(flags));
    if (result.outcome !== 'ok') {
      console.error(`  ${printable(server.name)}: ${result.outcome}: ${printable(result.error ?? '')}`);
      continue;
    }
    const tools = result.tools!.map((tool) => {
      const c = classify(tool);
      return { name: tool.name, category: c.category, severity: c.severity, flags: c.flags };
    });
    console.error(`  ${printable(server.name)}: ${tools.length} tools, classified now`);
    checked.push({ name: server.name, serverId: `check:${server.name}`, tools });
  }
  return checked;
}

/**
 * The crawl target for a configured server: an npm package runs from the crawler's install (no scripts) in the
 * sandbox; other commands run in the sandbox as written. The user's environment variables are not passed on.
 */
function checkTarget(server: ConfiguredServer & { keys: string[] }): CrawlTarget | null {
  const serverId = `check:${server.name}`;
  if (server.url) return { kind: 'remote', serverId, url: server.url, transport: 'auto', headers: {} };
  const npm = server.keys.find((k) => k.startsWith('npm:'))?.slice(4);
  if (npm && server.command) {
    const at = server.args.findIndex((a) => a === npm || a.startsWith(`${npm}@`));
    return { kind: 'npm', serverId, package: npm, version: undefined, args: at >= 0 ? server.args.slice(at + 1) : [], env: {}, placeholders: [] };
  }
  // As `toolrisk check -- <command>` does: the sandbox decides what of the current folder the server may see.
  if (server.command) return { kind: 'stdio', serverId, command: server.command, args: server.args, env: {}, cwd: process.cwd() };
  return null;
}
