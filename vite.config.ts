import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console and the public portal: one React app, built into dist/web and served by the API
// process (src/api/web.ts). `npm run build` builds it; `npm install` runs the build (prepare).
export default defineConfig({
  root: 'src/web',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: { proxy: { '/v1': 'http://localhost:8080', '/public/v1': 'http://localhost:8080' } },
});
