// Strings of the Stickers workspace (renderer). Owned by the sticker feature from 13:15 UTC.
import type { MessageTable } from '../types';

export const sticker = {
  'sticker.title': { en: 'Stickers', 'zh-CN': '表情包' },
  'sticker.empty': { en: 'Drop a short video or GIF of a character', 'zh-CN': '拖入角色的短视频或 GIF' },
  'sticker.range': { en: 'Clip', 'zh-CN': '片段' },
  'sticker.fps': { en: 'Frame rate', 'zh-CN': '帧率' },
  'sticker.size': { en: 'Size', 'zh-CN': '尺寸' },
  'sticker.outline': { en: 'White outline', 'zh-CN': '白色描边' },
  'sticker.format': { en: 'Format', 'zh-CN': '格式' },
  'sticker.pending': { en: 'Video stickers are not in this build yet.', 'zh-CN': '视频表情包功能此版本暂未提供。' },
} satisfies MessageTable;
