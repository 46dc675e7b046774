/**
 * Keeps at most `maxBytes` of a stream: the first half and the most recent half, so both the
 * startup messages and the final crash trace survive, with a note of how much was dropped.
 */
export class StderrCapture {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  append(chunk: Buffer): void {
    const headRoom = Math.ceil(this.maxBytes / 2) - this.headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.head.push(Buffer.from(part));
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    const tailMax = Math.floor(this.maxBytes / 2);
    this.tail.push(Buffer.from(chunk.subarray(Math.max(0, chunk.length - tailMax))));
    this.dropped += Math.max(0, chunk.length - tailMax);
    this.tailBytes += Math.min(chunk.length, tailMax);
    while (this.tailBytes > tailMax) {
      const first = this.tail[0];
      const excess = this.tailBytes - tailMax;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        this.dropped += excess;
      }
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    return this.dropped > 0 ? `${head}\n[… ${this.dropped} bytes of stderr dropped …]\n${tail}` : head + tail;
  }
}
