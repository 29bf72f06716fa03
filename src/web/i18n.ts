/**
 * Message catalogs and locale formatting. Every string the UI shows is in locales/*.json; a key
 * missing from the catalog in use is logged as an error (the browser tests fail on it). The
 * language is remembered in localStorage and set on <html lang>.
 */
import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { LocalText } from '../domain/types';
import en from './locales/en.json';
import { catalogOf, type Messages } from './locales/merge';
import zh from './locales/zh-CN.json';

/** Each language's parts (locales/<lang>/<area>.json), merged into its main file. */
const partsOf = (all: Record<string, { default: Messages }>, lang: string) =>
  Object.fromEntries(Object.entries(all).filter(([p]) => p.startsWith(`./locales/${lang}/`)).map(([p, m]) => [p, m.default]));
const PARTS = import.meta.glob<{ default: Messages }>('./locales/*/*.json', { eager: true });

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type Lang = (typeof LANGUAGES)[number]['code'];
const STORAGE = 'xy.lang';

function initialLanguage(): Lang {
  const saved = localStorage.getItem(STORAGE);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: catalogOf(en, partsOf(PARTS, 'en')) }, 'zh-CN': { translation: catalogOf(zh, partsOf(PARTS, 'zh-CN')) } },
  lng: initialLanguage(),
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  saveMissing: true,
  // A key with no default value missing from the catalog is a defect: the browser tests fail on console errors.
  missingKeyHandler: (lngs, _ns, key, fallback) => {
    if (!fallback || fallback === key) console.error(`i18n: missing key "${key}" for ${lngs.join(',')}`);
  },
});
document.documentElement.lang = i18n.language;

export function setLanguage(lang: Lang) {
  localStorage.setItem(STORAGE, lang);
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/**
 * A text as the API or a catalog document gives it: a string (an answer is in the language the
 * console asked for with Accept-Language) or both languages (a catalog document keeps both).
 */
export type Text = string | LocalText;

/** The language a catalog text is read in for a UI language: Chinese for zh-CN, English otherwise. */
export const textLang = (lang: string): keyof LocalText => (lang.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en');

/** A text in the UI language: a string as it is, both languages as the one of `lang`. */
export function pick(v: Text | null | undefined, lang: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return v[textLang(lang)] ?? v.en ?? '';
}

/** A date without a time of day, as a fact or a date-only field holds it: `2026-11-02`. */
export const isDateOnly = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** Dates, times and numbers in the current language's conventions. */
export function useFormat() {
  const { t, i18n: inst } = useTranslation();
  const lang = inst.language;
  const dateF = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'Asia/Shanghai' });
  const timeF = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' });
  // A date without a time ('2026-11-02') is that day wherever the reader is.
  const dayF = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const numF = new Intl.NumberFormat(lang);
  const pctF = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const moneyF = new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY' });
  return {
    t,
    lang,
    date: (v: string | number | null | undefined) => (v === null || v === undefined ? t('common.never') : (isDateOnly(v) ? dayF : dateF).format(new Date(v))),
    dateTime: (v: string | number | null | undefined) => (v === null || v === undefined ? t('common.never') : timeF.format(new Date(v))),
    num: (n: number | null | undefined) => (n === null || n === undefined ? '—' : numF.format(n)),
    pct: (n: number) => pctF.format(n),
    money: (n: number) => moneyF.format(n),
    /** A catalog text (a string, or `{ zh-CN, en }`) in the UI language. */
    tx: (v: Text | null | undefined) => pick(v, lang),
    /** An ISO-8601 period of years, months, weeks or days (`P2Y`, `P3M`) in words: "2 years", "2 年". Anything else as it is. */
    period: (iso: string | null | undefined) => {
      const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(iso ?? '');
      if (!m || iso === 'P') return iso ?? '';
      const days = (m[4] ? Number(m[4]) : 0) + (m[3] ? Number(m[3]) * 7 : 0);
      const parts = [m[1] ? t('me.period.years', { count: Number(m[1]) }) : '', m[2] ? t('me.period.months', { count: Number(m[2]) }) : '', days ? t('me.period.days', { count: days }) : ''];
      return parts.filter(Boolean).join(' ');
    },
  };
}

export default i18n;
