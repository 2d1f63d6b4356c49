import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// `npm run build` writes web/dist; the C++ build passes --outDir <build>/web-dist
// and embeds that in the binary
// (cmake/WebApp.cmake). Hashed file names under /assets/ are cached for a
// year by the server; index.html is never cached.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    // No inline <script>/<style> and no data: module preload polyfill: the
    // server sends a strict Content-Security-Policy (script-src 'self').
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev` proxies the API to a `rapport serve` on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
