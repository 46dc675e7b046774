import { describe, expect, it } from 'vitest';
import { firstSentence, splitWords, tokenizeName } from '../../classifier/tokenize.ts';

describe('tokenizeName', () => {
  it.each([
    ['delete_repository', ['delete', 'repository']],
    ['getUserById', ['get', 'user', 'by', 'id']],
    ['create-pull-request', ['create', 'pull', 'request']],
    ['github.repos.delete', ['github', 'repos', 'delete']],
    ['jira_get_issue', ['jira', 'get', 'issue']],
    ['HTTPRequestSend', ['http', 'request', 'send']],
    ['listS3Buckets', ['list', 's3', 'buckets']],
    ['getV2Users', ['get', 'v2', 'users']],
    ['API-post-search', ['api', 'post', 'search']],
    ['files/read', ['files', 'read']],
    ['  spaced  name ', ['spaced', 'name']],
    ['UPPER_SNAKE_CASE', ['upper', 'snake', 'case']],
  ])('%s → %j', (name, words) => {
    expect(tokenizeName(name)).toEqual(words);
  });

  it('keeps only the tool part of an mcp__server__tool namespace', () => {
    expect(tokenizeName('mcp__github__delete_file')).toEqual(['delete', 'file']);
    expect(tokenizeName('mcp__my-server__listItems')).toEqual(['list', 'items']);
  });

  it('copes with names that are empty, all separators, non-ASCII or end in the namespace marker', () => {
    expect(tokenizeName('')).toEqual([]);
    expect(tokenizeName('___')).toEqual([]);
    expect(tokenizeName('tool__')).toEqual(['tool']);
    expect(tokenizeName('__init__')).toEqual(['init']);
    expect(tokenizeName('löschen_daten')).toEqual(['l', 'schen', 'daten']);
    expect(tokenizeName('删除文件')).toEqual([]);
  });

  it('splits argument names the same way', () => {
    expect(splitWords('file_path')).toEqual(['file', 'path']);
    expect(splitWords('webhookURL')).toEqual(['webhook', 'url']);
  });
});

describe('firstSentence', () => {
  it('ends at a full stop followed by space', () => {
    expect(firstSentence('Deletes a repo. Use with care.')).toEqual({ first: 'Deletes a repo.', rest: ' Use with care.' });
  });

  it('ends at a blank line or an Args: section', () => {
    expect(firstSentence('Lists files\n\nArgs:\n  path: where').first).toBe('Lists files\n');
    expect(firstSentence('Run a query\nArgs: query').first).toBe('Run a query\n');
  });

  it('does not end at a dot inside a word or version', () => {
    expect(firstSentence('Reads package.json and v1.2 settings. Then more.').first).toBe('Reads package.json and v1.2 settings.');
  });

  it('is the whole text when there is no end', () => {
    expect(firstSentence('  Get the weather')).toEqual({ first: 'Get the weather', rest: '' });
  });
});
