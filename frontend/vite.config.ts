import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Two pages: index.html is the studio UI (Wails window, or the desktop bridge in
// browser mode); customer.html is the mobile customer site served by the server.
export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': root('./src') },
  },
  define: {
    // vue-i18n feature flags: Composition API only, no devtools in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    // `STUDIO_BRIDGE_URL=http://127.0.0.1:PORT npm run dev` talks to a running desktop bridge.
    proxy: process.env.STUDIO_BRIDGE_URL
      ? { '/bridge': { target: process.env.STUDIO_BRIDGE_URL, changeOrigin: true } }
      : undefined,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1600,
    rollupOptions: {
      input: {
        studio: root('./index.html'),
        customer: root('./customer.html'),
      },
    },
  },
})
