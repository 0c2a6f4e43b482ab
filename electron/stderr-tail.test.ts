import { describe, expect, it } from 'vitest';
import { StderrTail } from './stderr-tail';

describe('StderrTail', () => {
  it('keeps the last lines, each cut to length, joins chunks split mid-line, and drops quoted text', () => {
    const tail = new StderrTail(3, 20);
    tail.add('first\nsec');
    tail.add('ond line\n\n');
    tail.add(`${'x'.repeat(50)}\nopen 'C:\\patients\\Doe.xml' failed\nunfinished "quote`);
    expect(tail.text()).toBe(`second line | ${'x'.repeat(20)} | open (…) failed | unfinished (…)`);
    // A line longer than the cut keeps no half of a quote.
    const long = new StderrTail(3, 20);
    long.add(`at load (${'y'.repeat(15)} "C:/patients/Doe, John/ecg.xml")\n`);
    expect(long.text()).toBe(`at load (${'y'.repeat(11)}`);
    expect(new StderrTail().text()).toBe('');
  });

  it('passes every byte on while it keeps the tail', () => {
    const forwarded: string[] = [];
    const listeners: Record<string, (chunk: string) => void> = {};
    const stream = { on: (event: string, listener: (chunk: string) => void) => (listeners[event] = listener) };
    const tail = new StderrTail();
    tail.follow(stream, (chunk) => forwarded.push(String(chunk)));
    listeners.data?.('a\nb');
    listeners.data?.('c\n');
    expect(forwarded).toEqual(['a\nb', 'c\n']);
    expect(tail.text()).toBe('a | bc');
  });
});
