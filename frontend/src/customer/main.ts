import { createApp } from 'vue'
import { Button, ConfigProvider, Empty, Field, ImagePreview, Loading, Locale, Tabs, Tab } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'
// Only the styles of the components used (the full sheet is ~200 kB).
import 'vant/es/config-provider/style/index'
import 'vant/es/empty/style/index'
import 'vant/es/tabs/style/index'
import 'vant/es/tab/style/index'
import 'vant/es/button/style/index'
import 'vant/es/field/style/index'
import 'vant/es/image-preview/style/index'
import 'vant/es/loading/style/index'
import { createAppI18n } from '@/shared/i18n'
import App from './App.vue'

// Vant keeps its own locale registry; App switches it together with vue-i18n.
Locale.add({ 'en-US': enUS, 'zh-CN': zhCN })

const i18n = createAppI18n()
document.documentElement.lang = i18n.global.locale.value

createApp(App).use(i18n).use(ConfigProvider).use(Empty).use(Tabs).use(Tab).use(Button).use(Field).use(ImagePreview).use(Loading).mount('#app')
