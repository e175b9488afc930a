// Strings of the Batch workspace (renderer). Owned by the batch feature.
import type { MessageTable } from '../types';

export const batch = {
  'batch.title': { en: 'Batch', 'zh-CN': '批量处理' },
  'batch.empty': { en: 'Drop a folder or many images', 'zh-CN': '拖入文件夹或多张图片' },
  'batch.files': { en: '{n} files', 'zh-CN': '{n} 个文件' },
  'batch.output': { en: 'Output folder', 'zh-CN': '输出文件夹' },
  'batch.start': { en: 'Start', 'zh-CN': '开始' },
  'batch.addFolder': { en: 'Add folder…', 'zh-CN': '添加文件夹…' },
  'batch.mode': { en: 'Mode', 'zh-CN': '模式' },
  'batch.mode.portrait': { en: 'Portrait cut-out', 'zh-CN': '人像抠图' },
  'batch.mode.anime': { en: 'Anime cut-out', 'zh-CN': '动漫抠图' },
  'batch.mode.sticker': { en: 'Stickers from videos', 'zh-CN': '视频转表情包' },
  'batch.recursive': { en: 'Include sub-folders', 'zh-CN': '包含子文件夹' },
  'batch.name': { en: 'File names', 'zh-CN': '文件名' },
  'batch.resume': { en: 'Skip files already done', 'zh-CN': '跳过已完成的文件' },
  'batch.progress': { en: '{done} of {total}', 'zh-CN': '{done} / {total}' },
  'batch.cancel': { en: 'Cancel', 'zh-CN': '取消' },
  'batch.cancelled': { en: 'Cancelled. Finished files are kept; start again to continue.', 'zh-CN': '已取消。已完成的文件会保留，再次开始即可继续。' },
  'batch.summary': { en: '{done} done, {skipped} skipped, {failed} failed of {total}', 'zh-CN': '共 {total} 个：完成 {done}，跳过 {skipped}，失败 {failed}' },
  'batch.failures': { en: '{n} failed', 'zh-CN': '{n} 个失败' },
  'batch.showFile': { en: 'Show file', 'zh-CN': '显示文件' },
  'batch.showReport': { en: 'Show report', 'zh-CN': '显示报告' },
  'batch.retryFailed': { en: 'Retry failed', 'zh-CN': '重试失败项' },
} satisfies MessageTable;
