/**
 * Single-key shortcuts of the viewer, as a reader moving through a worklist expects: the next
 * record, another layout, speed or gain without reaching for the mouse. One table drives both
 * the key handler and the help shown in the UI, so the two cannot disagree.
 */
export type ShortcutAction =
  | 'next-record'
  | 'previous-record'
  | 'next-unconfirmed'
  | 'next-layout'
  | 'next-speed'
  | 'next-gain'
  | 'previous-gain'
  | 'zoom-in'
  | 'zoom-out'
  | 'next-page'
  | 'previous-page'
  | 'focus-tracing'
  | 'focus-worklist'
  | 'restore-page'
  | 'help';

export interface Shortcut {
  /** KeyboardEvent.key values that trigger it. */
  readonly keys: readonly string[];
  /** How the help writes the keys. */
  readonly label: string;
  readonly action: ShortcutAction;
  readonly description: string;
}

export const shortcuts: readonly Shortcut[] = [
  { keys: ['n', 'j'], label: 'N or J', action: 'next-record', description: 'next record in the worklist' },
  { keys: ['p', 'k'], label: 'P or K', action: 'previous-record', description: 'previous record in the worklist' },
  { keys: ['u'], label: 'U', action: 'next-unconfirmed', description: 'next unconfirmed record' },
  { keys: ['l'], label: 'L', action: 'next-layout', description: 'next layout (3×4 + rhythm, 6×2, 12×1)' },
  { keys: ['s'], label: 'S', action: 'next-speed', description: 'paper speed 25 ⇄ 50 mm/s' },
  { keys: ['g'], label: 'G', action: 'next-gain', description: 'gain up (5 → 10 → 20 mm/mV)' },
  { keys: ['G'], label: 'Shift+G', action: 'previous-gain', description: 'gain down' },
  { keys: ['+', '='], label: '+', action: 'zoom-in', description: 'zoom in' },
  { keys: ['-'], label: '−', action: 'zoom-out', description: 'zoom out' },
  { keys: [']'], label: ']', action: 'next-page', description: 'next 10 s of a long record' },
  { keys: ['['], label: '[', action: 'previous-page', description: 'previous 10 s' },
  { keys: ['t'], label: 'T', action: 'focus-tracing', description: 'move focus to the tracing' },
  { keys: ['w'], label: 'W', action: 'focus-worklist', description: 'move focus to the worklist' },
  { keys: ['Escape'], label: 'Esc', action: 'restore-page', description: 'back from an enlarged lead to the whole page' },
  { keys: ['?'], label: '?', action: 'help', description: 'show or hide this list' },
];

const byKey = new Map(shortcuts.flatMap((s) => s.keys.map((key) => [key, s.action] as const)));

/** What a key press asks for, or null: typing in a field, a modifier held (browser and OS shortcuts) or an unbound key. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (isTypingTarget(event.target)) return null;
  return byKey.get(event.key) ?? null;
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof target !== 'object' || target === null || !('tagName' in target)) return false;
  const element = target as { tagName: string; isContentEditable?: boolean; type?: string };
  if (element.isContentEditable) return true;
  if (element.tagName === 'TEXTAREA' || element.tagName === 'SELECT') return true;
  // Check boxes, radios and buttons take no text: shortcuts still work while they have focus.
  return element.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'range', 'file'].includes(element.type ?? 'text');
}

/** The next value of a list, wrapping round (layout, speed, gain). */
export function cycle<T>(values: readonly T[], current: T, step: 1 | -1 = 1): T {
  const at = values.indexOf(current);
  const next = (Math.max(0, at) + step + values.length) % values.length;
  return values[next] as T;
}
