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
    // An apostrophe inside a word is not a quote; a quoted name with one goes whole.
    const words = new StderrTail();
    words.add("Warning: Couldn't load Vulkan: libvulkan.so.1\nopen 'O'Brien, Pat.xml' failed\n");
    expect(words.text()).toBe("Warning: Couldn't load Vulkan: libvulkan.so.1 | open (…) failed");
  });

  it('says only what was written shortly before the stop, not start-up warnings from long before', () => {
    let now = 0;
    const tail = new StderrTail(12, 300, 10_000, () => now);
    tail.add('Warning: started without a GPU\n');
    now = 3_600_000;
    expect(tail.text()).toBe('');
    tail.add('FATAL ERROR: Reached heap limit\n');
    now += 2_000;
    expect(tail.text()).toBe('FATAL ERROR: Reached heap limit');
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
