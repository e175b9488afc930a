// Names and numbers as the UI writes them in each language: formats and providers as their makers
// spell them, durations in the UI's units, and no space between Chinese sentences or before "（".
import { describe, expect, it } from 'vitest';
import { textGap, translate } from '../../../src/renderer/src/lib/i18n';
import { PAPER_SIZES, SHEET_PAPERS } from '../../../src/shared/idphoto-report';
import { formatLabel, providerLabel, wordList } from '../../../src/shared/labels';
import { formatDuration } from '../../../src/renderer/src/lib/state/app.svelte';
import { colourLabelKey } from '../../../src/renderer/src/lib/state/background.svelte';
import { COLOUR_FILE_WORDS, colourFileWord, colourInFileName } from '../../../src/shared/colour-words';

describe('UI labels', () => {
  it('spells formats and providers as their makers do', () => {
    expect(['webp', 'webm', 'gif', 'apng', 'jpeg'].map(formatLabel)).toEqual(['WebP', 'WebM', 'GIF', 'APNG', 'JPEG']);
    expect(['cpu', 'webgpu', 'dml', 'coreml', 'tensorrt', 'qnn'].map(providerLabel)).toEqual(['CPU', 'WebGPU', 'DirectML', 'CoreML', 'TensorRT', 'QNN']);
  });

  it('lists words as English does (the sides an ID photo lacks room on read "bottom and left and right")', () => {
    expect([wordList([]), wordList(['bottom']), wordList(['left', 'right']), wordList(['bottom', 'left', 'right'])]).toEqual(['', 'bottom', 'left and right', 'bottom, left and right']);
  });

  it('writes durations in the UI language', () => {
    expect([formatDuration(840, 'zh-CN'), formatDuration(1340, 'zh-CN'), formatDuration(125_000, 'zh-CN')]).toEqual(['840 毫秒', '1.3 秒', '2 分 5 秒']);
    expect(formatDuration(125_000, 'en')).toBe('2 min 5 s');
  });

  it('puts a space between pieces of English text and none in Chinese', () => {
    expect(`检查此表情包。${textGap('zh-CN')}请修补。`).toBe('检查此表情包。请修补。');
    expect(`Check it.${textGap('en')}Touch it up.`).toBe('Check it. Touch it up.');
  });

  it('names each print sheet paper with its size, in inches or mm as it is sold ("6-inch (4R)" left a US user looking for 4×6)', () => {
    const sizeIn = (label: string): number[] => {
      const m = /([\d.]+)×([\d.]+) ?(in|mm|毫米|英寸)/.exec(label)!;
      const per = m[3] === 'in' || m[3] === '英寸' ? 25.4 : 1;
      return [Number(m[1]) * per, Number(m[2]) * per];
    };
    for (const paper of SHEET_PAPERS) {
      for (const locale of ['en', 'zh-CN'] as const) {
        const [w, h] = sizeIn(translate(locale, `idphoto.sheet.${paper}`));
        expect(Math.abs(w - PAPER_SIZES[paper].widthMm), `${paper} ${locale}`).toBeLessThan(1);
        expect(Math.abs(h - PAPER_SIZES[paper].heightMm), `${paper} ${locale}`).toBeLessThan(1);
      }
    }
    expect(translate('en', 'idphoto.sheet.6inch')).toBe('4×6 in (6-inch, 4R)');
  });

  it('says an ID photo refused in Chinese without two brackets or two colons in a row (the reason has its own)', () => {
    const said = translate('zh-CN', 'idphoto.status.refused', { reason: '无法读取此文件（不是受支持的图片格式）', code: 'INPUT_UNSUPPORTED' });
    expect(said).toBe('未生成照片。无法读取此文件（不是受支持的图片格式）。错误代码：INPUT_UNSUPPORTED');
    expect(translate('zh-CN', 'idphoto.status.refused', { reason: '这张图片已损坏：部分数据缺失或出错', code: 'X' }).split('。')[1].match(/：/g)).toHaveLength(1);
  });

  it('names the ID-photo background colours (the swatches\' tooltips)', () => {
    expect(['#438edb', '#FFFFFF', '#D9342B', '#F0F0F0', '#DCEBFA', '#F3EEDC', '#F8F8F4'].map(colourLabelKey)).toEqual(['bg.idBlue', 'bg.white', 'bg.red', 'bg.lightGrey', 'bg.lightBlue', 'bg.cream', 'bg.offWhite']);
    expect(colourLabelKey('#123456')).toBeNull();
    // In a file name: the English name whatever the UI's language, else the code; each word the app's English name.
    expect(['#438EDB', '#ffffff', '#D9342B', '#F0F0F0', '#F8F8F4', '#2E7D32'].map(colourFileWord)).toEqual(['id-blue', 'white', 'red', 'light-grey', 'off-white', '2e7d32']);
    for (const [hex, word] of Object.entries(COLOUR_FILE_WORDS)) expect(translate('en', colourLabelKey(hex)!).toLowerCase().replace(/[^a-z0-9]+/g, '-'), hex).toBe(word);
    // Said where the size lists several colours, or the colour is none of them.
    expect(colourInFileName(['#438EDB', '#FFFFFF', '#D9342B'], '#d9342b')).toBe('_red');
    expect(colourInFileName(['#FFFFFF'], '#FFFFFF')).toBe('');
    expect(colourInFileName(['#FFFFFF'], '#2E7D32')).toBe('_2e7d32');
  });
});
