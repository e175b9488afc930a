// The one i18n table of the renderer: every area's table merged, plus t() and locale detection.
// Add an area by writing tables/<area>.ts and listing it in TABLES below (renderer only).
import { batch } from './tables/batch';
import { common } from './tables/common';
import { cutout } from './tables/cutout';
import { errors } from './tables/errors';
import { idphoto } from './tables/idphoto';
import { settings } from './tables/settings';
import { sticker } from './tables/sticker';
import { LOCALES, type Locale, type MessageTable } from './types';

export { LOCALES, type Locale, type MessageTable };

/** Every area's table; keys must be unique across areas (checked by the unit test). */
export const TABLES = { common, errors, cutout, settings, idphoto, sticker, batch } as const;

type Tables = typeof TABLES;
/** Every message key of the app. */
export type MessageKey = { [A in keyof Tables]: keyof Tables[A] }[keyof Tables] & string;

/** The merged table: key -> strings in both languages. */
export const MESSAGES: Record<MessageKey, { en: string; 'zh-CN': string }> = Object.assign({}, ...Object.values(TABLES));

/** Picks the UI locale from the OS/browser languages: any Chinese except traditional-script variants -> zh-CN. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const raw of languages) {
    const lang = raw.toLowerCase();
    if (lang.startsWith('zh')) {
      if (/^zh-(tw|hk|mo)|hant/.test(lang)) continue;
      return 'zh-CN';
    }
    if (lang.startsWith('en')) return 'en';
  }
  return 'en';
}

/**
 * Fills `{name}` placeholders, and `{name|one|other}` with "one" when params[name] is 1 and "other"
 * otherwise (English's "1 photo" / "2 photos"; Chinese needs none). Unknown placeholders stay
 * visible so they are noticed.
 */
export function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g, (whole, name: string, one?: string, other?: string) => {
    if (!(name in params)) return whole;
    if (one === undefined) return String(params[name]);
    return Number(params[name]) === 1 ? one : (other ?? '');
  });
}

/** Translates a key in a locale; a key missing from the table is returned as-is. */
export function translate(locale: Locale, key: MessageKey | string, params?: Record<string, string | number>): string {
  const entry = (MESSAGES as Record<string, { en: string; 'zh-CN': string } | undefined>)[key];
  return format(entry ? entry[locale] : key, params);
}

/**
 * What goes between two pieces of text: a space in English, none in Chinese, whose full stops and
 * brackets are full-width and take no space ("。请…", "26 mm（规格…）").
 */
export function textGap(locale: Locale): string {
  return locale === 'zh-CN' ? '' : ' ';
}

/** `text` in brackets after what it follows: " (Ctrl+O)" in English, full-width "（Ctrl+O）" in Chinese, as the tables write them. */
export function bracketed(locale: Locale, text: string): string {
  return locale === 'zh-CN' ? `（${text}）` : ` (${text})`;
}

/** A label and what it names: "Download: a.png" in English, a full-width colon in Chinese ("下载：a.png"). */
export function labelled(locale: Locale, label: string, value: string): string {
  return locale === 'zh-CN' ? `${label}：${value}` : `${label}: ${value}`;
}

/** Sentences one after another: Chinese sentences end in "。" and follow on without a space. */
export function joinSentences(locale: Locale, parts: readonly string[]): string {
  return parts.filter(Boolean).join(textGap(locale));
}
