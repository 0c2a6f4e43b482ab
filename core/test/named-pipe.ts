import { execFileSync, spawn } from 'node:child_process';

/**
 * Makes a named pipe at `file` whose writer gives `text` (a shell printf format) once and closes,
 * runs `use`, then stops the writer. It stands in for a device (size 0 to stat, never ending):
 * code that reads such a path whole reads the text, code that refuses it unread never opens it.
 */
export async function withPipe(file: string, text: string, use: () => unknown): Promise<void> {
  execFileSync('mkfifo', [file]);
  const writer = spawn('sh', ['-c', `printf '${text}' > '${file}'`], { stdio: 'ignore' });
  try {
    await use();
  } finally {
    writer.kill();
  }
}
