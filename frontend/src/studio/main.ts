import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import { createAppI18n } from '@/shared/i18n'
import App from './App.vue'
import { createSessionStore } from './composables/useSession'
import { createStudioRouter } from './router'
import './styles.css'

const i18n = createAppI18n()
document.documentElement.lang = i18n.global.locale.value
const session = createSessionStore()
const router = createStudioRouter(session)

createApp(App).use(i18n).use(ElementPlus).use(session).use(router).mount('#app')
