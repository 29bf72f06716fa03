/** The app's own "page not found", for an address no page has (the server answers it with 404 and this app). */
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from './Page';

/** `home`: where the link goes, the console's start or the portal's. */
export function NotFound({ home }: { home: string }) {
  const { t } = useTranslation();
  return (
    <Page title={t('errors.pageNotFoundTitle')}>
      <div className="error" role="alert" data-testid="not-found">
        <p>{t('errors.pageNotFound')}</p>
        <p>
          <Link to={home} data-testid="not-found-home">
            {t('errors.home')}
          </Link>
        </p>
      </div>
    </Page>
  );
}
