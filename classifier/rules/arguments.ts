import type { Category, Flag } from '../types.ts';

/**
 * Input schema arguments. `names` are matched against the argument's words (`file_path` → file, path);
 * `types` restricts the rule to arguments of those JSON Schema types. Freeform arguments make a tool's
 * effect depend on what the caller writes into them.
 */
export interface ArgumentRule {
  id: string;
  names: string[];
  types?: string[];
  /** The whole argument name must be one of `names` (not just one of its words). */
  exact?: boolean;
  /** Only the argument name's last word counts (`file_path`, not `path_prefix`). */
  headWord?: boolean;
  /** The argument's own description or default shows it is something else (a JSONPath, not a file). */
  unless?: RegExp;
  /** The argument's enum must hold one of these values (any case): `side: BUY | SELL` is a trade's side. */
  enumHas?: string[];
  /** A sibling argument shows the value lives elsewhere (`path` beside `owner` and `repo` is a path in a remote repository). */
  unlessBeside?: string[];
  /** The rule needs one of these sibling arguments (`overwrite` beside a file path replaces a file). */
  onlyBeside?: string[];
  /** The rule needs the name's verb to be one of these (`fileName` is where a generator saves, what a reader opens). */
  nameVerbs?: string[];
  points: Category | Flag;
  weight: number;
}

export const ARGUMENT_RULES: readonly ArgumentRule[] = [
  { id: 'sql', names: ['sql', 'sql_query', 'sqlquery', 'statement', 'ddl', 'dml'], exact: true, types: ['string'], points: 'execute', weight: 0.75 },
  {
    id: 'shell-command',
    names: ['command', 'cmd', 'shell', 'script', 'code', 'program', 'javascript', 'python', 'bash', 'expression', 'snippet', 'source_code', 'function_code'],
    exact: true,
    types: ['string'],
    points: 'execute',
    weight: 0.6,
  },
  {
    id: 'freeform-code',
    names: [
      'sql',
      'command',
      'cmd',
      'script',
      'shell',
      'expression',
      'statement',
      'javascript',
      'python',
      'jql',
      'promql',
      'logql',
      'kql',
      'cypher',
      'graphql',
      'formula',
      'manifest',
    ],
    headWord: true,
    types: ['string', 'array', 'object'],
    points: 'freeform_input',
    weight: 0.6,
  },
  {
    // A tool that computes or downloads something and saves it to a local file the caller names has a lasting effect.
    id: 'output-file',
    names: [
      'output_file',
      'output_dir',
      'output_path',
      'output_directory',
      'outputfile',
      'outputdir',
      'outputpath',
      'save_path',
      'savepath',
      'workspace_dir',
      'local_path',
      'localpath',
      'target_path',
      'targetpath',
      'download_path',
      'downloadpath',
      'destination_path',
      'destinationpath',
    ],
    exact: true,
    types: ['string'],
    points: 'write',
    weight: 0.7,
  },
  {
    // A generator told the file to write or the project to write into leaves its output there (`generate_theme`
    // with `fileName`, `generate_test_plan` with `projectPath`); a reader given the same argument opens it.
    id: 'generated-into-a-file',
    names: [
      'filename',
      'file_name',
      'projectpath',
      'project_path',
      'projectroot',
      'project_root',
      'projectrootpath',
      'project_root_path',
      'projectdir',
      'project_dir',
      'project_directory',
    ],
    exact: true,
    types: ['string'],
    nameVerbs: ['generate'],
    points: 'write',
    weight: 0.7,
  },
  { id: 'query-document', names: ['pipeline', 'filter', 'aggregation'], exact: true, types: ['array', 'object'], points: 'freeform_input', weight: 0.6 },
  { id: 'code-argument', names: ['code', 'source_code', 'function_code', 'snippet'], exact: true, types: ['string'], points: 'freeform_input', weight: 0.6 },
  { id: 'query-text', names: ['query', 'q'], exact: true, types: ['string'], points: 'freeform_input', weight: 0.35 },
  {
    id: 'arbitrary-url',
    names: ['url', 'urls', 'uri', 'href', 'link', 'webhook', 'webhook_url', 'target_url', 'page_url', 'endpoint_url'],
    exact: true,
    types: ['string', 'array'],
    points: 'freeform_input',
    weight: 0.5,
  },
  {
    id: 'filesystem-path',
    names: ['path', 'paths', 'filepath', 'filepaths', 'directory', 'dir', 'folder', 'cwd'],
    headWord: true,
    types: ['string', 'array'],
    unless: /json ?path|\$\.|^\$$|dot[- ]notation|documentation|\burl\b/i,
    unlessBeside: ['owner', 'repo', 'repository', 'repo_name', 'project_id', 'projectId', 'bucket', 'bucket_name'],
    points: 'freeform_input',
    weight: 0.5,
  },
  {
    id: 'many-items',
    names: ['records', 'ids', 'documents', 'entities', 'messages', 'rows', 'objects', 'keys', 'relations', 'observations', 'deletions', 'updates', 'entries'],
    headWord: true,
    types: ['array'],
    points: 'bulk',
    weight: 0.5,
  },
  {
    // Creating an order with a buy/sell side trades, whatever the verb (`create_order` on an exchange).
    id: 'trade-side',
    names: ['side', 'order_side', 'orderside', 'trade_side', 'direction'],
    exact: true,
    enumHas: ['buy', 'sell'],
    points: 'financial',
    weight: 0.75,
  },
  {
    id: 'money-amount',
    names: ['amount', 'price', 'currency', 'notional', 'qty', 'quantity', 'side', 'limit_price', 'stop_price'],
    points: 'financial',
    weight: 0.3,
  },
  {
    id: 'recipient',
    names: ['recipient', 'recipients', 'to', 'cc', 'bcc', 'email_to', 'phone', 'phone_number', 'channel', 'channel_id', 'chat_id', 'webhook_url'],
    exact: true,
    points: 'external_comm',
    weight: 0.4,
  },
  {
    // A batch call's list of what to delete (`{ create: [...], update: [...], delete: [ids] }`).
    id: 'delete-list',
    names: ['delete', 'remove', 'destroy', 'delete_ids', 'deleteids', 'remove_ids', 'removeids', 'ids_to_delete', 'to_delete'],
    exact: true,
    types: ['array'],
    points: 'destructive',
    weight: 0.7,
  },
  {
    // Writing a file with an `overwrite` switch replaces whatever the path held (as `write_file` does).
    id: 'overwrite-a-file',
    names: ['overwrite'],
    exact: true,
    types: ['boolean'],
    onlyBeside: [
      'path',
      'file_path',
      'filepath',
      'local_path',
      'localpath',
      'remote_path',
      'remotepath',
      'target_path',
      'targetpath',
      'destination',
      'output_path',
      'outputpath',
    ],
    points: 'destructive',
    weight: 0.7,
  },
  {
    id: 'force-switch',
    names: ['force', 'overwrite', 'permanent', 'hard', 'recursive', 'cascade', 'purge'],
    exact: true,
    types: ['boolean'],
    points: 'destructive',
    weight: 0.35,
  },
  {
    id: 'secret-argument',
    names: ['password', 'secret', 'token', 'api_key', 'apikey', 'private_key', 'client_secret'],
    exact: true,
    points: 'credential_admin',
    weight: 0.4,
  },
];

/** Argument names whose enum or const values name actions (`action: create | delete`). */
export const ACTION_ARGUMENTS: ReadonlySet<string> = new Set([
  'action',
  'actions',
  'operation',
  'op',
  'method',
  'mode',
  'command',
  'verb',
  'subcommand',
  'cmd',
]);

/**
 * An enum of these is a choice of HTTP method, not of action (`method: GET | DELETE` for a monitor's probe,
 * `COPY | PURGE | LOCK` for a saved WebDAV request).
 */
export const HTTP_METHODS: ReadonlySet<string> = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
  'options',
  'trace',
  'connect',
  'copy',
  'move',
  'link',
  'unlink',
  'purge',
  'lock',
  'unlock',
  'propfind',
  'proppatch',
  'mkcol',
  'view',
]);
