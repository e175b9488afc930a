// Strings of the Batch workspace (renderer). Owned by the batch feature from 13:15 UTC.
import type { MessageTable } from '../types';

export const batch = {
  'batch.title': { en: 'Batch', 'zh-CN': '批量处理' },
  'batch.empty': { en: 'Drop a folder or many images', 'zh-CN': '拖入文件夹或多张图片' },
  'batch.files': { en: '{n} files', 'zh-CN': '{n} 个文件' },
  'batch.output': { en: 'Output folder', 'zh-CN': '输出文件夹' },
  'batch.start': { en: 'Start', 'zh-CN': '开始' },
  'batch.pending': { en: 'Batch export is not in this build yet.', 'zh-CN': '批量导出功能此版本暂未提供。' },
} satisfies MessageTable;
