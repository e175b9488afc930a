// i18n types shared by every message table (renderer only). A table maps keys to English and
// Simplified Chinese strings; `{name}` placeholders are filled by t().
/** The locales the UI ships. */
export const LOCALES = ['en', 'zh-CN'] as const;
/** One UI locale. */
export type Locale = (typeof LOCALES)[number];
/** A message table of one area: every key has both languages, so a missing translation is a type error. */
export type MessageTable = Record<string, { en: string; 'zh-CN': string }>;
