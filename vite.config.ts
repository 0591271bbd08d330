import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is served from file:// in Electron and from the headless UI
// server in a browser: relative asset paths work for both.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // The bundle is read from disk or 127.0.0.1, never a network: its size warning says nothing here.
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es' },
});
