/** What is read of a child's stderr (a Node Readable, or Electron's utilityProcess stream). */
interface TextStream {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
}

/**
 * The last lines an engine process wrote to stderr, for the shell's log when it stops: V8's
 * "Reached heap limit", a native module's abort or an uncaught error is otherwise lost in a
 * windowed app. Only what it wrote shortly before it stopped (`recentMs`): start-up warnings from
 * an hour before are not why a process was killed. Bounded (the last `maxLines` lines of
 * `maxLineChars` each), still passed on to the shell's own stderr for a terminal, and redacted:
 * quoted text, which could be a patient's file name or a line of a file, is dropped.
 */
export class StderrTail {
  readonly #lines: { readonly at: number; readonly text: string }[] = [];
  #partial = '';
  #ended: Promise<void> = Promise.resolve();

  constructor(
    readonly maxLines = 12,
    readonly maxLineChars = 300,
    readonly recentMs = 10_000,
    readonly now: () => number = Date.now,
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

  /** The recent tail as one log line (newest last, ' | ' between lines), redacted; '' when nothing was written lately. */
  text(): string {
    const since = this.now() - this.recentMs;
    const recent = this.#lines.filter((l) => l.at >= since).map((l) => l.text);
    const partial = redacted(this.#partial, this.maxLineChars);
    return (partial === '' ? recent : [...recent, partial]).join(' | ');
  }

  #keep(line: string): void {
    const text = redacted(line, this.maxLineChars);
    if (text === '') return;
    this.#lines.push({ at: this.now(), text });
    if (this.#lines.length > this.maxLines) this.#lines.shift();
  }
}

/**
 * Quoted text dropped, and a quote left open with all after it, then cut (never cut first, or half
 * a quote would stay). An apostrophe inside a word ("Couldn't") opens nothing; a single-quoted span
 * runs to a quote not followed by a letter, so 'O'Brien.xml' goes whole.
 */
function redacted(line: string, maxChars: number): string {
  return line
    .replace(/"[^"\n]*"|`[^`\n]*`|(?<![\p{L}\p{N}])'.*?'(?![\p{L}\p{N}])/gu, '(…)')
    .replace(/(?<![\p{L}\p{N}])['"`].*$|".*$|`.*$/u, '(…)')
    .trim()
    .slice(0, maxChars);
}
