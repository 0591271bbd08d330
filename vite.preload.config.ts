import { defineConfig } from 'vite';

// The sandboxed preload must be one CommonJS file that requires only 'electron'.
export default defineConfig({
  build: {
    outDir: 'dist/electron',
    emptyOutDir: false,
    sourcemap: true,
    target: 'node20',
    lib: { entry: 'electron/preload.ts', formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
