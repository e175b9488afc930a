// Strings of the ID photo workspace (renderer). Owned by the idphoto feature from 13:15 UTC.
import type { MessageTable } from '../types';

export const idphoto = {
  'idphoto.title': { en: 'ID photo', 'zh-CN': '证件照' },
  'idphoto.spec': { en: 'Photo size', 'zh-CN': '照片规格' },
  'idphoto.background': { en: 'Background', 'zh-CN': '背景颜色' },
  'idphoto.sheet': { en: 'Print sheet', 'zh-CN': '排版打印' },
  'idphoto.sheet.none': { en: 'Single photo', 'zh-CN': '单张' },
  'idphoto.sheet.6inch': { en: '6-inch sheet (4R)', 'zh-CN': '6 寸排版' },
  'idphoto.check': { en: 'Checks', 'zh-CN': '合规检查' },
  'idphoto.empty': { en: 'Drop a front-facing portrait to make an ID photo', 'zh-CN': '拖入一张正面人像照片来制作证件照' },
  'idphoto.pending': { en: 'ID-photo sizing (face detection, crop to spec) is not in this build yet. The cut-out and background colour below already work.', 'zh-CN': '证件照规格裁剪（人脸检测、按规格裁切）此版本暂未提供；下方的抠图与背景换色已可使用。' },
} satisfies MessageTable;
