import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Lang } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang">
      <span className="sr-only">{t('common.language')}</span>
      <select aria-label={t('common.language')} value={i18n.language} onChange={(e) => setLanguage(e.target.value as Lang)} data-testid="language">
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
