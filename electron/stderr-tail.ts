/** What is read of a child's stderr (a Node Readable, or Electron's utilityProcess stream). */
interface TextStream {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
}
import { withoutQuotedText } from '../core/errors';

/**
 * The last lines an engine process wrote to stderr, for the shell's log when it stops: V8's
 * "Reached heap limit", a native module's abort or an uncaught error is otherwise lost in a
 * windowed app. Bounded (a process that floods stderr keeps only its last `maxLines` lines of
 * `maxLineChars` each), still passed on to the shell's own stderr for a terminal, and redacted
 * like an error of a path-taking channel: quoted text, which could be a patient's file name or
 * a line of one, is dropped.
 */
export class StderrTail {
  readonly #lines: string[] = [];
  #partial = '';
  #ended: Promise<void> = Promise.resolve();

  constructor(
    readonly maxLines = 12,
    readonly maxLineChars = 300,
  ) {}

  /** Keeps the stream's last lines, and passes its bytes on to `forward`. */
  follow(stream: TextStream | null | undefined, forward: (chunk: Buffer | string) => void = (chunk) => process.stderr.write(chunk)): void {
    if (!stream) return;
    stream.on('data', (chunk: Buffer | string) => {
      forward(chunk);
      this.add(chunk.toString());
    });
    this.#ended = new Promise((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
    });
  }

  /**
   * Resolves once the stream has ended, or after `waitMs`: a process's exit can come before its
   * last stderr bytes are read, and a child it left behind can hold the pipe open long after.
   */
  async settled(waitMs = 200): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  add(text: string): void {
    const parts = (this.#partial + text).split(/\r?\n/);
    this.#partial = parts.pop() ?? '';
    for (const line of parts) this.#keep(line);
    // A line that never ends is kept as one once it is long: the memory stays bounded.
    if (this.#partial.length > 4 * this.maxLineChars) {
      this.#keep(this.#partial);
      this.#partial = '';
    }
  }

  /** The tail as one log line (newest last, ' | ' between lines), redacted; '' when nothing was written. */
  text(): string {
    const partial = redacted(this.#partial, this.maxLineChars);
    return (partial === '' ? this.#lines : [...this.#lines, partial]).join(' | ');
  }

  #keep(line: string): void {
    const kept = redacted(line, this.maxLineChars);
    if (kept === '') return;
    this.#lines.push(kept);
    if (this.#lines.length > this.maxLines) this.#lines.shift();
  }
}

/** Quoted text dropped (and a quote left open, with all after it), then cut: never cut first, or half a quote would stay. */
function redacted(line: string, maxChars: number): string {
  return withoutQuotedText(line)
    .replace(/['"`].*$/, '(…)')
    .trim()
    .slice(0, maxChars);
}
