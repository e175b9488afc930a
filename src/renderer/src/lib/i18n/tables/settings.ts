// Strings of the Settings workspace (renderer).
import type { MessageTable } from '../types';

export const settings = {
  'settings.title': { en: 'Settings', 'zh-CN': '设置' },
  'settings.language': { en: 'Language', 'zh-CN': '语言' },
  'settings.language.system': { en: 'Same as the system', 'zh-CN': '跟随系统' },
  'settings.theme': { en: 'Appearance', 'zh-CN': '外观' },
  'settings.theme.system': { en: 'Same as the system', 'zh-CN': '跟随系统' },
  'settings.theme.light': { en: 'Light', 'zh-CN': '浅色' },
  'settings.theme.dark': { en: 'Dark', 'zh-CN': '深色' },
  'settings.engine': { en: 'Engine', 'zh-CN': '引擎' },
  'settings.provider': { en: 'Execution provider', 'zh-CN': '执行设备' },
  'settings.provider.auto': { en: 'Automatic', 'zh-CN': '自动' },
  'settings.models': { en: 'Models', 'zh-CN': '模型' },
  'settings.models.none': { en: 'No model information from the engine.', 'zh-CN': '引擎未提供模型信息。' },
  'settings.model.ok': { en: 'Installed, checksum verified', 'zh-CN': '已安装，校验通过' },
  'settings.model.missing': { en: 'Not installed: download it from {url} into a models folder', 'zh-CN': '未安装：可从 {url} 下载到模型文件夹' },
  'settings.model.corrupt': { en: 'The file does not match its checksum: download it again from {url}', 'zh-CN': '文件与校验值不符：请从 {url} 重新下载' },
  'settings.model.unpinned': { en: 'Installed; its source publishes no checksum to verify it against', 'zh-CN': '已安装；来源未提供可核对的校验值' },
  'settings.refine': { en: 'Default edge quality', 'zh-CN': '默认边缘质量' },
  'settings.export': { en: 'Export', 'zh-CN': '导出' },
  'settings.reveal': { en: 'Show the file in its folder after export', 'zh-CN': '导出后在文件夹中显示' },
  'settings.quality': { en: 'JPEG / WebP quality', 'zh-CN': 'JPEG / WebP 质量' },
  'settings.format': { en: 'Default format', 'zh-CN': '默认格式' },
  'settings.shortcuts': { en: 'Keyboard shortcuts', 'zh-CN': '快捷键' },
  'settings.about': { en: 'About', 'zh-CN': '关于' },
  'settings.about.body': { en: 'Offline cut-outs for ID photos, stickers and batch export. Version {version}.', 'zh-CN': '离线抠图：证件照、表情包与批量导出。版本 {version}。' },
} satisfies MessageTable;
