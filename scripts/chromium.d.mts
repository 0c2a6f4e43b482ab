/** The first Chromium-family browser found (scripts/chromium.mjs), or undefined. */
export function findChromium(): string | undefined;
