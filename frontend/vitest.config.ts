import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config'

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      include: ['src/**/*.test.ts'],
      setupFiles: ['src/test/setup.ts'],
      restoreMocks: true,
      // Page tests mount the whole studio (Element Plus, router, i18n); on the shared 2-core
      // machine under load one can take well over vitest's 5 s default without being wrong.
      testTimeout: 30_000,
    },
  }),
)
