import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { deserializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';

export class MessageTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`server sent a message larger than ${limit} bytes (maxMessageBytes); the connection was closed without reading it`);
    this.name = 'MessageTooLargeError';
  }
}

export class InvalidLineError extends Error {
  constructor(line: string, cause: unknown) {
    const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
    super(`server wrote a line on stdout that is not a JSON-RPC message: ${JSON.stringify(shown)}`, { cause });
    this.name = 'InvalidLineError';
  }
}

/** Why a server whose stdout carried non-protocol lines failed: the count and the first such line. */
export class StdoutGarbageError extends Error {
  constructor(
    readonly lines: number,
    first: InvalidLineError,
  ) {
    super(
      `server wrote ${lines} line(s) on stdout that are not JSON-RPC messages (stdout is reserved for the protocol); the first: ${first.message.replace(/^.*?: /, '')}`,
    );
    this.name = 'StdoutGarbageError';
  }
}

/**
 * Splits a stdio byte stream into newline-delimited JSON-RPC messages like the SDK's ReadBuffer,
 * but enforces the size limit per message while reading: a line that grows past `maxMessageBytes`
 * throws MessageTooLargeError as soon as the limit is crossed, so it is never held whole.
 * Chunks of the current line are kept in a list and joined once, so a slow drip stays linear.
 */
export class LineFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxMessageBytes: number) {}

  /** Feeds one chunk; calls `onMessage` / `onInvalid` per complete line. Throws MessageTooLargeError. */
  push(chunk: Buffer, onMessage: (message: JSONRPCMessage) => void, onInvalid: (error: InvalidLineError) => void): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.pendingBytes + (end - start) > this.maxMessageBytes) {
        this.clear();
        throw new MessageTooLargeError(this.maxMessageBytes);
      }
      if (newline === -1) {
        if (end > start) {
          this.pending.push(chunk.subarray(start, end));
          this.pendingBytes += end - start;
        }
        return;
      }
      this.pending.push(chunk.subarray(start, end));
      const line = Buffer.concat(this.pending).toString('utf8').replace(/\r$/, '');
      this.clear();
      start = newline + 1;
      if (line.trim() === '') continue;
      let message: JSONRPCMessage;
      try {
        message = deserializeMessage(line);
      } catch (error) {
        onInvalid(new InvalidLineError(line, error));
        continue;
      }
      onMessage(message);
    }
  }

  clear(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}
