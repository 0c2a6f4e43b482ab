import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inlined assets: everything is a file so the CSP can stay strict.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
