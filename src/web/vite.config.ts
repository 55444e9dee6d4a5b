import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

const root = fileURLToPath(new URL('.', import.meta.url))

// Vite root is src/web; the server serves the build from dist/web at `/` and the API at `/v1`.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `DOCK_API=http://127.0.0.1:4747 npx vite -c src/web/vite.config.ts` for UI development.
    proxy: { '/v1': { target: process.env.DOCK_API ?? 'http://127.0.0.1:4747', changeOrigin: false } },
  },
})
